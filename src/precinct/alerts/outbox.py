"""The alerts' outbox table, ``AlertMail``, wrapped in the shared ``core.outbox``.

The same mechanism as the appeals' notifications; a sending task names its mail by its id.
The lease, backoff and sweep periods are the appeals' (``PRECINCT_APPEALS["NOTIFY_*"]``):
one promise for every message precinct sends. Nothing here enqueues.
"""

import datetime as dt

from precinct.alerts.models import AlertMail
from precinct.core.outbox import Outbox

MAILS = Outbox(AlertMail, names_by="pk", settings_name="PRECINCT_APPEALS")


def mail_claim(*, mail_id: int, now: dt.datetime) -> AlertMail | None:
    """Take a due pending mail for one attempt, or None (sent, cancelled, held, not due)."""
    return MAILS.claim(mail_id, now=now)


def mail_sent(*, mail_id: int, now: dt.datetime) -> None:
    MAILS.sent(mail_id, now=now)
