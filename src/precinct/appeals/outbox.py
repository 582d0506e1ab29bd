"""The outbox's state changes: claim under a lease, renew it, record the outcome, sweep.

Each is one conditional UPDATE, so two workers (or a worker and the sweep) never both
think they hold a message: a claim succeeds only on a pending message that is due and
whose lease is free or expired. The tasks in ``appeals.tasks`` call these; nothing here
enqueues.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from precinct.appeals.models import Notification

PENDING = Notification.State.PENDING


def lease_length() -> dt.timedelta:
    return dt.timedelta(seconds=settings.PRECINCT_APPEALS["NOTIFY_LEASE_SECONDS"])


def _free(now: dt.datetime) -> Q:
    return Q(leased_until__isnull=True) | Q(leased_until__lt=now)


def _one(notification: int | str) -> Q:
    """A message by its idempotency key, or by its id (tasks queued before keys were used)."""
    if isinstance(notification, str):
        return Q(idempotency_key=notification)
    return Q(pk=notification)


def notification_claim(*, notification_id: int | str, now: dt.datetime) -> Notification | None:
    """Take a due pending message for one attempt, or None (sent, given up, held, not due).

    ``notification_id`` is the message's idempotency key, or its id."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    one = _one(notification_id)
    taken = Notification.objects.filter(_free(now), due, one, state=PENDING).update(
        leased_until=now + lease_length(), attempts=F("attempts") + 1
    )
    return Notification.objects.get(one) if taken else None


def notification_lease_renew(*, notification_id: int) -> bool:
    """Push the lease of a message being sent further out; False if it is no longer held."""
    now = timezone.now()
    return bool(
        Notification.objects.filter(pk=notification_id, state=PENDING).update(
            leased_until=now + lease_length()
        )
    )


def notification_sent(*, notification_id: int, now: dt.datetime) -> None:
    Notification.objects.filter(pk=notification_id, state=PENDING).update(
        state=Notification.State.SENT, sent_at=now, leased_until=None
    )


def notification_failed(*, note: Notification, error: str, retry_at: dt.datetime | None) -> str:
    """Record a failed attempt: pending again from ``retry_at``, or failed for good (None)."""
    state = PENDING if retry_at else Notification.State.FAILED
    Notification.objects.filter(pk=note.pk, state=PENDING).update(
        state=state, last_error=error[:200], next_attempt_at=retry_at, leased_until=None
    )
    return state


def notification_task_set(*, key: str, task_id: str) -> None:
    Notification.objects.filter(idempotency_key=key).update(task_id=task_id)


def notifications_stale(*, now: dt.datetime, limit: int = 1000) -> list[tuple[int, str]]:
    """Pending messages nobody holds, due for longer than the grace: (id, latest task id).

    Whether their task still waits in the queue is for the caller to ask the queue.
    """
    grace = dt.timedelta(seconds=settings.PRECINCT_APPEALS["NOTIFY_STALE_SECONDS"])
    return list(
        Notification.objects.filter(_free(now), state=PENDING, next_attempt_at__lte=now - grace)
        .order_by("next_attempt_at")
        .values_list("pk", "task_id")[:limit]
    )


def notifications_due_again(*, ids: list[int], now: dt.datetime) -> list[str]:
    """Mark messages due now (their task is re-enqueued), skipping any claimed meanwhile;
    returns their idempotency keys (what a sending task is given)."""
    with transaction.atomic():
        free = dict(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(_free(now), pk__in=ids, state=PENDING)
            .values_list("pk", "idempotency_key")
        )
        Notification.objects.filter(pk__in=free).update(next_attempt_at=now)
    return list(free.values())
