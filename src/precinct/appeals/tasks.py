"""Background work of appeals: sending the outbox at least once, each message once.

The outbox is ``core.outbox`` on ``Notification`` (``appeals.outbox.NOTIFICATIONS``): a
task claims its message under a lease, renews the lease while the gateway call lasts and
records the outcome. A worker killed mid-send leaves a lease that expires within
``NOTIFY_LEASE_SECONDS``; the worker's periodic ``notifications_sweep`` then re-enqueues
the message, and the gateway, handed the same idempotency key, does not send it twice.
Escalation of overdue appeals is ``precinct appeals escalate`` (or ``upkeep``,
repeatedly).
"""

import datetime as dt
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django_tasks import task

from precinct.appeals import rollups
from precinct.appeals.models import Notification
from precinct.appeals.outbox import NOTIFICATIONS
from precinct.appeals.sms import KEY_HEADER, sms_backend
from precinct.core.outbox import OutboxSender

# The shared outbox's backoff and heartbeat, under the names appeals has always used.
backoff = NOTIFICATIONS.backoff
lease_kept = NOTIFICATIONS.lease_kept


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


@task()
def send_notification(notification_id: int | str) -> str:
    """Send one outbox message, named by its idempotency key (by its id in tasks queued
    before keys were used); on failure re-enqueue itself after a growing delay
    (``core.outbox.OutboxSender.send``). Logs name the row, never the recipient or the text.
    """
    return SENDER.send(notification_id)


SENDER = OutboxSender(NOTIFICATIONS, task=send_notification, deliver=deliver, label="notification")


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
    SENDER.enqueue(keys, run_after=run_after)


def notifications_sweep() -> int:
    """Re-enqueue pending messages nobody holds whose task is overdue and no longer in the
    queue (lost with a killed worker, or a Redis enqueue lost after its commit). Run by
    ``precinct worker`` every ``NOTIFY_SWEEP_SECONDS``. A message whose task still waits
    (a long queue) is left alone, so a backlog is not multiplied."""
    return SENDER.sweep()


def rollups_refresh() -> int:
    """Rebuild the appeal rollups' dirty days; the number rebuilt. A periodic job of every
    worker (``PRECINCT_PERIODIC_JOBS``), safe from several at once: an answer, an extension,
    a rating or a deletion reaches the stored rollups within its period (reads count it
    at once anyway, from the raw appeals)."""
    return rollups.rebuild_dirty()
