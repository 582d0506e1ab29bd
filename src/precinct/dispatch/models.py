"""The 102 service: call categories, incidents, units, their positions and assignments.

Every phase of a response is a server-side timestamp on the incident (the first unit's
dispatch, departure and arrival) and an event in its timeline; the phase durations are
kept in whole seconds beside them so the measures are plain aggregates in the database.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from precinct.territory.models import Department, NamedMixin


class UnitKind(models.TextChoices):
    """How a unit travels: by the driving or by the walking network."""

    CAR = "car", _("Patrol car")
    FOOT = "foot", _("Foot patrol")


class Category(NamedMixin):
    """A kind of call with its default priority (1 = emergency) and the units that suit it."""

    code = models.SlugField(unique=True)
    default_priority = models.PositiveSmallIntegerField(_("default priority"), default=3)
    # Kinds of unit that may be sent; e.g. a foot patrol to a noise complaint, not to a crash.
    unit_kinds = models.JSONField(default=list)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["default_priority", "code"]
        verbose_name_plural = "categories"


class Unit(models.Model):
    """A patrol car or foot patrol of a department, with its state and last position."""

    class State(models.TextChoices):
        AVAILABLE = "available", _("Available")
        DISPATCHED = "dispatched", _("Dispatched")
        EN_ROUTE = "en_route", _("En route")
        ON_SCENE = "on_scene", _("On scene")
        BUSY = "busy", _("Busy")
        OUT_OF_SERVICE = "out_of_service", _("Out of service")

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="units")
    callsign = models.CharField(_("call sign"), max_length=40, unique=True)
    kind = models.CharField(max_length=8, choices=UnitKind, default=UnitKind.CAR)
    shift = models.CharField(_("shift"), max_length=40, blank=True)
    crew = models.CharField(_("crew"), max_length=300, blank=True)
    state = models.CharField(max_length=16, choices=State, default=State.OUT_OF_SERVICE)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    position_at = models.DateTimeField(null=True, blank=True)
    # The unit's device token, hashed like accounts.ApiToken (sha256 of the raw token).
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["callsign"]
        indexes = [models.Index(fields=["state", "kind"])]

    def __str__(self) -> str:
        return self.callsign


class UnitPosition(models.Model):
    """A position a unit reported; flagged ones are kept but do not move the unit."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="positions")
    lon = models.FloatField()
    lat = models.FloatField()
    recorded_at = models.DateTimeField(help_text=_("Time on the device."))
    received_at = models.DateTimeField(help_text=_("Time on the server."))
    flag = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [models.Index(fields=["unit", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.unit_id} at {self.recorded_at:%Y-%m-%d %H:%M:%S}"


class Incident(models.Model):
    """One call to 102 and the response to it, from receipt to closing."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class AreaType(models.TextChoices):
        URBAN = "urban", _("Urban")
        RURAL = "rural", _("Rural")

    class Source(models.TextChoices):
        LIVE = "live", _("Taken by an operator")
        IMPORTED = "imported", _("Imported from past records")
        DEMO = "demo", _("Simulated for the demo")

    # Both references are checked by set-based triggers instead of foreign-key constraints
    # (migration 0003): a constraint checks every row of a million-row import one by one,
    # which was half of the import's time. No index of their own: the (department,
    # received_at) index serves department lookups, and categories are deactivated, not
    # deleted.
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="incidents", db_constraint=False,
        db_index=False,
    )  # fmt: skip
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="incidents", db_constraint=False,
        db_index=False,
    )  # fmt: skip
    priority = models.PositiveSmallIntegerField()
    area_type = models.CharField(max_length=6, choices=AreaType, default=AreaType.URBAN)
    state = models.CharField(max_length=8, choices=State, default=State.OPEN)
    source = models.CharField(max_length=10, choices=Source, default=Source.LIVE)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    # Personal data: shown to staff only on request, and every such read is audited.
    caller_phone = models.CharField(_("caller phone"), max_length=40, blank=True)
    text = models.TextField(_("what the caller said"), blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates",
        db_index=False,
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_index=False,
    )  # fmt: skip
    received_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True)
    en_route_at = models.DateTimeField(null=True, blank=True)
    on_scene_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Phases in seconds, kept with the timestamps: received→dispatched, dispatched→on scene,
    # received→on scene.
    handling_seconds = models.IntegerField(null=True, blank=True)
    travel_seconds = models.IntegerField(null=True, blank=True)
    response_seconds = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            # The live board reads open incidents only: closed and imported history (the
            # bulk of the table) stays out of this index and costs nothing to maintain.
            models.Index(
                fields=["received_at"], condition=Q(state="open"), name="dispatch_incident_open"
            ),
            models.Index(fields=["department", "received_at"]),
            # The rollups' reads of whole days of the country (a day rebuilt, the partial
            # days at a window's ends) would otherwise scan the table.
            models.Index(fields=["received_at"], name="dispatch_incident_received"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category.code}"


class Assignment(models.Model):
    """A unit sent to an incident; a unit has at most one assignment not yet cleared."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    eta_seconds = models.FloatField(null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispatched_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    on_scene_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dispatched_at"]
        constraints = [
            # The database itself refuses a second live assignment of one unit.
            models.UniqueConstraint(
                fields=["unit"], condition=Q(cleared_at=None), name="one_live_assignment_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"unit {self.unit_id} → incident {self.incident_id}"


class TimelineEvent(models.Model):
    """One step of an incident's response, stamped by the server."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Call received")
        DISPATCHED = "dispatched", _("Unit dispatched")
        ACKNOWLEDGED = "acknowledged", _("Unit acknowledged")
        EN_ROUTE = "en_route", _("Unit en route")
        ON_SCENE = "on_scene", _("Unit on scene")
        CLEARED = "cleared", _("Unit cleared")
        LINKED = "linked", _("Linked as duplicate")
        CLOSED = "closed", _("Incident closed")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=14, choices=Kind)
    at = models.DateTimeField()
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%H:%M:%S}"


class ResponseRollup(models.Model):
    """Response measures of the calls of one period, kept so pages never read raw calls.

    Rows per period (``grain``: a local day "d", a month "m", or "c", everything from the
    first call up to the end of a year, so that any run of whole years is one row minus
    another), node, priority and area type. A day has one row per key; a month or "c"
    period may have several, its base and the changes added since (``dispatch.rollups``
    appends a rebuilt day's difference instead of rewriting them, and compacts them): a
    reader adds up every row of a key. The node is a department's subtree (``own`` false;
    department 0 is the whole country) or the calls placed in the department itself
    (``own`` true, for grouping by department). Counts are exact; each phase's durations
    are a mergeable summary (``analytics.sketch``), over all hours and per hour of the day
    (``*_by_hour``, with ``hours`` the counts per hour). Written by ``dispatch.rollups`` only.
    """

    grain = models.CharField(max_length=1)  # "d", "m" or "c"
    period = models.DateField()  # the first day of the period (of the year for "c"), Almaty
    department_id = models.IntegerField()  # 0: the whole country
    own = models.BooleanField()
    priority = models.PositiveSmallIntegerField()
    area_type = models.CharField(max_length=6)
    calls = models.IntegerField()
    arrived = models.IntegerField()
    with_target = models.IntegerField()
    within_target = models.IntegerField()
    handling = models.BinaryField()
    travel = models.BinaryField()
    response = models.BinaryField()
    hours = models.BinaryField()  # int32 (24 hours × the four counts)
    handling_by_hour = models.BinaryField()
    travel_by_hour = models.BinaryField()
    response_by_hour = models.BinaryField()

    class Meta:
        indexes = [
            # Not unique: a month or "c" key has its base row and appended changes.
            models.Index(
                fields=["grain", "period", "department_id", "own", "priority", "area_type"],
                name="dispatch_rollup_key",
            ),
            models.Index(fields=["department_id", "own", "grain", "period"]),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.period} department {self.department_id}"


class PrecinctRollup(models.Model):
    """Total response of the calls of one period, department and priority that lie in one
    precinct: what the measures page's map and table read (``metrics.area_map``).

    The department is the call's own (not its subtree: a scope adds up its departments'
    rows). ``precinct_id`` is the precinct the call's point lay in when the row was built
    (``territory.geo``), 0 for a point in no precinct and -1 for a call without
    coordinates; after precincts are redrawn, ``precinct dispatch rollups rebuild``
    places the calls again. Counts are exact; ``response`` is the summary of total
    response (``analytics.sketch``). Written by ``dispatch.rollups`` only, with the
    ``ResponseRollup`` rows of the same days.
    """

    grain = models.CharField(max_length=1)  # "d", "m" or "c", as in ResponseRollup
    period = models.DateField()  # the first day of the period, Almaty time
    department_id = models.IntegerField()
    precinct_id = models.IntegerField()  # 0: in no precinct; -1: no coordinates
    priority = models.PositiveSmallIntegerField()
    calls = models.IntegerField()
    arrived = models.IntegerField()
    with_target = models.IntegerField()
    within_target = models.IntegerField()
    response = models.BinaryField()

    class Meta:
        indexes = [
            # Period first: a read is a few ranges of periods (years, months, the days at
            # the ends), each one index range; led by the department, SQLite scanned every
            # row of the scope's departments. Not unique, as in ResponseRollup.
            models.Index(
                fields=["grain", "period", "department_id", "precinct_id", "priority"],
                name="dispatch_precinct_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.period} precinct {self.precinct_id}"


class RollupDirtyDay(models.Model):
    """A local day whose calls changed since its rollups were computed (durable)."""

    day = models.DateField(primary_key=True)
    marked_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.day)
