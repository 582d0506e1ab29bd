"""The legal rules of appeals (APPC RK art. 76), pinned with dates across holidays and the
working days the calendar transfers, for the head and his deputy, through the services
and the staff pages (the API's side is tests/appeals/test_staff_api.py).

2025's calendar: 1–2 January New Year, 5 January a working Sunday (transferred), 7 January
Orthodox Christmas. 2026: Nauryz 21–25 March.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from precinct.accounts.models import Role
from precinct.appeals import metrics, services
from precinct.appeals.models import AnswerTemplate, Appeal, AppealEvent, Notification, Status
from precinct.appeals.validators import AppealInputError
from tests import factories
from tests.appeals.builders import appeal_in_district_a, at
from tests.appeals.test_workspace import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy(world):
    return factories.staff("deputy", Role.DEPUTY_HEAD, world.t.district_a)


@pytest.fixture(params=["head", "deputy"])
def extender(request, world, deputy):
    """Each test that extends runs once for the head and once for his deputy."""
    return world.p.head if request.param == "head" else deputy


def day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


# --- the deadline across a transferred working day ------------------------------------


def test_answer_due_counts_the_working_sunday_of_5_january_2025(world):
    appeal = appeal_in_district_a(now=at("2024-12-20"))
    # 23–27, 30, 31 Dec, 3, 5 (Sunday, working), 6, 8, 9, 10, 13, 14, 15 Jan: 15 working days.
    assert appeal.due_date == day("2025-01-15")


# --- extension: at most two months from receipt, by the head or his deputy ------------


@pytest.mark.parametrize(
    ("registered", "latest"),
    [
        ("2025-01-03", "2025-03-03"),  # after the New Year holidays
        ("2026-03-13", "2026-05-13"),  # before Nauryz
        ("2025-12-31", "2026-02-28"),  # no 31 February: the month's last day
    ],
)
def test_extension_is_capped_at_two_months_from_receipt(world, extender, registered, latest):
    appeal = appeal_in_district_a(now=at(registered))
    too_late = day(latest) + dt.timedelta(days=1)
    with pytest.raises(AppealInputError) as refused:
        services.appeal_extend(
            actor=extender, appeal=appeal, new_due_date=too_late, reason="Экспертиза"
        )
    assert refused.value.code == "extension_beyond_legal_cap"
    [(field, message)] = refused.value.errors
    assert field == "due_date"
    assert "76" in message and day(latest).strftime("%d.%m.%Y") in message
    services.appeal_extend(
        actor=extender, appeal=appeal, new_due_date=day(latest), reason="Экспертиза"
    )
    appeal.refresh_from_db()
    assert (appeal.due_date, appeal.extended) == (day(latest), True)
    event = appeal.events.get(kind="extended")
    assert (event.actor, event.new_due_date, event.note) == (extender, day(latest), "Экспертиза")


def test_the_cap_is_configurable(world, settings, extender):
    settings.PRECINCT_APPEALS = {**settings.PRECINCT_APPEALS, "EXTENSION_MAX_MONTHS": 1}
    appeal = appeal_in_district_a(now=at("2025-01-03"))
    with pytest.raises(AppealInputError, match=r"03\.02\.2025"):
        services.appeal_extend(
            actor=extender, appeal=appeal, new_due_date=day("2025-02-04"), reason="Экспертиза"
        )


def test_after_a_review_the_cap_runs_from_the_request_for_review(world, extender):
    appeal = appeal_in_district_a(now=at("2025-01-03"))
    services.appeal_answer(actor=world.p.head, appeal=appeal, answer="Ответ", now=at("2025-01-06"))
    services.appeal_rate(appeal=appeal, rating=1, request_review=True, now=at("2025-02-10"))
    appeal.refresh_from_db()
    assert appeal.department == world.t.city  # one level up: the district's staff no longer
    city_head = factories.staff("city-head", Role.HEAD, world.t.city)
    services.appeal_extend(
        actor=city_head, appeal=appeal, new_due_date=day("2025-04-10"), reason="Проверка"
    )
    with pytest.raises(AppealInputError, match=r"10\.04\.2025"):
        services.appeal_extend(
            actor=city_head, appeal=appeal, new_due_date=day("2025-04-11"), reason="Проверка"
        )


def test_only_the_head_or_his_deputy_extends(world, deputy):
    appeal = appeal_in_district_a(now=at("2025-01-03"))
    services.appeal_assign(actor=world.p.head, appeal=appeal, assignee=world.p.inspector)
    later = appeal.due_date + dt.timedelta(days=7)
    outsider_deputy = factories.staff("deputy-b", Role.DEPUTY_HEAD, world.t.district_b)
    for user in (world.p.inspector, world.p.admin, world.p.operator, outsider_deputy):
        with pytest.raises(PermissionDenied):
            services.appeal_extend(actor=user, appeal=appeal, new_due_date=later, reason="x")
    # The deputy extends; assigning and forwarding stay the head's.
    with pytest.raises(PermissionDenied):
        services.appeal_assign(actor=deputy, appeal=appeal, assignee=world.p.inspector)
    with pytest.raises(PermissionDenied):
        services.appeal_forward(actor=deputy, appeal=appeal, to="Акимат")
    services.appeal_extend(actor=deputy, appeal=appeal, new_due_date=later, reason="Экспертиза")


def test_the_applicant_is_told_of_an_extension_within_3_working_days(world, extender):
    """Extended on Friday 3 January 2025: Sunday the 5th works, the 7th is a holiday, so
    the notice is due on the 8th (the 9th without the transferred day)."""
    appeal = appeal_in_district_a(now=at("2024-12-20"))
    services.appeal_extend(
        actor=extender,
        appeal=appeal,
        new_due_date=day("2025-02-14"),
        reason="Экспертиза",
        now=at("2025-01-03"),
    )
    notices = Notification.objects.filter(appeal=appeal, event="extended")
    assert {(n.medium, n.due_date) for n in notices} == {
        ("email", day("2025-01-08")),
        ("sms", day("2025-01-08")),
    }
    assert all("14.02.2025" in n.body for n in notices)


def _sent(notice: Notification, moment: dt.datetime) -> None:
    """What the worker records when the gateway took the message."""
    Notification.objects.filter(pk=notice.pk).update(state=Notification.State.SENT, sent_at=moment)


def test_measure__share_of_extension_notices_sent_within_3_working_days(world, extender):
    on_time = appeal_in_district_a("вовремя", now=at("2024-12-20"), contact_phone="")
    late = appeal_in_district_a("поздно", now=at("2024-12-20"), contact_phone="")
    waiting = appeal_in_district_a("в очереди", now=at("2024-12-20"), contact_phone="")
    for appeal in (on_time, late, waiting):
        services.appeal_extend(
            actor=extender,
            appeal=appeal,
            new_due_date=day("2025-02-14"),
            reason="Экспертиза",
            now=at("2025-01-03"),
        )
    notice = Notification.objects.filter(event="extended")
    _sent(notice.get(appeal=on_time), at("2025-01-08", hour=23))  # the last legal day
    _sent(notice.get(appeal=late), at("2025-01-09", hour=0))
    Notification.objects.filter(event="extended").update(created_at=at("2025-01-03"))

    def measure(today):
        [row] = metrics.department_measures(
            start=day("2025-01-01"), end=day("2025-01-31"), today=today
        )
        return row["extension_notices"], row["extension_notices_on_time_share"]

    # While the third is not yet due it is not counted; once due and unsent it is late.
    assert measure(day("2025-01-08")) == (2, 0.5)
    assert measure(day("2025-01-09")) == (3, pytest.approx(1 / 3))


# --- forwarding: the applicant told at once, escalated when late, measured ------------


def test_forwarding_tells_the_applicant_at_the_same_time(world):
    appeal = appeal_in_district_a(category_code="utilities", now=at("2025-01-03"))
    assert appeal.forward_due_date == day("2025-01-08")  # Sunday the 5th works, the 7th off
    services.appeal_forward(
        actor=world.p.head, appeal=appeal, to=appeal.forwarded_to, now=at("2025-01-06")
    )
    notices = Notification.objects.filter(appeal=appeal, event="forwarded")
    assert {n.medium for n in notices} == {"email", "sms"}
    assert all(n.due_date == day("2025-01-08") for n in notices)
    assert all(appeal.forwarded_to in n.body for n in notices)


def test_forwarding_found_at_work_gets_the_3_day_date_from_receipt(world):
    appeal = appeal_in_district_a(now=at("2025-01-03"))
    assert appeal.forward_due_date is None
    services.appeal_forward(actor=world.p.head, appeal=appeal, to="Акимат", now=at("2025-01-10"))
    appeal.refresh_from_db()
    assert (appeal.status, appeal.forward_due_date) == (Status.FORWARDED, day("2025-01-08"))
    with pytest.raises(AppealInputError):  # a forwarded appeal is no longer open
        services.appeal_forward(actor=world.p.head, appeal=appeal, to="Акимат")


def test_an_unforwarded_appeal_past_its_forward_date_escalates_once(world):
    late = appeal_in_district_a("не отправлено", category_code="utilities", now=at("2025-01-03"))
    done = appeal_in_district_a("отправлено", category_code="utilities", now=at("2025-01-03"))
    services.appeal_forward(
        actor=world.p.head, appeal=done, to=done.forwarded_to, now=at("2025-01-06")
    )
    assert services.appeals_escalate_unforwarded(now=at("2025-01-08")) == 0  # still due today
    assert services.appeals_escalate_unforwarded(now=at("2025-01-09")) == 1
    assert services.appeals_escalate_unforwarded(now=at("2025-01-10")) == 0
    late.refresh_from_db()
    assert late.forward_escalated_at is not None
    assert late.escalated_at is None  # the answer's own escalation is still to come
    event = AppealEvent.objects.get(kind="forward_overdue")
    assert (event.appeal_id, event.public) == (late.pk, False)
    note = Notification.objects.get(event="forward_overdue")
    assert note.recipient == world.head_officer.email
    assert late.registration_number in note.body and "2025-01-08" in note.body


def test_the_upkeep_command_escalates_both(world, capsys):
    from django.core.management import call_command

    appeal_in_district_a(category_code="utilities", now=at("2025-01-03"))
    call_command("appeals", "escalate")
    out = capsys.readouterr().out
    assert "1 overdue appeals escalated, 1 unforwarded appeals escalated" in out


def test_measure__forwarded_counts_only_appeals_forwarded_on_time_or_late(world):
    early = appeal_in_district_a("1", category_code="utilities", now=at("2025-01-03"))
    late = appeal_in_district_a("2", category_code="utilities", now=at("2025-01-03"))
    appeal_in_district_a("3", category_code="utilities", now=at("2025-01-03"))  # not yet
    appeal_in_district_a("4", now=at("2025-01-03"))  # police work
    head = world.p.head
    services.appeal_forward(actor=head, appeal=early, to="Акимат", now=at("2025-01-08", hour=23))
    services.appeal_forward(actor=head, appeal=late, to="Акимат", now=at("2025-01-09", hour=0))
    [row] = metrics.department_measures(start=day("2025-01-01"), end=day("2025-01-31"))
    assert (row["received"], row["forwarded"]) == (4, 2)
    assert (row["forwarded_on_time"], row["forwarded_late"]) == (1, 1)


# --- the staff page ---------------------------------------------------------------------


def test_page__a_refused_extension_keeps_assignees_templates_and_what_was_typed(
    client, world, extender
):
    appeal = appeal_in_district_a(now=at("2025-01-03"))
    AnswerTemplate.objects.create(title="Меры приняты", text="Проведена беседа.")
    signed_in(client, extender)
    url = reverse("appeals:staff-action", args=[appeal.pk, "extend"])
    response = client.post(url, {"due_date": "2025-03-04", "reason": "Нужна экспертиза"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "03.03.2025" in html and "ст. 76" in html  # the rule, its source and the latest date
    assert 'value="2025-03-04"' in html and "Нужна экспертиза" in html
    assert len(response.context["templates"]) == 1
    assert {u.username for u in response.context["assignees"]} == {"inspector", "head"}
    assert response.context["can_extend"] is True
    appeal.refresh_from_db()
    assert appeal.extended is False
    # Then the date the law allows.
    response = client.post(url, {"due_date": "2025-03-03", "reason": "Нужна экспертиза"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.due_date == day("2025-03-03")


def test_page__the_head_with_templates_after_a_refused_extension_can_answer(client, world):
    """The answer form (with its templates) is still there after the refusal."""
    appeal = appeal_in_district_a(now=at("2025-01-03"))
    AnswerTemplate.objects.create(title="Меры приняты", text="Проведена беседа.")
    signed_in(client, world.p.head)
    url = reverse("appeals:staff-action", args=[appeal.pk, "extend"])
    html = client.post(url, {"due_date": "", "reason": ""}).content.decode()
    assert "Меры приняты" in html and 'name="answer"' in html
    assert f'<option value="{world.p.inspector.pk}">' in html


def test_page__the_deputy_sees_the_extension_form_but_not_assign_or_forward(client, world, deputy):
    appeal = appeal_in_district_a()
    signed_in(client, deputy)
    html = client.get(reverse("appeals:staff-appeal", args=[appeal.pk])).content.decode()
    assert 'name="due_date"' in html
    assert 'name="assignee"' not in html and 'name="to"' not in html
    for action, data in (("assign", {"assignee": world.p.inspector.pk}), ("forward", {"to": "x"})):
        url = reverse("appeals:staff-action", args=[appeal.pk, action])
        assert client.post(url, data).status_code == 403
    assert Appeal.objects.get().status == Status.REGISTERED
    assert timezone.localdate() <= Appeal.objects.get().due_date


def test_page__the_history_speaks_the_pages_language(client, world, extender):
    appeal = appeal_in_district_a(category_code="utilities", now=at("2025-01-03"))
    services.appeal_extend(
        actor=extender, appeal=appeal, new_due_date=day("2025-02-14"), reason="Экспертиза"
    )
    services.appeals_escalate_unforwarded(now=at("2025-01-09"))
    signed_in(client, extender)
    html = client.get(reverse("appeals:staff-appeal", args=[appeal.pk])).content.decode()
    history = html[html.index('class="history"') :]
    assert "срок ответа продлён" in history and "14.02.2025" in history
    assert "не перенаправлено в срок" in history
    assert "extended" not in history and "forward_overdue" not in history
