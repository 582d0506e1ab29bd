"""Citizens' appeals with their history, answers, ratings and notifications.

An appeal is routed to a department (by place, or one level above the officer it
complains about), carries its legal deadline in working days and keeps every change of
state as an event. Personal data (contact, text) is read by staff only through selectors
that write the audit log.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from precinct.core.outbox import OutboxMessage
from precinct.core.outbox import new_idempotency_key as new_idempotency_key  # migration 0008
from precinct.territory.models import name_in_reader_language


class AppealType(models.TextChoices):
    """The kinds of appeal the law names."""

    COMPLAINT = "complaint", _("Complaint")
    REQUEST = "request", _("Request")
    PROPOSAL = "proposal", _("Proposal")
    GRATITUDE = "gratitude", _("Gratitude")
    OFFENCE = "offence", _("Report of an offence")


class Channel(models.TextChoices):
    """How the appeal reached the police."""

    WEB = "web", _("Web form")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")
    PHONE = "phone", _("Phone")
    RECEPTION = "reception", _("Reception")
    EOTINISH = "eotinish", _("Forwarded from e-Otinish")


class Status(models.TextChoices):
    """The lifecycle; ``forwarded`` ends an appeal outside the police's competence."""

    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    FORWARDED = "forwarded", _("Forwarded")


OPEN_STATUSES = (Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS)


class Service(models.TextChoices):
    """The police service an appeal's category is routed to."""

    INSPECTORS = "inspectors", _("District inspectors")
    INVESTIGATION = "investigation", _("Investigation")
    TRAFFIC_POLICE = "traffic-police", _("Traffic police")
    JUVENILE_POLICE = "juvenile-police", _("Juvenile police")
    ANTI_DRUG = "anti-drug", _("Anti-drug police")
    INTERNAL_SECURITY = "internal-security", _("Internal security")
    OTHER = "other", _("Other services")


class Category(models.Model):
    """A configurable category: which service handles it, or that it is not police work."""

    code = models.SlugField(unique=True)
    name = models.CharField(_("name (Russian)"), max_length=120)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=120, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    service = models.CharField(_("service"), max_length=60, choices=Service, default="inspectors")
    outside_competence = models.BooleanField(
        _("outside the police's competence"),
        default=False,
        help_text=_("Appeals in this category are forwarded to another body."),
    )
    forward_to = models.CharField(_("forward to"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        # Pages show the reader's language; Open311 names its services in English itself.
        return name_in_reader_language(self)


# The fields the appeal measures read (``appeals.rollups``): a write of any of them marks
# the local days the appeal counts in (registered, answered, rated; before and after).
MEASURED_FIELDS = frozenset({
    "type", "channel", "category", "category_id", "precinct", "precinct_id", "department",
    "department_id", "about_officer", "about_officer_id", "status", "registered_at",
    "forward_due_date", "extended", "answered_at", "answered_on_time",
    "working_days_to_answer", "closed_at", "reopened_count", "rating", "rated_at",
})  # fmt: skip
EVENT_TIMES = ("registered_at", "answered_at", "rated_at")


def mark_rollup_days(days) -> None:
    """Mark local days dirty for the appeal rollups, in the caller's transaction: a log,
    one row per write and day, never updated, so concurrent writers never wait on each
    other. A rebuild deletes a day's marks before it reads the day's appeals: a mark
    committed after that delete stays for the next rebuild."""
    days = sorted({d for d in days if d is not None})
    if days:
        now = timezone.now()
        AppealRollupDirtyDay.objects.bulk_create(
            [AppealRollupDirtyDay(day=d, marked_at=now) for d in days]
        )


def _local_days(times) -> set:
    return {timezone.localtime(t).date() for t in times if t is not None}


def _measured(fields) -> bool:
    return fields is None or bool(MEASURED_FIELDS.intersection(fields))


class AppealQuerySet(models.QuerySet):
    """Bulk writes mark the rollup days of the rows they touch, as ``Appeal.save`` does."""

    def _days(self) -> set:
        rows = self.order_by().values_list(*EVENT_TIMES)
        return _local_days(t for row in rows for t in row)

    def update(self, **kwargs):
        if not _measured(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            days = self._days()
            touched = list(self.values_list("pk", flat=True))
            done = super().update(**kwargs)
            mark_rollup_days(days | self.model.objects.filter(pk__in=touched)._days())
        return done

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            made = super().bulk_create(objs, *args, **kwargs)
            mark_rollup_days(_local_days(getattr(a, f) for a in objs for f in EVENT_TIMES))
        return made


class Appeal(models.Model):
    """One registered appeal: who, what, where, which department, and its deadline.

    Every write that changes a measure marks the rollup days it touches in its own
    transaction (``save``, ``delete`` through the signal in ``appeals.apps``, and the
    queryset's ``update`` and ``bulk_create``); raw SQL writers must mark them themselves.
    """

    registration_number = models.CharField(max_length=20, unique=True)
    tracking_code = models.CharField(max_length=32, unique=True)
    type = models.CharField(max_length=10, choices=AppealType)
    channel = models.CharField(max_length=10, choices=Channel)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT)
    text = models.TextField()
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    # Open311: a picture of the problem at a public URL the client gave, and the answers
    # to the service definition's questions (attribute code -> value or list of values).
    media_url = models.URLField(max_length=500, blank=True)
    service_attributes = models.JSONField(default=dict, blank=True)
    precinct = models.ForeignKey(
        "territory.Precinct", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "territory.Department", on_delete=models.PROTECT, related_name="appeals"
    )
    service = models.CharField(max_length=60, blank=True, choices=Service)
    # A complaint about an officer: routed above his department, hidden from his unit.
    about_officer = models.ForeignKey(
        "territory.Officer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hidden_from_department = models.ForeignKey(
        "territory.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    language = models.CharField(max_length=5, default="ru")
    status = models.CharField(max_length=12, choices=Status, default=Status.REGISTERED)
    registered_at = models.DateTimeField(db_index=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(db_index=True)
    forward_due_date = models.DateField(null=True, blank=True)
    forwarded_to = models.CharField(max_length=200, blank=True)
    extended = models.BooleanField(default=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_on_time = models.BooleanField(null=True)
    working_days_to_answer = models.PositiveIntegerField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # A forward deadline that passed while the appeal was still with the police.
    forward_escalated_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    # Durability: a retried POST with the same key, or the same text from the same client
    # moments later, finds this appeal instead of storing a second one.
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    client_hash = models.CharField(max_length=64, blank=True, db_index=True)
    content_hash = models.CharField(max_length=64, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_at"]
        indexes = [
            models.Index(fields=["department", "status", "due_date"]),
            models.Index(fields=["assigned_to", "status", "due_date"]),
            models.Index(fields=["client_hash", "registered_at"]),
            # The open appeals only (a few thousand of millions): the overdue count, a
            # snapshot every measures page shows, reads this small index.
            models.Index(
                fields=["due_date", "department"],
                condition=Q(status__in=["registered", "assigned", "in_progress"]),
                name="appeal_open_due",
            ),
            # The rollups read a day's answers and ratings by their moments, as they read
            # its registrations by ``registered_at``: without these, every rebuilt day
            # scanned the whole table twice (a month of the national rebuild: 3.3 GB x 2).
            models.Index(
                fields=["answered_at"],
                condition=Q(answered_at__isnull=False),
                name="appeal_answered_at",
            ),
            models.Index(
                fields=["rated_at"], condition=Q(rated_at__isnull=False), name="appeal_rated_at"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="appeal_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.registration_number

    def save(self, *args, **kwargs):
        if not _measured(kwargs.get("update_fields")):
            return super().save(*args, **kwargs)
        with transaction.atomic():
            before = set()
            if self.pk is not None:
                old = Appeal.objects.filter(pk=self.pk).values_list(*EVENT_TIMES).first()
                before = _local_days(old or ())
            super().save(*args, **kwargs)
            mark_rollup_days(before | _local_days(getattr(self, f) for f in EVENT_TIMES))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def awaits_rating(self) -> bool:
        """Answered, and not rated since this answer (a review's new answer is rated anew)."""
        if self.status not in (Status.ANSWERED, Status.CLOSED) or not self.answer:
            return False
        return self.rated_at is None or (
            self.answered_at is not None and self.rated_at < self.answered_at
        )

    @property
    def registered_by_label(self) -> str:
        """The official who registered it, or "online"."""
        if self.registered_by_id is None:
            return str(_("online"))
        user = self.registered_by
        return user.get_full_name() or user.get_username()


# What each kind of event is called on the pages (the kind itself is stored in English).
EVENT_KINDS = {
    "registered": _("registered"),
    "assigned": _("assigned to an officer"),
    "started": _("work started"),
    "answered": _("answered"),
    "extended": _("time to answer extended"),
    "forwarded": _("forwarded to the competent body"),
    "closed": _("closed"),
    "rated": _("answer rated"),
    "reopened": _("reopened for review"),
    "escalated": _("overdue: escalated to the head"),
    "forward_overdue": _("not forwarded in time: escalated to the head"),
}


class AppealEvent(models.Model):
    """One change of an appeal: who, when, from which state to which, and why."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20)  # registered, assigned, answered, extended, …
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    new_due_date = models.DateField(null=True, blank=True)
    # Residents see public events on the tracking page; internal notes stay internal.
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def kind_label(self) -> str:
        """The kind in the reader's language."""
        return str(EVENT_KINDS.get(self.kind, self.kind))

    @property
    def to_status_label(self) -> str:
        """The status it led to, in the reader's language."""
        return str(Status(self.to_status).label) if self.to_status in Status.values else ""


class TrackingMiss(models.Model):
    """A resident's look-up that found nothing (unknown code, or a number with a contact
    that is not its own): counted per client so that numbers cannot be guessed. Only a
    keyed hash of the client's address is kept."""

    client_hash = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)  # old misses are purged by time

    class Meta:
        indexes = [models.Index(fields=["client_hash", "at"])]

    def __str__(self) -> str:
        return f"miss {self.at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    """An image or PDF sent with an appeal; type checked on its content."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="appeals/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.content_type} {self.size} B"


class AnswerTemplate(models.Model):
    """A reusable answer text of a department (or everyone's when department is empty), in
    Russian and, where written, Kazakh and English: the resident reads his own language."""

    department = models.ForeignKey(
        "territory.Department", null=True, blank=True, on_delete=models.CASCADE
    )
    title = models.CharField(_("title (Russian)"), max_length=120)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=120, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=120, blank=True)
    text = models.TextField(_("text (Russian)"))
    text_kk = models.TextField(_("text (Kazakh)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title_in(get_language() or "ru")

    def title_in(self, language: str) -> str:
        """The title in ``language``, falling back to Russian."""
        return {"kk": self.title_kk, "en": self.title_en}.get(language[:2]) or self.title

    def text_in(self, language: str) -> str:
        """The text in ``language`` (the resident's), falling back to Russian."""
        return {"kk": self.text_kk, "en": self.text_en}.get(language[:2]) or self.text


class Notification(OutboxMessage):
    """The appeals' durable outbox: one message to send, retried with backoff until sent or
    given up (the mechanism is ``core.outbox``, shared with the alerts' mails).

    The row is the truth, the queue only a wake-up call: a worker sends a message only
    while it holds its lease (``leased_until``, renewed while the gateway call lasts), a
    lease left by a killed worker expires within a minute, and the worker's periodic sweep
    re-enqueues any pending message nobody has taken. The gateways are handed
    ``idempotency_key`` and send a key once, so a message re-sent after a kill between the
    hand-over and the commit reaches the resident once.
    """

    class Medium(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    appeal = models.ForeignKey(
        Appeal, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=20)
    medium = models.CharField(max_length=6, choices=Medium)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # The date by which the law wants the applicant told (an extension, a forwarding);
    # empty for the messages the law sets no time for.
    due_date = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=State, default=State.PENDING, db_index=True)
    # attempts, next_attempt_at, idempotency_key, leased_until, task_id, last_error,
    # created_at, sent_at: from core.outbox.OutboxMessage.

    def __str__(self) -> str:
        return f"{self.medium} {self.event} #{self.pk}"


class Open311Key(models.Model):
    """An API key for Open311 clients that post requests; stored hashed."""

    name = models.CharField(max_length=120)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class AppealRollup(models.Model):
    """Appeal measures of one local day and cell (``appeals.rollups``): the counts of the
    appeals registered, answered and rated that day, by department (own appeals only: a
    subtree is summed at read time), precinct, category, type, complaint about an officer or
    not, registered at a reception or not; answered rows also by working days to answer
    (the exact histogram the median is read from)."""

    day = models.DateField()
    department_id = models.IntegerField()
    precinct_id = models.IntegerField(null=True)
    category_id = models.IntegerField(null=True)
    type = models.CharField(max_length=10)
    officer = models.BooleanField()
    reception = models.BooleanField()
    working_days = models.IntegerField(null=True)
    received = models.IntegerField(default=0)
    forwarded = models.IntegerField(default=0)
    forwarded_on_time = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    extended = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    answered_on_time = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)
    rated_good = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "department_id"])]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}"


class AppealRollupDirtyDay(models.Model):
    """A mark: a local day whose appeals a write changed since its rollups were computed
    (durable; one row per write, see ``mark_rollup_days``)."""

    day = models.DateField(db_index=True)
    marked_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.day)
