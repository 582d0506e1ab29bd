"""Double opt-in, one-click unsubscribe, limits and guessing, digests and their language."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from precinct.alerts import digests, services
from precinct.alerts.models import AlertMail, Subscription, Throttle
from precinct.alerts.tasks import send_alert_mail
from precinct.priorities.models import Priority, PriorityAction
from tests.alerts.conftest import last_mail, link_in, subscribe

pytestmark = pytest.mark.django_db
EMAIL = "resident@example.kz"


def _priority(precinct, **fields) -> Priority:
    today = timezone.localdate()
    texts = {"issue": "Парковка во дворах", "issue_kk": "Аулалардағы тұрақ",
             "issue_en": "Parking in courtyards"}  # fmt: skip
    return Priority.objects.create(
        precinct=precinct, since=today, reviewed_on=today, **{**texts, **fields}
    )


def one_click(client, path):
    """RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", no cookie, no CSRF token."""
    body = "List-Unsubscribe=One-Click"
    return client.post(path, body, content_type="application/x-www-form-urlencoded")


def _confirmed(client, precinct, **kwargs) -> Subscription:
    assert subscribe(client, precinct, **kwargs).status_code == 200
    confirm = link_in(last_mail("confirm").body, "confirm")
    assert client.post(confirm).status_code == 200
    return Subscription.objects.get(email=kwargs.get("email", EMAIL))


def test_a_request_is_stored_pending_and_only_a_confirmation_is_queued(client, territory):
    response = subscribe(client, territory.precinct_a)
    assert response.status_code == 200 and b"Check your mail" in response.content
    sub = Subscription.objects.get()
    assert sub.state == "pending" and sub.email == EMAIL and sub.language == "en"
    assert sub.kinds == ["priorities", "receptions", "figures"]
    confirmation = AlertMail.objects.get()
    assert confirmation.kind == "confirm" and confirmation.recipient == EMAIL
    assert DBTaskResult.objects.filter(id=confirmation.task_id, status="READY").exists()
    # the token is kept only as its hash
    token = link_in(confirmation.body, "confirm").split("/")[-2]
    assert token not in sub.confirm_hash and len(sub.confirm_hash) == 64
    # news before confirmation sends nothing
    _priority(territory.precinct_a)
    assert digests.digests_build_due() == 0
    assert list(AlertMail.objects.values_list("kind", flat=True)) == ["confirm"]


def test_the_link_shows_a_button_and_the_button_confirms(client, territory):
    subscribe(client, territory.precinct_a)
    confirm = link_in(last_mail("confirm").body, "confirm")
    page = client.get(confirm)
    assert page.status_code == 200 and b"<button" in page.content
    assert Subscription.objects.get().state == "pending"  # a mail scanner's GET confirms nothing
    assert client.post(confirm).status_code == 200
    sub = Subscription.objects.get()
    assert sub.state == "active" and sub.confirmed_at is not None
    again = client.post(confirm)
    assert again.status_code == 200 and Subscription.objects.get().confirmed_at == sub.confirmed_at


def test_a_repeated_request_is_the_same_subscription(client, territory):
    subscribe(client, territory.precinct_a)
    first = link_in(last_mail("confirm").body, "confirm")
    subscribe(client, territory.precinct_a, email=" Resident@Example.KZ ", kinds=["figures"])
    assert Subscription.objects.count() == 1
    sub = Subscription.objects.get()
    assert sub.kinds == ["figures"]
    assert client.post(first).status_code == 404  # the newer link replaced it
    assert client.post(link_in(last_mail("confirm").body, "confirm")).status_code == 200
    mails = AlertMail.objects.count()
    response = subscribe(client, territory.precinct_a)  # confirmed: nothing changes
    assert response.status_code == 200 and b"Check your mail" in response.content
    assert AlertMail.objects.count() == mails and Subscription.objects.get().kinds == ["figures"]


def test_guessed_tokens_are_refused_and_then_every_link_from_the_client(client, territory):
    subscribe(client, territory.precinct_a)
    confirm = link_in(last_mail("confirm").body, "confirm")
    for n in range(10):
        assert client.get(f"/alerts/confirm/guess{n}/").status_code == 404
    assert client.post("/alerts/unsubscribe/guess/").status_code == 429
    assert client.post(confirm).status_code == 429  # even the right one, for an hour
    assert Subscription.objects.get().state == "pending"
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.post(confirm).status_code == 200
    assert not Throttle.objects.filter(key_hash__contains="198.51").exists()


def test_requests_are_limited_per_address_and_per_client(client, territory):
    for _ in range(3):
        assert subscribe(client, territory.precinct_a).status_code == 200
    refused = subscribe(client, territory.precinct_a, address="203.0.113.1")
    assert refused.status_code == 429 and b"Too many requests" in refused.content
    for n in range(7):
        assert subscribe(client, territory.precinct_a, email=f"n{n}@example.kz").status_code == 200
    assert subscribe(client, territory.precinct_a, email="x@example.kz").status_code == 429
    assert AlertMail.objects.count() == 10


def test_bad_input_is_refused_with_the_field_named(client, territory):
    bad = subscribe(client, territory.precinct_a, email="not an address")
    assert bad.status_code == 400 and b"Enter a valid e-mail address." in bad.content
    none = subscribe(client, territory.precinct_a, kinds=["nonsense"])
    assert none.status_code == 400 and b"Choose at least one kind" in none.content
    unknown = client.post(
        "/alerts/subscribe/", {"precinct": "x", "email": EMAIL, "kinds": "figures"}
    )
    assert unknown.status_code == 400
    assert client.get("/alerts/subscribe/?precinct=999999").status_code == 404
    assert not Subscription.objects.exists() and not AlertMail.objects.exists()


def test_an_unconfirmed_subscription_expires_and_gets_nothing(client, territory):
    subscribe(client, territory.precinct_a)
    confirm = link_in(last_mail("confirm").body, "confirm")
    Subscription.objects.update(requested_at=timezone.now() - dt.timedelta(hours=73))
    _priority(territory.precinct_a)
    assert digests.digests_build_due() == 0
    sub = Subscription.objects.get()
    assert sub.state == "expired" and sub.ended_at is not None
    assert client.post(confirm).status_code == 404
    assert AlertMail.objects.filter(kind="digest").count() == 0


def test_a_digest_is_built_once_a_day_and_sent_once(client, territory):
    sub = _confirmed(client, territory.precinct_a)
    parking = _priority(territory.precinct_a, place="ул. Абая", place_en="Abay street")
    PriorityAction.objects.create(
        priority=parking, done_on=timezone.localdate(), text="Рейд", text_en="A night raid"
    )
    assert digests.digests_build_due() == 1
    assert digests.digests_build_due() == 0  # one a day
    digest = last_mail("digest")
    assert digest.digest_day == timezone.localdate() and digest.recipient == EMAIL
    assert "Parking in courtyards — Abay street" in digest.body and "A night raid" in digest.body
    assert "Парковка" not in digest.body  # one language
    assert send_alert_mail.call(digest.pk) == "sent"
    assert send_alert_mail.call(digest.pk) == "skipped"
    sent = [m for m in mail.outbox if m.subject == digest.subject]
    assert len(sent) == 1
    headers = sent[0].extra_headers
    unsubscribe = link_in(digest.body, "unsubscribe")
    assert headers["List-Unsubscribe"] == f"<{digest.unsubscribe_url}>"
    assert digest.unsubscribe_url.endswith(unsubscribe)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    sub.refresh_from_db()
    assert sub.news_since >= parking.created_at


def test_mails_are_in_the_chosen_language_with_its_dates(client, territory):
    day = timezone.localdate()
    _confirmed(client, territory.precinct_a, email="kk@example.kz", language="kk")
    _confirmed(client, territory.precinct_a, email="ru@example.kz", language="ru")
    _priority(territory.precinct_a)
    assert digests.digests_build_due() == 2
    kk = AlertMail.objects.get(kind="digest", recipient="kk@example.kz")
    ru = AlertMail.objects.get(kind="digest", recipient="ru@example.kz")
    assert "Жаңа басымдықтар" in kk.body and "Аулалардағы тұрақ" in kk.body
    assert f"{day.year} ж." in kk.body and "Parking" not in kk.body
    assert "Новые приоритеты" in ru.body and "Парковка во дворах" in ru.body
    assert f"{day.year} г." in ru.body
    assert "растаңыз" in AlertMail.objects.get(kind="confirm", recipient="kk@example.kz").subject


def test_unsubscribing_in_one_click_stops_every_mail(territory):
    client = Client(enforce_csrf_checks=True)
    _confirmed(Client(), territory.precinct_a)
    _priority(territory.precinct_a)
    digests.digests_build_due()
    digest = last_mail("digest")
    path = link_in(digest.body, "unsubscribe")
    page = client.get(path)
    assert page.status_code == 200 and b"<button" in page.content
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", no cookie, no CSRF token
    done = one_click(client, path)
    assert done.status_code == 200
    assert Subscription.objects.get().state == "unsubscribed"
    digest.refresh_from_db()
    assert digest.state == "cancelled" and send_alert_mail.call(digest.pk) == "skipped"
    _priority(territory.precinct_a, issue="Новое")
    assert digests.digests_build_due(now=timezone.now() + dt.timedelta(days=1)) == 0
    assert one_click(client, path).status_code == 200


def test_the_confirmation_mail_unsubscribes_too(client, territory):
    subscribe(client, territory.precinct_a)
    client.post(link_in(last_mail("confirm").body, "unsubscribe"))
    assert Subscription.objects.get().state == "unsubscribed"
    assert client.post(link_in(last_mail("confirm").body, "confirm")).status_code == 404


def test_the_first_digest_of_a_month_carries_last_months_figures(client, territory):
    november = dt.datetime(2026, 11, 10, 12, tzinfo=timezone.get_current_timezone())
    subscribe(client, territory.precinct_a, kinds=["figures"], language="en")
    token = link_in(last_mail("confirm").body, "confirm").split("/")[-2]
    Subscription.objects.update(requested_at=november)
    services.subscription_confirm(token=token, now=november)
    assert digests.digests_build_due(now=november + dt.timedelta(days=5)) == 0
    december = dt.datetime(2026, 12, 1, 9, tzinfo=november.tzinfo)
    assert digests.digests_build_due(now=december) == 1
    body = last_mail("digest").body
    assert "Figures for November 2026" in body
    assert "Appeals received: 0" in body and "too few to measure" in body
    assert digests.digests_build_due(now=december + dt.timedelta(days=1)) == 0  # once a month


def test_pages_speak_the_readers_language(client, territory):
    url = f"/alerts/subscribe/?precinct={territory.precinct_a.pk}"
    for language, title in [("ru", "Уведомления по почте"), ("kk", "Пошта арқылы хабарламалар"),
                            ("en", "E-mail alerts")]:  # fmt: skip
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200 and title in page.content.decode()
