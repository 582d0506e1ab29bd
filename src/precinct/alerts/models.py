"""Alerts by area: residents' e-mail subscriptions to a precinct, and the mail sent to them.

A subscription is stored pending and confirmed by a link (double opt-in); the link's token
is kept only as its hash (``core.hashing.token_hash``). The address itself is personal
data: it is blanked by ``alerts.retention`` once the subscription has ended, and no page,
log or export shows it. ``AlertMail`` is the alerts' durable outbox, sent by the one
mechanism the appeals' notifications use too (``core.outbox``: a lease, an idempotency key,
retries with backoff, the worker's sweep).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from precinct.core.outbox import OutboxMessage
from precinct.core.outbox import new_idempotency_key as new_idempotency_key  # migration 0001

KINDS = ("priorities", "receptions", "figures")


class Subscription(models.Model):
    """One address's subscription to one precinct's alerts, with the kinds it chose."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        ACTIVE = "active", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        EXPIRED = "expired", _("Never confirmed")

    precinct = models.ForeignKey(
        "territory.Precinct", on_delete=models.PROTECT, related_name="alert_subscriptions"
    )
    # Personal data: blanked (with its hash) by retention once the subscription has ended.
    email = models.CharField(max_length=254, blank=True)
    # Keyed hash of the normalised address (core.hashing.private_hash): one subscription per
    # address and precinct, and the per-address limit, without comparing addresses.
    email_hash = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=2, default="ru")
    wants_priorities = models.BooleanField(default=True)
    wants_receptions = models.BooleanField(default=True)
    wants_figures = models.BooleanField(default=True)
    state = models.CharField(max_length=12, choices=State, default=State.PENDING)
    # Hash of the latest confirmation link's token; the link works until CONFIRM_HOURS
    # after ``requested_at``.
    confirm_hash = models.CharField(max_length=64, blank=True, db_index=True)
    requested_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # What the digests have covered: priorities and actions recorded after ``news_since``
    # are news; receptions starting up to ``receptions_until`` were announced; the figures
    # of ``figures_month`` (its first day) and before were sent or predate the subscription.
    news_since = models.DateTimeField(null=True, blank=True)
    receptions_until = models.DateTimeField(null=True, blank=True)
    figures_month = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["precinct", "email_hash"],
                condition=~Q(email_hash=""),
                name="alert_one_subscription_per_address",
            )
        ]
        indexes = [models.Index(fields=["state", "precinct"], name="alert_state_precinct_idx")]

    def __str__(self) -> str:
        return f"{self.get_state_display()} #{self.pk}"

    @property
    def kinds(self) -> list[str]:
        return [kind for kind in KINDS if getattr(self, f"wants_{kind}")]


class AlertMail(OutboxMessage):
    """The alerts' durable outbox: one e-mail (a confirmation or a digest) to send once.

    A digest is stored before it is queued, at most one per subscription and local day
    (``digest_day``). Each mail carries its own one-click unsubscribe token, kept hashed.
    """

    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("Confirmation")
        DIGEST = "digest", _("Digest")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="mails")
    kind = models.CharField(max_length=8, choices=Kind)
    digest_day = models.DateField(null=True, blank=True)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    unsubscribe_url = models.CharField(max_length=300)
    unsubscribe_hash = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=9, choices=State, default=State.PENDING, db_index=True)
    # attempts, next_attempt_at, idempotency_key, leased_until, task_id, last_error,
    # created_at, sent_at: from core.outbox.OutboxMessage.

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "digest_day"],
                condition=Q(digest_day__isnull=False),
                name="alert_one_digest_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Throttle(models.Model):
    """One counted request (a subscription asked for, a wrong link token), by a keyed hash
    of the client's address or of the e-mail address: enough to count, useless to identify."""

    class Kind(models.TextChoices):
        SUBSCRIBE_CLIENT = "sub_client", _("Subscription from a client")
        SUBSCRIBE_EMAIL = "sub_email", _("Subscription for an address")
        TOKEN_MISS = "token_miss", _("Wrong link")

    kind = models.CharField(max_length=10, choices=Kind)
    key_hash = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "key_hash", "at"], name="alert_throttle_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
