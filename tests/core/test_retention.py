"""Retention: personal data past its period is blanked, on the day and not a day before,
and every run is audited with counts and no personal data."""

import datetime as dt
import os

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from precinct.appeals.models import Appeal, Notification
from precinct.audit.models import AuditEntry
from precinct.audit.services import audit_record
from precinct.core import retention
from precinct.dispatch.models import Category as DispatchCategory
from precinct.dispatch.models import Incident
from precinct.receptions.models import Booking, ReceptionSlot
from precinct.territory.models import Officer
from tests.appeals.builders import appeal_in_district_a

START = dt.datetime(2020, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def days(settings):
    settings.PRECINCT_RETENTION_DAYS = {
        "appeal_contacts": 100,
        "appeal_client_hashes": 30,
        "notification_bodies": 60,
        "gateway_files": 20,
        "caller_phones": 200,
        "reception_bookings": 150,
        "alert_addresses": 30,
        "audit_entries": 1000,
    }
    return settings.PRECINCT_RETENTION_DAYS


def _closed_appeal(closed_at: dt.datetime) -> Appeal:
    appeal = appeal_in_district_a()
    Appeal.objects.filter(pk=appeal.pk).update(
        status="closed", registered_at=START, closed_at=closed_at, client_hash="c" * 64
    )
    return appeal


def _purge_at(moment: dt.datetime) -> dict:
    return retention.personal_data_purge(now=moment, how="test")


@pytest.mark.django_db
def test_appeal_contacts_are_blanked_once_the_period_after_closing_has_passed(territory, days):
    appeal = _closed_appeal(START + DAY)
    still_open = appeal_in_district_a(text="Ещё не закрыто")
    boundary = START + DAY + dt.timedelta(days=days["appeal_contacts"])

    _purge_at(boundary - SECOND)
    appeal.refresh_from_db()
    assert appeal.contact_phone == "+7 701 234 56 78"

    counts = _purge_at(boundary + SECOND)
    appeal.refresh_from_db()
    assert (appeal.contact_name, appeal.contact_phone, appeal.contact_email) == ("", "", "")
    assert appeal.text and appeal.registration_number  # the register keeps the appeal
    assert counts["appeal_contacts"] == 1
    still_open.refresh_from_db()
    assert still_open.contact_phone  # an open appeal keeps its contacts, however old


@pytest.mark.django_db
def test_client_hashes_and_notification_texts_have_their_own_periods(territory, days):
    appeal = _closed_appeal(START)
    Notification.objects.filter(appeal=appeal).update(state="sent", created_at=START)
    pending = Notification.objects.filter(appeal=appeal).first()
    Notification.objects.filter(pk=pending.pk).update(state="pending")

    counts = _purge_at(START + dt.timedelta(days=30) + SECOND)
    assert counts["appeal_client_hashes"] == 1 and counts["notification_bodies"] == 0
    assert Appeal.objects.get(pk=appeal.pk).client_hash == ""

    counts = _purge_at(START + dt.timedelta(days=60) + SECOND)
    assert counts["notification_bodies"] == 1
    sent = Notification.objects.get(appeal=appeal, state="sent")
    assert (sent.recipient, sent.subject, sent.body) == ("", "", "")
    assert Notification.objects.get(pk=pending.pk).body  # not yet sent: kept


@pytest.mark.django_db
def test_callers_phones_go_after_closing_open_incidents_keep_them(territory, days):
    def incident(state, closed_at):
        return Incident.objects.create(
            department=territory.district_a,
            category=DispatchCategory.objects.get_or_create(code="other")[0],
            priority=2,
            state=state,
            caller_phone="+7 705 111 22 33",
            received_at=START,
            closed_at=closed_at,
        )

    closed = incident("closed", START)
    still_open = incident("open", None)
    boundary = START + dt.timedelta(days=days["caller_phones"])
    assert _purge_at(boundary - SECOND)["caller_phones"] == 0
    assert _purge_at(boundary + SECOND)["caller_phones"] == 1
    closed.refresh_from_db()
    still_open.refresh_from_db()
    assert closed.caller_phone == "" and closed.received_at == START
    assert still_open.caller_phone == "+7 705 111 22 33"


@pytest.mark.django_db
def test_booking_contacts_go_after_the_reception(territory, days):
    head = Officer.objects.create(
        department=territory.district_a, role=Officer.Role.HEAD, last_name="Бекова"
    )
    slot = ReceptionSlot.objects.create(
        department=territory.district_a, head=head, starts_at=START, place="каб. 5", capacity=3
    )
    booking = Booking.objects.create(
        slot=slot, code="RT12CD34", name="Гульнар", phone="+77015554433",
        topic="Нет освещения", state="attended", booked_at=START - DAY,
    )  # fmt: skip
    boundary = START + dt.timedelta(days=days["reception_bookings"])
    assert _purge_at(boundary - SECOND)["reception_bookings"] == 0
    assert _purge_at(boundary + SECOND)["reception_bookings"] == 1
    booking.refresh_from_db()
    assert (booking.name, booking.phone, booking.topic, booking.state) == ("", "", "", "attended")


@pytest.mark.django_db
def test_gateway_files_older_than_their_period_are_deleted(db, days, settings, tmp_path):
    settings.PRECINCT_SMS_DIR = str(tmp_path / "sms")
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    (tmp_path / "sms").mkdir()
    (tmp_path / "mail").mkdir()
    old_sms, new_sms = tmp_path / "sms" / "a", tmp_path / "sms" / "b"
    old_mail = tmp_path / "mail" / "c.eml"
    now = timezone.now()
    for path, age in [(old_sms, 21), (new_sms, 19), (old_mail, 25)]:
        path.write_text("+7 701 000 00 00\nтекст")
        stamp = (now - dt.timedelta(days=age)).timestamp()
        os.utime(path, (stamp, stamp))
    counts = retention.personal_data_purge(how="test")
    assert counts["gateway_files"] == 2
    assert [p.name for p in (tmp_path / "sms").iterdir()] == ["b"]
    assert not old_mail.exists()


@pytest.mark.django_db
def test_every_run_is_audited_with_counts_and_no_personal_data(territory, days):
    _closed_appeal(START)
    counts = _purge_at(START + dt.timedelta(days=101))
    entry = AuditEntry.objects.get(subject_type="retention")
    assert entry.action == "delete" and entry.fields == sorted(counts)
    assert "appeal_contacts=1" in entry.context and entry.context.startswith("test:")
    for private in ("701", "Айгуль", "example.kz"):
        assert private not in entry.context + entry.subject_id + str(entry.fields)


@pytest.mark.django_db
def test_the_worker_job_purges_once_per_period(db, days, settings):
    settings.PRECINCT_RETENTION_PURGE_HOURS = 24
    with freeze_time(START):
        assert retention.personal_data_purge_if_due() is not None
    with freeze_time(START + dt.timedelta(hours=23)):
        assert retention.personal_data_purge_if_due() is None
    with freeze_time(START + dt.timedelta(hours=25)):
        assert retention.personal_data_purge_if_due() is not None
    assert AuditEntry.objects.filter(subject_type="retention").count() == 2


@pytest.mark.django_db
def test_the_purge_command_prints_the_counts(db, days, capsys):
    call_command("purge_personal_data")
    out = capsys.readouterr().out
    assert "appeal_contacts: 0" in out and "audit_entries: 0" in out
    assert AuditEntry.objects.get(subject_type="retention").context.startswith("command:")


@pytest.mark.django_db
def test_audit_purge_command_keeps_the_configured_period(db, days, capsys):
    with freeze_time(START):
        audit_record(actor=None, action="read", subject_type="appeals.appeal", subject_id="1")
    with freeze_time(START + dt.timedelta(days=999)):
        audit_record(actor=None, action="read", subject_type="appeals.appeal", subject_id="2")
    with freeze_time(START + dt.timedelta(days=1000, hours=1)):
        call_command("audit_purge")
    assert "1 audit entries" in capsys.readouterr().out
    left = set(AuditEntry.objects.values_list("subject_id", flat=True))
    assert "1" not in left and "2" in left
    # the purge itself is in the log
    assert AuditEntry.objects.filter(subject_type="audit.auditentry", action="delete").exists()
