"""The alerts outbox's state changes: claim under a lease, renew it, record the outcome, sweep.

The same rules as the appeals' outbox (``appeals/outbox.py``), on ``AlertMail``: each is
one conditional UPDATE, so two workers (or a worker and the sweep) never both hold a mail.
The lease, backoff and sweep periods are the appeals' (``PRECINCT_APPEALS["NOTIFY_*"]``):
one promise for every message precinct sends. Nothing here enqueues.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from precinct.alerts.models import AlertMail

PENDING = AlertMail.State.PENDING


def lease_length() -> dt.timedelta:
    return dt.timedelta(seconds=settings.PRECINCT_APPEALS["NOTIFY_LEASE_SECONDS"])


def _free(now: dt.datetime) -> Q:
    return Q(leased_until__isnull=True) | Q(leased_until__lt=now)


def mail_claim(*, mail_id: int, now: dt.datetime) -> AlertMail | None:
    """Take a due pending mail for one attempt, or None (sent, cancelled, held, not due)."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    taken = AlertMail.objects.filter(_free(now), due, pk=mail_id, state=PENDING).update(
        leased_until=now + lease_length(), attempts=F("attempts") + 1
    )
    return AlertMail.objects.get(pk=mail_id) if taken else None


def mail_lease_renew(*, mail_id: int) -> bool:
    """Push the lease of a mail being sent further out; False if it is no longer held."""
    now = timezone.now()
    return bool(
        AlertMail.objects.filter(pk=mail_id, state=PENDING).update(
            leased_until=now + lease_length()
        )
    )


def mail_sent(*, mail_id: int, now: dt.datetime) -> None:
    AlertMail.objects.filter(pk=mail_id, state=PENDING).update(
        state=AlertMail.State.SENT, sent_at=now, leased_until=None
    )


def mail_failed(*, mail: AlertMail, error: str, retry_at: dt.datetime | None) -> str:
    """Record a failed attempt: pending again from ``retry_at``, or failed for good (None)."""
    state = PENDING if retry_at else AlertMail.State.FAILED
    AlertMail.objects.filter(pk=mail.pk, state=PENDING).update(
        state=state, last_error=error[:200], next_attempt_at=retry_at, leased_until=None
    )
    return state


def mail_task_set(*, mail_id: int, task_id: str) -> None:
    AlertMail.objects.filter(pk=mail_id).update(task_id=task_id)


def mails_stale(*, now: dt.datetime, limit: int = 1000) -> list[tuple[int, str]]:
    """Pending mails nobody holds, due for longer than the grace: (id, latest task id)."""
    grace = dt.timedelta(seconds=settings.PRECINCT_APPEALS["NOTIFY_STALE_SECONDS"])
    return list(
        AlertMail.objects.filter(_free(now), state=PENDING, next_attempt_at__lte=now - grace)
        .order_by("next_attempt_at")
        .values_list("pk", "task_id")[:limit]
    )


def mails_due_again(*, ids: list[int], now: dt.datetime) -> list[int]:
    """Mark mails due now (their task is re-enqueued), skipping any claimed meanwhile."""
    with transaction.atomic():
        free = list(
            AlertMail.objects.select_for_update(skip_locked=True)
            .filter(_free(now), pk__in=ids, state=PENDING)
            .values_list("pk", flat=True)
        )
        AlertMail.objects.filter(pk__in=free).update(next_attempt_at=now)
    return free
