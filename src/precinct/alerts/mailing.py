"""What subscribers are sent: mails written to the alerts outbox, then queued.

Every mail gets its own unsubscribe token (kept hashed on the mail), so the one-click link
works for the mail it came in, whichever it is. As with the appeals' notifications, the
sending task is enqueued in the caller's transaction (database queue) or after its commit
(Redis), and the worker's sweep re-enqueues a mail whose enqueue was lost.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from precinct.alerts.models import AlertMail, Subscription
from precinct.alerts.tasks import alert_mails_enqueue
from precinct.core.hashing import token_hash


def new_token() -> str:
    """A link token: 256 random bits, URL-safe; only its hash is stored."""
    return secrets.token_urlsafe(32)


def public_url(name: str, token: str) -> str:
    base = settings.PRECINCT_APPEALS["PUBLIC_URL"].rstrip("/")
    return base + reverse(name, args=[token])


@dataclass(frozen=True)
class UnsubscribeLink:
    url: str
    token_hash: str


def unsubscribe_link() -> UnsubscribeLink:
    token = new_token()
    return UnsubscribeLink(public_url("alerts:unsubscribe", token), token_hash(token))


def mail_queue(
    *,
    subscription: Subscription,
    kind: str,
    subject: str,
    body: str,
    link: UnsubscribeLink,
    now: dt.datetime,
    digest_day: dt.date | None = None,
) -> AlertMail:
    """Store the mail (the truth) and enqueue its sending (the wake-up call)."""
    mail = AlertMail.objects.create(
        subscription=subscription,
        kind=kind,
        digest_day=digest_day,
        recipient=subscription.email,
        subject=subject[:200],
        body=body,
        unsubscribe_url=link.url,
        unsubscribe_hash=link.token_hash,
        next_attempt_at=now,
    )
    alert_mails_enqueue([mail.pk])
    return mail


def pending_mails_cancel(*, subscription: Subscription) -> int:
    """Mails not yet sent to a subscription that ended are never sent."""
    return AlertMail.objects.filter(
        subscription=subscription, state=AlertMail.State.PENDING
    ).update(state=AlertMail.State.CANCELLED, leased_until=None)
