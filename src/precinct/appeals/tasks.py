"""Background work of appeals: sending the outbox at least once, each message once.

A task claims its message under a lease (``appeals.outbox``), renews the lease while the
gateway call lasts and records the outcome. A worker killed mid-send leaves a lease that
expires within ``NOTIFY_LEASE_SECONDS``; the worker's periodic ``notifications_sweep``
then re-enqueues the message, and the gateway, handed the same idempotency key, does not
send it twice. Escalation of overdue appeals is ``precinct appeals escalate`` (or
``upkeep``, repeatedly).
"""

import datetime as dt
import logging
import threading
import time
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

from precinct.appeals import outbox, rollups
from precinct.appeals.models import Notification
from precinct.appeals.sms import KEY_HEADER, sms_backend

log = logging.getLogger(__name__)


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, 4 min … after the 1st, 2nd, 3rd failure (base configurable)."""
    base = settings.PRECINCT_APPEALS["NOTIFY_BACKOFF_SECONDS"]
    return dt.timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def _slow_gateway(part: float) -> None:
    """Fault drills make the gateway slow (half before the hand-over, half after)."""
    delay = settings.PRECINCT_APPEALS["NOTIFY_SLOW_GATEWAY_SECONDS"]
    if delay:
        time.sleep(delay * part)


def deliver(note: Notification) -> None:
    """Hand one message to the mail backend or the SMS gateway, with its key; raises on
    failure."""
    _slow_gateway(0.5)
    key = note.idempotency_key
    if note.medium == Notification.Medium.EMAIL:
        headers = {KEY_HEADER: key, "Message-ID": f"<{key}@precinct.notifications>"}
        EmailMessage(note.subject, note.body, None, [note.recipient], headers=headers).send()
    else:
        sms_backend().send(to=note.recipient, text=note.body, key=key)
    _slow_gateway(0.5)


@contextmanager
def lease_kept(notification_id: int):
    """Renew the lease every third of its length while the body runs (a heartbeat).

    The heartbeat has its own database connection; if the process dies, renewals stop and
    the lease expires, which is the point.
    """
    stop = threading.Event()
    every = outbox.lease_length().total_seconds() / 3

    def beat():
        try:
            while not stop.wait(every):
                outbox.notification_lease_renew(notification_id=notification_id)
        finally:
            connection.close()

    heart = threading.Thread(target=beat, name=f"lease-{notification_id}", daemon=True)
    heart.start()
    try:
        yield
    finally:
        stop.set()
        heart.join()


@task()
def send_notification(notification_id: int | str) -> str:
    """Send one outbox message, named by its idempotency key (by its id in tasks queued
    before keys were used); on failure re-enqueue itself after a growing delay.

    django-tasks has no retries of its own, so the attempt count and the next attempt
    live in the outbox row, and a failed attempt enqueues the next one with ``run_after``.
    Logs name the row, never the recipient or the text.
    """
    note = outbox.notification_claim(notification_id=notification_id, now=timezone.now())
    if note is None:
        return "skipped"
    try:
        with lease_kept(note.pk):
            deliver(note)
    except Exception as exc:  # any gateway failure is retried
        return _failed(note, exc)
    outbox.notification_sent(notification_id=note.pk, now=timezone.now())
    return "sent"


def _failed(note: Notification, exc: Exception) -> str:
    if note.attempts >= settings.PRECINCT_APPEALS["NOTIFY_MAX_ATTEMPTS"]:
        log.warning("notification %s failed for good after %s attempts", note.pk, note.attempts)
        return outbox.notification_failed(note=note, error=type(exc).__name__, retry_at=None)
    retry_at = timezone.now() + backoff(note.attempts)
    with transaction.atomic():
        state = outbox.notification_failed(note=note, error=type(exc).__name__, retry_at=retry_at)
        notifications_enqueue([note.idempotency_key], run_after=retry_at)
    log.info(
        "notification %s failed (attempt %s), retry at %s",
        note.pk,
        note.attempts,
        retry_at.isoformat(),
    )
    return state


def notifications_store(rows: list[Notification]) -> list[Notification]:
    """Store new outbox messages with their sending tasks, in the caller's transaction.

    With the database queue each task is enqueued first (it names its message by the key
    the row already holds) and the row is inserted with the task's id: one commit, no
    window in which a crash leaves a message without its task, and no UPDATE after. With
    Redis the tasks are enqueued once the rows are committed (a task must not find its row
    missing); a kill between the commit and the enqueue loses the task, never the message:
    the sweep finds it.
    """
    if settings.PRECINCT_QUEUE != "database":
        created = Notification.objects.bulk_create(rows)
        notifications_enqueue(row.idempotency_key for row in created)
        return created
    # Outside a transaction the task must not be committed before its row.
    with transaction.atomic(savepoint=False):
        for row in rows:
            row.task_id = send_notification.enqueue(row.idempotency_key).id
        return Notification.objects.bulk_create(rows)


def notifications_enqueue(keys: Iterable[str], *, run_after: dt.datetime | None = None) -> None:
    """Enqueue sending tasks for stored messages (by idempotency key) and note each task's
    id on its message: with the database queue in the caller's transaction, with Redis
    once it commits (see ``notifications_store``)."""
    keys = list(keys)
    sender = send_notification.using(run_after=run_after) if run_after else send_notification

    def enqueue():
        for key in keys:
            result = sender.enqueue(key)
            outbox.notification_task_set(key=key, task_id=result.id)

    if settings.PRECINCT_QUEUE == "database":
        enqueue()
    else:
        transaction.on_commit(enqueue)


def notifications_sweep() -> int:
    """Re-enqueue pending messages nobody holds whose task is overdue and no longer in the
    queue (lost with a killed worker, or a Redis enqueue lost after its commit). Run by
    ``precinct worker`` every ``NOTIFY_SWEEP_SECONDS``. A message whose task still waits
    (a long queue) is left alone, so a backlog is not multiplied."""
    now = timezone.now()
    stale = outbox.notifications_stale(now=now)
    waiting = _waiting_tasks([task_id for _, task_id in stale if task_id])
    lost = [pk for pk, task_id in stale if task_id not in waiting]
    with transaction.atomic():
        keys = outbox.notifications_due_again(ids=lost, now=now)
        notifications_enqueue(keys)
    if keys:
        log.info("outbox sweep re-enqueued %s notifications", len(keys))
    return len(keys)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _waiting_tasks(task_ids: list[str]) -> set[str]:
    """The tasks among these still queued (or scheduled): a worker will run them.

    A task a worker has started is not counted: its message's lease says whether that
    worker lives, and only messages with a free lease are asked about.
    """
    if settings.PRECINCT_QUEUE == "database":
        ids = [task_id for task_id in task_ids if _is_uuid(task_id)]  # Redis ids are not
        queued = DBTaskResult.objects.filter(id__in=ids, status=TaskResultStatus.READY)
        return {str(pk) for pk in queued.values_list("id", flat=True)}
    waiting = set()
    for task_id in task_ids:
        try:
            status = send_notification.get_result(task_id).status
        except TaskResultDoesNotExist:
            continue
        if status == TaskResultStatus.READY:
            waiting.add(task_id)
    return waiting


def rollups_refresh() -> int:
    """Rebuild the appeal rollups' dirty days; the number rebuilt. A periodic job of every
    worker (``PRECINCT_PERIODIC_JOBS``), safe from several at once: an answer, an extension,
    a rating or a deletion reaches the stored rollups within its period (reads count it
    at once anyway, from the raw appeals)."""
    return rollups.rebuild_dirty()
