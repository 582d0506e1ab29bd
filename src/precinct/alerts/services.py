"""The writers of alerts: subscribe (double opt-in), confirm, unsubscribe, expire.

Nothing but the confirmation mail is sent to a pending subscription; the link confirms it
within ``CONFIRM_HOURS``. A request for an address already subscribed changes nothing and
sends nothing, and the page says the same whatever the address's state, so the form tells
nobody who is subscribed. Requests are limited per client and per e-mail address, wrong
link tokens per client (``PRECINCT_ALERTS``); the counts keep keyed hashes only.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.alerts import mailing, texts
from precinct.alerts.models import KINDS, AlertMail, Subscription, Throttle
from precinct.core.errors import DomainError
from precinct.core.hashing import private_hash, token_hash
from precinct.territory.models import Precinct

LANGUAGES = ("ru", "kk", "en")
State = Subscription.State


class AlertInputError(DomainError):
    """A subscription request or a link refused."""


class AlertsLimited(DomainError):
    """Too many requests (or wrong links) from one client, or for one address, this hour."""

    status = 429
    code = "rate_limited"


def conf(name: str) -> int:
    return settings.PRECINCT_ALERTS[name]


def email_fingerprint(email: str) -> str:
    """A keyed hash of the address as mail systems compare it (case does not matter)."""
    return private_hash(email.strip().lower(), purpose="alert-email")


def _client_fingerprint(client: str) -> str:
    return private_hash(client or "unknown", purpose="alert-client")


def _checked(*, precinct_id, email: str, language: str, kinds) -> tuple[str, str, set]:
    errors = {}
    email = (email or "").strip()
    try:
        if len(email) > 254:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid e-mail address.")
    chosen = {k for k in kinds or () if k in KINDS}
    if not chosen:
        errors["kinds"] = _("Choose at least one kind of alert.")
    if precinct_id is None or not Precinct.objects.filter(pk=precinct_id).exists():
        errors["precinct"] = _("Unknown precinct.")
    if errors:
        raise AlertInputError.of_fields(errors)
    return email, language if language in LANGUAGES else settings.LANGUAGE_CODE, chosen


def _refuse_flood(*, kind: str, key_hash: str, limit: int, now: dt.datetime, message: str):
    since = now - dt.timedelta(hours=1)
    if Throttle.objects.filter(kind=kind, key_hash=key_hash, at__gte=since).count() >= limit:
        raise AlertsLimited(message)


def _count(*, kind: str, key_hash: str, now: dt.datetime) -> None:
    """Record one counted request; forget those older than the day (only the hour counts)."""
    Throttle.objects.create(kind=kind, key_hash=key_hash, at=now)
    Throttle.objects.filter(at__lt=now - dt.timedelta(days=1)).delete()


def subscription_request(
    *,
    precinct_id: int | None,
    email: str,
    language: str,
    kinds,
    client: str = "",
    now: dt.datetime | None = None,
) -> Subscription:
    """Ask for a precinct's alerts: stored pending, a confirmation link sent by e-mail.

    Repeating the request for the same address and precinct is the same subscription: a
    pending (or ended) one is asked to confirm again with the new choices, and the older
    link stops working; a confirmed one is left as it is and sent nothing.
    """
    now = now or timezone.now()
    email, language, chosen = _checked(
        precinct_id=precinct_id, email=email, language=language, kinds=kinds
    )
    client_hash, email_hash = _client_fingerprint(client), email_fingerprint(email)
    too_many = _("Too many requests; try again in an hour.")
    _refuse_flood(
        kind=Throttle.Kind.SUBSCRIBE_CLIENT, key_hash=client_hash,
        limit=conf("REQUESTS_PER_CLIENT_HOUR"), now=now, message=too_many,
    )  # fmt: skip
    _refuse_flood(
        kind=Throttle.Kind.SUBSCRIBE_EMAIL, key_hash=email_hash,
        limit=conf("REQUESTS_PER_EMAIL_HOUR"), now=now, message=too_many,
    )  # fmt: skip
    with transaction.atomic():
        _count(kind=Throttle.Kind.SUBSCRIBE_CLIENT, key_hash=client_hash, now=now)
        _count(kind=Throttle.Kind.SUBSCRIBE_EMAIL, key_hash=email_hash, now=now)
        sub = _one_per_address(precinct_id=precinct_id, email_hash=email_hash, now=now)
        if sub.state == State.ACTIVE:
            return sub
        sub.email, sub.language, sub.state = email, language, State.PENDING
        for kind in KINDS:
            setattr(sub, f"wants_{kind}", kind in chosen)
        sub.requested_at, sub.ended_at = now, None
        token = mailing.new_token()
        sub.confirm_hash = token_hash(token)
        sub.save()
        _send_confirmation(sub, token, now)
    return sub


def _one_per_address(*, precinct_id: int, email_hash: str, now) -> Subscription:
    """The address's subscription to this precinct, locked; a new pending one if none."""
    existing = Subscription.objects.select_for_update().filter(
        precinct_id=precinct_id, email_hash=email_hash
    )
    sub = existing.first()
    if sub is not None:
        return sub
    try:
        with transaction.atomic():  # a twin request may have created it a moment ago
            return Subscription.objects.create(
                precinct_id=precinct_id, email_hash=email_hash, requested_at=now
            )
    except IntegrityError:
        return existing.get()


def _send_confirmation(sub: Subscription, token: str, now: dt.datetime) -> AlertMail:
    link = mailing.unsubscribe_link()
    until = now + dt.timedelta(hours=conf("CONFIRM_HOURS"))
    confirm_url = mailing.public_url("alerts:confirm", token)
    subject, body = texts.confirmation(sub, confirm_url=confirm_url, until=until, link=link)
    return mailing.mail_queue(
        subscription=sub, kind=AlertMail.Kind.CONFIRM, subject=subject, body=body,
        link=link, now=now,
    )  # fmt: skip


def _refuse_a_guesser(client_hash: str, now: dt.datetime) -> None:
    _refuse_flood(
        kind=Throttle.Kind.TOKEN_MISS, key_hash=client_hash,
        limit=conf("TOKEN_MISSES_PER_HOUR"), now=now,
        message=_("Too many wrong links; try again in an hour."),
    )  # fmt: skip


def _not_found(client_hash: str, now: dt.datetime):
    """Count a wrong token (committed though the refusal is raised) and refuse it."""
    _count(kind=Throttle.Kind.TOKEN_MISS, key_hash=client_hash, now=now)
    return AlertInputError(
        _("This link is not valid. Check that it was copied in full."),
        field="token", code="not_found", status=404,
    )  # fmt: skip


def subscription_for_link(
    *, purpose: str, token: str, client: str = "", now: dt.datetime | None = None
) -> Subscription:
    """The subscription a confirmation (``purpose="confirm"``) or unsubscribe link is for.

    A client with too many wrong links this hour is refused before the token is looked
    at; every wrong token counts. Refusals are ``AlertInputError`` (404) or ``AlertsLimited``.
    """
    now = now or timezone.now()
    client_hash = _client_fingerprint(client)
    _refuse_a_guesser(client_hash, now)
    digest = token_hash(token or "")
    if purpose == "confirm":
        sub = Subscription.objects.filter(confirm_hash=digest).exclude(confirm_hash="").first()
        if sub is None or sub.state in (State.UNSUBSCRIBED, State.EXPIRED):
            raise _not_found(client_hash, now)
        return sub
    mail = AlertMail.objects.filter(unsubscribe_hash=digest).select_related("subscription")
    found = mail.first()
    if found is None:
        raise _not_found(client_hash, now)
    return found.subscription


def _confirm_expired(sub: Subscription, now: dt.datetime) -> bool:
    return sub.requested_at + dt.timedelta(hours=conf("CONFIRM_HOURS")) < now


def subscription_confirm(
    *, token: str, client: str = "", now: dt.datetime | None = None
) -> Subscription:
    """Confirm a pending subscription by its link; a second press changes nothing.

    Digests cover what happens from now on: news recorded before the confirmation, and
    months already over, are not sent.
    """
    now = now or timezone.now()
    sub = subscription_for_link(purpose="confirm", token=token, client=client, now=now)
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().get(pk=sub.pk)
        if sub.state == State.ACTIVE:
            return sub
        if sub.state != State.PENDING or _confirm_expired(sub, now):
            raise AlertInputError(
                _("This link has expired. Please subscribe again."),
                field="token", code="expired", status=410,
            )  # fmt: skip
        month = timezone.localtime(now).date().replace(day=1)
        sub.state, sub.confirmed_at = State.ACTIVE, now
        sub.news_since, sub.receptions_until = now, now
        sub.figures_month = (month - dt.timedelta(days=1)).replace(day=1)
        sub.save()
    return sub


def subscription_unsubscribe(
    *, token: str, client: str = "", now: dt.datetime | None = None
) -> Subscription:
    """End a subscription from the link of any mail it was sent; mails not yet sent to it
    are cancelled. Pressing again changes nothing."""
    now = now or timezone.now()
    sub = subscription_for_link(purpose="unsubscribe", token=token, client=client, now=now)
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().get(pk=sub.pk)
        if sub.state in (State.PENDING, State.ACTIVE):
            sub.state, sub.ended_at = State.UNSUBSCRIBED, now
            sub.save(update_fields=["state", "ended_at"])
        mailing.pending_mails_cancel(subscription=sub)
    return sub


def subscriptions_expire(*, now: dt.datetime | None = None) -> int:
    """Pending subscriptions whose link has run out end as expired (nothing was sent)."""
    now = now or timezone.now()
    limit = now - dt.timedelta(hours=conf("CONFIRM_HOURS"))
    return Subscription.objects.filter(state=State.PENDING, requested_at__lt=limit).update(
        state=State.EXPIRED, ended_at=now
    )
