"""Notifications leave through the durable outbox, sent by a real worker, retried on failure."""

import datetime as dt
import subprocess
import sys

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from precinct.appeals.models import Notification
from precinct.appeals.tasks import backoff, send_notification
from tests.appeals.builders import appeal_in_district_a
from tests.processes import child_env
from tests.redis_dbs import redis_url


class FailingSms:
    """A gateway that is down."""

    def send(self, *, to, text, key):
        raise ConnectionError("gateway down")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_registration_mail_and_sms(territory, tmp_path):
    appeal = appeal_in_district_a()
    notes = Notification.objects.filter(appeal=appeal)
    assert notes.count() == 2 and DBTaskResult.objects.count() == 2  # enqueued after commit
    env = child_env(
        EMAIL_BACKEND="precinct.appeals.mail.FileEmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "mail"),
        PRECINCT_SMS_BACKEND="file",
        PRECINCT_SMS_DIR=str(tmp_path / "sms"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "precinct.cli", "worker", "--max-tasks", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert set(notes.values_list("state", flat=True)) == {"sent"}
    sent_mail = "".join(p.read_text() for p in (tmp_path / "mail").iterdir())
    assert appeal.registration_number in sent_mail and "a@example.kz" in sent_mail
    sms = notes.get(medium="sms")
    # one file per message, named by its idempotency key
    assert (
        (tmp_path / "sms" / f"{sms.idempotency_key}.txt")
        .read_text()
        .startswith("+7 701 234 56 78\n")
    )
    assert [p.name for p in (tmp_path / "mail").iterdir()] == [
        f"{notes.get(medium='email').idempotency_key}.eml"
    ]
    # the worker's own output names no recipient
    assert "a@example.kz" not in done.stderr and "701 234" not in done.stderr


@pytest.mark.django_db
def test_a_failed_send_is_retried_later_with_backoff(world, settings):
    settings.PRECINCT_SMS_BACKEND = "tests.appeals.test_notifications.FailingSms"
    appeal_in_district_a()
    sms = Notification.objects.get(medium="sms")
    before = timezone.now()
    assert send_notification.call(sms.pk) == "pending"
    sms.refresh_from_db()
    assert sms.attempts == 1 and sms.state == "pending" and sms.last_error == "ConnectionError"
    assert sms.next_attempt_at >= before + dt.timedelta(seconds=29)
    assert sms.leased_until is None  # the lease is given back with the failure
    # the retry is enqueued with run_after, and an early run of any task waits for it
    tasks = DBTaskResult.objects.filter(args_kwargs__args=[sms.idempotency_key])
    assert [t.task.run_after is not None for t in tasks.order_by("enqueued_at")] == [
        False,  # the first, at registration
        True,  # the retry
    ]
    assert send_notification.call(sms.pk) == "skipped"


@pytest.mark.django_db
def test_the_retry_enqueues_a_task_that_runs_after_the_backoff(
    world, settings, django_capture_on_commit_callbacks
):
    settings.PRECINCT_SMS_BACKEND = "tests.appeals.test_notifications.FailingSms"
    with django_capture_on_commit_callbacks(execute=True):
        appeal_in_district_a()
    sms = Notification.objects.get(medium="sms")
    with django_capture_on_commit_callbacks(execute=True):
        send_notification.call(sms.pk)
    retry = DBTaskResult.objects.filter(args_kwargs__args=[sms.idempotency_key]).order_by(
        "-enqueued_at"
    )
    assert retry.first().run_after is not None
    assert retry.first().run_after > timezone.now() + dt.timedelta(seconds=20)


@pytest.mark.django_db
def test_gives_up_after_the_configured_attempts(world, settings):
    settings.PRECINCT_SMS_BACKEND = "tests.appeals.test_notifications.FailingSms"
    settings.PRECINCT_APPEALS = {**settings.PRECINCT_APPEALS, "NOTIFY_MAX_ATTEMPTS": 2}
    appeal_in_district_a()
    sms = Notification.objects.get(medium="sms")
    send_notification.call(sms.pk)
    Notification.objects.update(next_attempt_at=timezone.now())  # the backoff has passed
    send_notification.call(sms.pk)
    sms.refresh_from_db()
    assert (sms.state, sms.attempts) == ("failed", 2)
    assert send_notification.call(sms.pk) == "skipped"


def test_backoff_doubles():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


@pytest.mark.django_db
def test_mail_goes_through_django_mail_backends(world):
    appeal_in_district_a()
    email = Notification.objects.get(medium="email")
    send_notification.call(email.pk)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@example.kz"]


@pytest.mark.django_db
def test_requeue_and_escalate_commands(world, capsys):
    from django.core.management import call_command

    from tests.appeals.builders import at

    appeal_in_district_a(now=at("2026-01-05"))
    Notification.objects.update(next_attempt_at=timezone.now() - dt.timedelta(hours=1))
    call_command("appeals", "requeue")
    assert "0 notifications re-enqueued" in capsys.readouterr().out  # their tasks wait
    DBTaskResult.objects.all().delete()  # lost, as at a kill between commit and a Redis enqueue
    before = DBTaskResult.objects.count()
    call_command("appeals", "requeue")
    assert "2 notifications re-enqueued" in capsys.readouterr().out
    assert DBTaskResult.objects.count() == before + 2
    call_command("appeals", "escalate")
    assert "1 overdue appeals escalated" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_redis_queue_sends_after_commit(territory, tmp_path):
    from django.test import override_settings

    tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queues = {"default": {"URL": redis_url(1), "DEFAULT_TIMEOUT": 60}}
    with override_settings(TASKS=tasks, RQ_QUEUES=queues, PRECINCT_QUEUE="redis"):
        import django_rq

        django_rq.get_queue("default").empty()
        appeal = appeal_in_district_a()
        env = child_env(
            PRECINCT_QUEUE="redis",
            REDIS_URL=redis_url(1),
            EMAIL_FILE_PATH=str(tmp_path / "mail"),
            PRECINCT_SMS_BACKEND="file",
            PRECINCT_SMS_DIR=str(tmp_path / "sms"),
        )
        done = subprocess.run(
            [sys.executable, "-m", "precinct.cli", "worker", "--max-tasks", "2"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    states = set(Notification.objects.filter(appeal=appeal).values_list("state", flat=True))
    assert states == {"sent"}
    (sms_file,) = (tmp_path / "sms").iterdir()
    assert appeal.registration_number in sms_file.read_text()
