"""Background work of appeals: sending the outbox, retried with backoff.

Escalation of overdue appeals is ``precinct appeals escalate`` (or ``upkeep``, repeatedly).
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from precinct.appeals.models import Notification
from precinct.appeals.sms import sms_backend

log = logging.getLogger(__name__)


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min, 4 min … after the 1st, 2nd, 3rd failure (base configurable)."""
    base = settings.PRECINCT_APPEALS["NOTIFY_BACKOFF_SECONDS"]
    return dt.timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def deliver(note: Notification) -> None:
    """Hand one message to the mail backend or the SMS gateway; raises on failure."""
    if note.medium == Notification.Medium.EMAIL:
        send_mail(note.subject, note.body, None, [note.recipient], fail_silently=False)
    else:
        sms_backend().send(to=note.recipient, text=note.body)


@task()
def send_notification(notification_id: int) -> str:
    """Send one outbox message; on failure re-enqueue itself after a growing delay.

    django-tasks has no retries of its own, so the attempt count and the next attempt
    live in the outbox row, and a failed attempt enqueues the next one with ``run_after``.
    Logs name the row, never the recipient or the text.
    """
    with transaction.atomic():
        note = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if note is None or note.state != Notification.State.PENDING:
            return "skipped"
        note.attempts += 1
        try:
            deliver(note)
        except Exception as exc:  # any gateway failure is retried
            max_attempts = settings.PRECINCT_APPEALS["NOTIFY_MAX_ATTEMPTS"]
            note.last_error = type(exc).__name__[:200]
            if note.attempts >= max_attempts:
                note.state = Notification.State.FAILED
                log.warning(
                    "notification %s failed for good after %s attempts", note.pk, note.attempts
                )
            else:
                note.next_attempt_at = timezone.now() + backoff(note.attempts)
                run_after = note.next_attempt_at
                transaction.on_commit(
                    lambda: send_notification.using(run_after=run_after).enqueue(notification_id)
                )
                log.info(
                    "notification %s failed (attempt %s), retry at %s",
                    note.pk,
                    note.attempts,
                    run_after.isoformat(),
                )
            note.save(update_fields=["attempts", "state", "last_error", "next_attempt_at"])
            return note.state
        note.state = Notification.State.SENT
        note.sent_at = timezone.now()
        note.save(update_fields=["attempts", "state", "sent_at"])
        return "sent"
