"""The appeals' outbox table, ``Notification``, wrapped in the shared ``core.outbox``.

A sending task names its message by its idempotency key (by its id in tasks queued before
keys were used). The lease, backoff, attempt and sweep settings are
``PRECINCT_APPEALS["NOTIFY_*"]``. The tasks in ``appeals.tasks`` send through it; nothing
here enqueues.
"""

import datetime as dt

from precinct.appeals.models import Notification
from precinct.core.outbox import Outbox

NOTIFICATIONS = Outbox(Notification, names_by="idempotency_key", settings_name="PRECINCT_APPEALS")


def notification_claim(*, notification_id: int | str, now: dt.datetime) -> Notification | None:
    """Take a due pending message for one attempt, or None (sent, given up, held, not due).

    ``notification_id`` is the message's idempotency key, or its id."""
    return NOTIFICATIONS.claim(notification_id, now=now)


def notification_sent(*, notification_id: int, now: dt.datetime) -> None:
    NOTIFICATIONS.sent(notification_id, now=now)
