"""registered → assigned → in progress → answered → closed; deadlines, extension, review."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from precinct.appeals import services
from precinct.appeals.models import Appeal, Notification, Status
from precinct.appeals.validators import AppealInputError
from tests.appeals.builders import appeal_in_district_a, at

pytestmark = pytest.mark.django_db


def test_due_date_is_fifteen_working_days_from_the_kazakhstan_calendar(world):
    appeal = appeal_in_district_a(now=at("2026-03-13"))
    assert appeal.due_date == dt.date(2026, 4, 8)  # weekends and Nauryz 21–25 March skipped
    assert appeal.registration_number.startswith("2026-")


def test_transferred_days_off_move_the_deadline(world, settings):
    from precinct.appeals import deadlines

    deadlines._calendar.cache_clear()
    settings.PRECINCT_APPEALS = {
        **settings.PRECINCT_APPEALS,
        "TRANSFERRED_DAYS_OFF": ["2026-04-07"],
    }
    try:
        appeal = appeal_in_district_a(now=at("2026-03-13"))
        assert appeal.due_date == dt.date(2026, 4, 9)
    finally:
        deadlines._calendar.cache_clear()


def test_outside_competence_is_marked_for_forwarding_with_its_own_deadline(world):
    appeal = appeal_in_district_a(category_code="utilities", now=at("2026-03-13"))
    assert appeal.forward_due_date == dt.date(2026, 3, 18)  # 3 working days
    assert "Akimat" in appeal.forwarded_to
    services.appeal_forward(actor=world.p.head, appeal=appeal, to=appeal.forwarded_to)
    appeal.refresh_from_db()
    assert appeal.status == Status.FORWARDED


def test_the_whole_lifecycle_keeps_every_change(world):
    p = world.p
    appeal = appeal_in_district_a()
    services.appeal_assign(actor=p.head, appeal=appeal, assignee=p.inspector, note="разберитесь")
    services.appeal_start(actor=p.inspector, appeal=appeal)
    services.appeal_answer(actor=p.inspector, appeal=appeal, answer="Проведена беседа.")
    services.appeal_close(actor=p.head, appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED
    assert appeal.answered_on_time is True and appeal.working_days_to_answer == 0
    kinds = list(appeal.events.values_list("kind", "actor__username"))
    assert kinds == [
        ("registered", None),
        ("assigned", "head"),
        ("started", "inspector"),
        ("answered", "inspector"),
        ("closed", "head"),
    ]
    events = set(Notification.objects.filter(appeal=appeal).values_list("event", flat=True))
    assert events == {"registered", "assigned", "answered"}


def test_only_a_head_extends_with_reasons_and_a_later_date(world):
    p = world.p
    appeal = appeal_in_district_a()
    services.appeal_assign(actor=p.head, appeal=appeal, assignee=p.inspector)
    later = appeal.due_date + dt.timedelta(days=10)
    with pytest.raises(PermissionDenied):
        services.appeal_extend(actor=p.inspector, appeal=appeal, new_due_date=later, reason="x")
    with pytest.raises(AppealInputError) as err:
        services.appeal_extend(
            actor=p.head, appeal=appeal, new_due_date=appeal.due_date, reason=" "
        )
    assert dict(err.value.errors).keys() == {"reason", "due_date"}
    services.appeal_extend(
        actor=p.head, appeal=appeal, new_due_date=later, reason="Нужна экспертиза"
    )
    appeal.refresh_from_db()
    assert appeal.due_date == later and appeal.extended
    assert Notification.objects.filter(appeal=appeal, event="extended").exists()


def test_outsider_and_analyst_cannot_act(world):
    appeal = appeal_in_district_a()
    for user in (world.p.outsider, world.p.analyst, world.p.patrol):
        with pytest.raises(PermissionDenied):
            services.appeal_assign(actor=user, appeal=appeal, assignee=world.p.inspector)
        with pytest.raises(PermissionDenied):
            services.appeal_answer(actor=user, appeal=appeal, answer="…")


def test_a_late_answer_is_not_on_time(world):
    appeal = appeal_in_district_a(now=at("2026-03-13"))
    services.appeal_answer(actor=world.p.head, appeal=appeal, answer="Ответ", now=at("2026-04-09"))
    appeal.refresh_from_db()
    assert appeal.answered_on_time is False
    assert appeal.working_days_to_answer == 16


def test_low_rating_with_review_reopens_one_level_up(world):
    appeal = appeal_in_district_a()
    services.appeal_answer(actor=world.p.head, appeal=appeal, answer="Ответ")
    with pytest.raises(AppealInputError):
        services.appeal_rate(appeal=appeal, rating=4, request_review=True)
    services.appeal_rate(appeal=appeal, rating=1, comment="Ничего не сделано", request_review=True)
    appeal.refresh_from_db()
    assert appeal.status == Status.REGISTERED
    assert appeal.department == world.t.city
    assert appeal.reopened_count == 1
    assert list(appeal.events.values_list("kind", flat=True))[-2:] == ["rated", "reopened"]


def test_rating_is_1_to_5_once_and_only_after_an_answer(world):
    appeal = appeal_in_district_a()
    with pytest.raises(AppealInputError):
        services.appeal_rate(appeal=appeal, rating=5)
    services.appeal_answer(actor=world.p.head, appeal=appeal, answer="Ответ")
    with pytest.raises(AppealInputError):
        services.appeal_rate(appeal=appeal, rating=6)
    services.appeal_rate(appeal=appeal, rating=5, comment="Спасибо")
    with pytest.raises(AppealInputError):
        services.appeal_rate(appeal=appeal, rating=4)
    assert Appeal.objects.get().rating == 5


def test_overdue_appeals_escalate_to_the_head_once(world):
    appeal = appeal_in_district_a(now=at("2026-03-13"))
    assert services.appeals_escalate_overdue(now=at("2026-04-09")) == 1
    assert services.appeals_escalate_overdue(now=at("2026-04-10")) == 0
    appeal.refresh_from_db()
    assert appeal.escalated_at is not None
    note = Notification.objects.get(event="escalated")
    assert note.recipient == world.head_officer.email


def test_staff_register_a_phone_appeal_with_the_official_on_the_receipt(world):
    from precinct.audit.models import AuditEntry

    appeal, created = services.appeal_register(
        type="request",
        text="Звонок: просьба",
        channel="phone",
        registered_by=world.p.operator,
        department_id=world.t.district_a.pk,
        contact_name="Иван",
        contact_phone="+77010000000",
    )
    assert created and appeal.registered_by_label == "operator"
    assert AuditEntry.objects.filter(subject_id=str(appeal.pk), action="create").exists()
    with pytest.raises(PermissionDenied):
        services.appeal_register(
            type="request",
            text="x",
            channel="phone",
            registered_by=world.p.outsider,
            department_id=world.t.district_a.pk,
            contact_name="Иван",
            contact_phone="+77010000000",
        )


def test_attachments_are_checked_on_content_not_name(world):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    fake = b"MZ\x90\x00 not an image"
    with pytest.raises(AppealInputError) as err:
        appeal_in_district_a(attachments=[("photo.png", fake)])
    assert "attachments.0" in dict(err.value.errors)
    appeal = appeal_in_district_a(attachments=[("scan.exe", png), ("doc.pdf", b"%PDF-1.7 x")])
    types = sorted(appeal.attachments.values_list("content_type", flat=True))
    assert types == ["application/pdf", "image/png"]


def test_the_content_fingerprint_is_the_one_stored_appeals_carry(world):
    """A retry that began before an upgrade must still find its appeal: the fingerprint of
    the content (type, text, contacts, place, officer) keeps its exact form."""
    import hashlib

    appeal = appeal_in_district_a("Шумят соседи")
    parts = {
        "type": "request",
        "text": "Шумят соседи",
        "name": "Айгуль Сапарова",
        "phone": "+7 701 234 56 78",
        "email": "a@example.kz",
        "department": None,
        "lat": 43.24,
        "lon": 76.90,
        "address": "",
        "officer": None,
    }
    text = "|".join(f"{k}={parts[k]}" for k in sorted(parts))
    assert appeal.content_hash == hashlib.sha256(text.encode()).hexdigest()
