"""Background work of alerts: sending the outbox at least once, each mail once.

The outbox is ``core.outbox`` on ``AlertMail`` (``alerts.outbox.MAILS``), the mechanism
the appeals' notifications use too: a task claims its mail under a lease, renews the lease
while the mail backend works, and records the outcome; a failed attempt re-enqueues itself
after a growing delay; the worker's periodic ``alert_mails_sweep`` re-enqueues a mail
whose task was lost; the mail backend is handed the mail's idempotency key and writes a key
once. Digests are built by the periodic job ``alerts.digests.digests_build_due``. Logs name
the row, never the address or the text.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.mail import EmailMessage
from django_tasks import task

from precinct.alerts.models import AlertMail
from precinct.alerts.outbox import MAILS
from precinct.core.outbox import OutboxSender

# The header the file gateway (appeals/mail.py) names its files by: one file per key.
KEY_HEADER = "Idempotency-Key"


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


@task()
def send_alert_mail(mail_id: int) -> str:
    """Send one outbox mail; on failure re-enqueue itself after a growing delay."""
    return SENDER.send(mail_id)


SENDER = OutboxSender(MAILS, task=send_alert_mail, deliver=deliver, label="alert mail")


def alert_mails_enqueue(ids: Iterable[int], *, run_after: dt.datetime | None = None) -> None:
    """Enqueue sending tasks: with the database queue in the caller's transaction, with
    Redis once the rows are committed."""
    SENDER.enqueue(ids, run_after=run_after)


def alert_mails_sweep() -> int:
    """Re-enqueue pending mails nobody holds whose task is overdue and no longer queued."""
    return SENDER.sweep()
