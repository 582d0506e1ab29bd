"""The alerts outbox keeps the appeals' promises: an exclusive lease, retries with backoff,
a sweep for lost tasks, and no private link in the logs."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from precinct.alerts import outbox
from precinct.alerts.models import AlertMail
from precinct.alerts.tasks import alert_mails_sweep, send_alert_mail
from precinct.core.logging import redact
from tests.alerts.conftest import last_mail, link_in, subscribe

pytestmark = pytest.mark.django_db


class FailingMail:
    """A mail backend that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("smtp down")


@pytest.fixture
def queued(territory) -> AlertMail:
    subscribe(Client(), territory.precinct_a)
    return last_mail("confirm")


def test_a_claim_is_exclusive_until_the_lease_expires(queued):
    now = timezone.now()
    assert outbox.mail_claim(mail_id=queued.pk, now=now).attempts == 1
    assert outbox.mail_claim(mail_id=queued.pk, now=now + dt.timedelta(seconds=29)) is None
    again = outbox.mail_claim(mail_id=queued.pk, now=now + dt.timedelta(seconds=31))
    assert again.attempts == 2
    outbox.mail_sent(mail_id=queued.pk, now=now)
    assert outbox.mail_claim(mail_id=queued.pk, now=now + dt.timedelta(hours=1)) is None


def test_a_failed_send_is_retried_later_with_backoff(queued, settings):
    settings.EMAIL_BACKEND = "tests.alerts.test_outbox.FailingMail"
    before = timezone.now()
    assert send_alert_mail.call(queued.pk) == "pending"
    queued.refresh_from_db()
    assert queued.attempts == 1 and queued.last_error == "ConnectionError"
    assert queued.next_attempt_at >= before + dt.timedelta(seconds=29)
    assert queued.leased_until is None
    retries = DBTaskResult.objects.filter(args_kwargs__args=[queued.pk])
    assert [t.task.run_after is not None for t in retries.order_by("enqueued_at")] == [False, True]
    assert send_alert_mail.call(queued.pk) == "skipped"  # not due yet


def test_the_sweep_re_enqueues_only_mails_without_a_live_task(queued):
    AlertMail.objects.update(next_attempt_at=timezone.now() - dt.timedelta(minutes=5))
    assert alert_mails_sweep() == 0  # its task still waits in the queue
    DBTaskResult.objects.filter(id=queued.task_id).delete()  # lost with a killed worker
    assert alert_mails_sweep() == 1
    queued.refresh_from_db()
    assert DBTaskResult.objects.filter(id=queued.task_id, status="READY").exists()
    assert alert_mails_sweep() == 0


def test_private_links_are_redacted_from_logs(queued):
    for purpose in ("confirm", "unsubscribe"):
        path = link_in(queued.body, purpose)
        token = path.split("/")[-2]
        line = redact(f'"GET {path} HTTP/1.1" 200')
        assert token not in line and f"/alerts/{purpose}/…" in line
