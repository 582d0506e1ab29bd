"""Background work of alerts: sending the outbox at least once, each mail once.

Exactly as ``appeals.tasks`` sends notifications: a task claims its mail under a lease
(``alerts.outbox``), renews the lease while the mail backend works, and records the
outcome; a failed attempt re-enqueues itself after a growing delay; the worker's periodic
``alert_mails_sweep`` re-enqueues a mail whose task was lost; the mail backend is handed
the mail's idempotency key and writes a key once. Digests are built by the periodic job
``alerts.digests.digests_build_due``. Logs name the row, never the address or the text.
"""

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Iterable
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks_db.models import DBTaskResult

from precinct.alerts import outbox
from precinct.alerts.models import AlertMail

log = logging.getLogger(__name__)

# The header the file gateway (appeals/mail.py) names its files by: one file per key.
KEY_HEADER = "Idempotency-Key"


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min … after the 1st, 2nd, 3rd failure (the appeals' base)."""
    base = settings.PRECINCT_APPEALS["NOTIFY_BACKOFF_SECONDS"]
    return dt.timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def deliver(mail: AlertMail) -> None:
    """Hand one mail to the mail backend with its key and the one-click unsubscribe headers
    (RFC 2369 List-Unsubscribe, RFC 8058 List-Unsubscribe-Post); raises on failure."""
    key = mail.idempotency_key
    headers = {
        KEY_HEADER: key,
        "Message-ID": f"<{key}@precinct.alerts>",
        "List-Unsubscribe": f"<{mail.unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    EmailMessage(mail.subject, mail.body, None, [mail.recipient], headers=headers).send()


@contextmanager
def lease_kept(mail_id: int):
    """Renew the lease every third of its length while the body runs (a heartbeat)."""
    stop = threading.Event()
    every = outbox.lease_length().total_seconds() / 3

    def beat():
        try:
            while not stop.wait(every):
                outbox.mail_lease_renew(mail_id=mail_id)
        finally:
            connection.close()

    heart = threading.Thread(target=beat, name=f"alert-lease-{mail_id}", daemon=True)
    heart.start()
    try:
        yield
    finally:
        stop.set()
        heart.join()


@task()
def send_alert_mail(mail_id: int) -> str:
    """Send one outbox mail; on failure re-enqueue itself after a growing delay."""
    mail = outbox.mail_claim(mail_id=mail_id, now=timezone.now())
    if mail is None:
        return "skipped"
    try:
        with lease_kept(mail.pk):
            deliver(mail)
    except Exception as exc:  # any gateway failure is retried
        return _failed(mail, exc)
    outbox.mail_sent(mail_id=mail.pk, now=timezone.now())
    return "sent"


def _failed(mail: AlertMail, exc: Exception) -> str:
    if mail.attempts >= settings.PRECINCT_APPEALS["NOTIFY_MAX_ATTEMPTS"]:
        log.warning("alert mail %s failed for good after %s attempts", mail.pk, mail.attempts)
        return outbox.mail_failed(mail=mail, error=type(exc).__name__, retry_at=None)
    retry_at = timezone.now() + backoff(mail.attempts)
    with transaction.atomic():
        state = outbox.mail_failed(mail=mail, error=type(exc).__name__, retry_at=retry_at)
        alert_mails_enqueue([mail.pk], run_after=retry_at)
    log.info("alert mail %s failed (attempt %s), retry later", mail.pk, mail.attempts)
    return state


def alert_mails_enqueue(ids: Iterable[int], *, run_after: dt.datetime | None = None) -> None:
    """Enqueue sending tasks: with the database queue in the caller's transaction, with
    Redis once the rows are committed (as ``appeals.tasks.notifications_enqueue``)."""
    ids = list(ids)
    sender = send_alert_mail.using(run_after=run_after) if run_after else send_alert_mail

    def enqueue():
        for pk in ids:
            result = sender.enqueue(pk)
            outbox.mail_task_set(mail_id=pk, task_id=result.id)

    if settings.PRECINCT_QUEUE == "database":
        enqueue()
    else:
        transaction.on_commit(enqueue)


def alert_mails_sweep() -> int:
    """Re-enqueue pending mails nobody holds whose task is overdue and no longer queued."""
    now = timezone.now()
    stale = outbox.mails_stale(now=now)
    waiting = _waiting_tasks([task_id for _, task_id in stale if task_id])
    lost = [pk for pk, task_id in stale if task_id not in waiting]
    with transaction.atomic():
        ids = outbox.mails_due_again(ids=lost, now=now)
        alert_mails_enqueue(ids)
    if ids:
        log.info("alerts outbox sweep re-enqueued %s mails", len(ids))
    return len(ids)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _waiting_tasks(task_ids: list[str]) -> set[str]:
    """The tasks among these still queued (or scheduled): a worker will run them."""
    if settings.PRECINCT_QUEUE == "database":
        ids = [task_id for task_id in task_ids if _is_uuid(task_id)]
        queued = DBTaskResult.objects.filter(id__in=ids, status=TaskResultStatus.READY)
        return {str(pk) for pk in queued.values_list("id", flat=True)}
    waiting = set()
    for task_id in task_ids:
        try:
            status = send_alert_mail.get_result(task_id).status
        except TaskResultDoesNotExist:
            continue
        if status == TaskResultStatus.READY:
            waiting.add(task_id)
    return waiting
