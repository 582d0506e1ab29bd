"""Retention of subscribers' addresses, the read surfaces alerts adds or reads, the
figures' small-count rule, and what staff see (counts, never an address)."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone, translation

from precinct.alerts import digests, metrics, services
from precinct.alerts.figures import month_figures
from precinct.alerts.models import AlertMail, Subscription
from precinct.appeals import metrics as appeals_metrics
from precinct.appeals.models import Appeal
from precinct.core import retention
from precinct.priorities import metrics as priorities_metrics
from precinct.priorities.models import Priority, PriorityAction
from precinct.receptions.models import ReceptionSlot
from precinct.territory.models import Officer
from tests import factories
from tests.alerts.conftest import last_mail, link_in, subscribe
from tests.appeals.builders import appeal_in_district_a

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def _subscription(precinct, email, state, ended_at=None, **fields) -> Subscription:
    return Subscription.objects.create(
        precinct=precinct, email=email, email_hash=services.email_fingerprint(email),
        state=state, requested_at=timezone.now(), ended_at=ended_at, confirm_hash="h" * 64,
        **fields,
    )  # fmt: skip


def test_ended_subscriptions_lose_their_address_after_the_period(territory, settings):
    now = timezone.now()
    period = settings.PRECINCT_RETENTION_DAYS["alert_addresses"]
    old = _subscription(territory.precinct_a, "old@example.kz", "unsubscribed",
                        ended_at=now - dt.timedelta(days=period) - DAY)  # fmt: skip
    recent = _subscription(territory.precinct_a, "recent@example.kz", "expired",
                           ended_at=now - dt.timedelta(days=period) + DAY)  # fmt: skip
    active = _subscription(territory.precinct_a, "active@example.kz", "active")
    counts = retention.personal_data_purge(now=now, how="test")
    assert counts["alert_addresses"] == 1
    old.refresh_from_db(), recent.refresh_from_db(), active.refresh_from_db()
    assert (old.email, old.email_hash, old.confirm_hash) == ("", "", "")
    assert old.state == "unsubscribed"  # the row stays, counted, naming nobody
    assert recent.email == "recent@example.kz" and active.email == "active@example.kz"
    # the blanked address may subscribe again: it is a new subscription
    client = Client()
    assert subscribe(client, territory.precinct_a, "old@example.kz").status_code == 200
    assert Subscription.objects.filter(precinct=territory.precinct_a).count() == 4


def test_sent_mails_lose_recipient_and_text_after_the_notification_period(territory, settings):
    subscribe(Client(), territory.precinct_a)
    mail = last_mail("confirm")
    AlertMail.objects.filter(pk=mail.pk).update(state="sent")
    days = settings.PRECINCT_RETENTION_DAYS["notification_bodies"]
    later = timezone.now() + dt.timedelta(days=days) + DAY
    assert retention.personal_data_purge(now=later, how="test")["alert_mail_bodies"] == 1
    mail.refresh_from_db()
    assert (mail.recipient, mail.body, mail.subject) == ("", "", "")


def test_precinct_news_reads_what_was_recorded_in_the_window(territory):
    before = timezone.now()
    today = timezone.localdate()
    p = Priority.objects.create(precinct=territory.precinct_a, issue="Шум", issue_en="Noise",
                                since=today, reviewed_on=today)  # fmt: skip
    PriorityAction.objects.create(priority=p, done_on=today, text="Рейд", text_en="A raid")
    after = timezone.now()
    with translation.override("en"):
        news = priorities_metrics.precinct_news(
            precinct_id=territory.precinct_a.pk, since=before, until=after
        )
    assert [r["issue"] for r in news["priorities"]] == ["Noise"]
    assert [(a["issue"], a["text"]) for a in news["actions"]] == [("Noise", "A raid")]
    empty = priorities_metrics.precinct_news(
        precinct_id=territory.precinct_a.pk, since=after, until=after + DAY
    )
    assert empty == {"priorities": [], "actions": []}


def test_public_counts_of_a_precinct_leave_complaints_about_officers_out(territory):
    appeal_in_district_a()
    complaint = appeal_in_district_a(text="Жалоба на участкового")
    officer = factories.inspector_of(territory.precinct_a)
    Appeal.objects.filter(pk=complaint.pk).update(about_officer=officer)
    Appeal.objects.exclude(pk=complaint.pk).update(
        answered_at=timezone.now(), answered_on_time=True
    )
    today = timezone.localdate()
    counts = appeals_metrics.public_counts_by_precinct
    assert counts(start=today, end=today) == {
        territory.precinct_a.pk: {"received": 1, "answered": 1, "on_time": 1},
    }  # fmt: skip
    assert counts(start=today + DAY, end=today + DAY) == {}


def test_monthly_figures_suppress_small_counts(territory):
    appeal_in_district_a()
    month = timezone.localdate().replace(day=1)
    figures = month_figures(month=month)[territory.precinct_a.pk]
    assert figures["received"] is None  # one appeal: "fewer than 5", never "1"
    assert figures["answered"] == 0 and figures["answered_on_time_share"] is None
    assert figures["arrival_seconds_p50"] is None


def test_receptions_are_announced_once_within_the_notice_days(territory):
    client = Client()
    subscribe(client, territory.precinct_a, kinds=["receptions"])
    client.post(link_in(last_mail("confirm").body, "confirm"))
    head = factories.officer(territory.district_a, Officer.Role.HEAD, "Бекова")
    soon, later = timezone.now() + 2 * DAY, timezone.now() + 20 * DAY
    for starts_at in (soon, later):
        ReceptionSlot.objects.create(department=territory.district_a, head=head,
                                     starts_at=starts_at, place="каб. 1")  # fmt: skip
    assert digests.digests_build_due() == 1
    body = last_mail("digest").body
    assert "Receptions of the department's heads" in body and "Бекова" in body
    assert f"?department={territory.district_a.pk}" in body
    assert body.count("•") == 1  # the one within a week; the other comes in its week
    tomorrow = timezone.now() + DAY
    assert digests.digests_build_due(now=tomorrow) == 0  # announced once


def test_the_read_surface_counts_subscribers_per_precinct(territory):
    _subscription(territory.precinct_a, "a@example.kz", "active")
    _subscription(territory.precinct_a, "b@example.kz", "pending")
    _subscription(territory.precinct_a, "c@example.kz", "unsubscribed")
    counts = metrics.subscriber_counts()
    assert counts == {territory.precinct_a.pk: {"active": 1, "pending": 1}}


def test_the_admin_shows_counts_per_precinct_and_no_address(territory, personas):
    _subscription(territory.precinct_a, "private@example.kz", "active")
    client = Client()
    client.force_login(personas.admin)
    page = client.get("/admin/alerts/subscription/")
    assert page.status_code == 200 and b'id="alert-counts"' in page.content
    sub = Subscription.objects.get()
    detail = client.get(f"/admin/alerts/subscription/{sub.pk}/change/")
    assert detail.status_code == 200
    for response in (page, detail):
        assert b"private@example.kz" not in response.content
        assert sub.email_hash.encode() not in response.content
    client.force_login(personas.head)
    assert client.get("/admin/alerts/subscription/").status_code in (302, 403)


def test_the_include_gives_the_neighbourhood_page_a_form(territory):
    request = RequestFactory().get("/")
    html = render_to_string(
        "alerts/_subscribe.html", {"precinct": {"id": territory.precinct_a.pk}}, request=request
    )
    assert 'action="/alerts/subscribe/"' in html
    assert f'name="precinct" value="{territory.precinct_a.pk}"' in html
    assert 'type="email"' in html and "csrfmiddlewaretoken" in html
