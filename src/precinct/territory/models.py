"""Who serves where: regions, departments, precincts, posts, officers and residents.

Geometry is stored as GeoJSON text with a bounding box beside it, so the same schema works
on SQLite and PostgreSQL without spatial extensions; shapely does the geometry in Python
on the few hundred polygons a city has, cached per process (see ``territory.geo``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from precinct.territory import hours


class Provenance(models.TextChoices):
    """Where a record comes from: the interface tells residents which data are real."""

    REAL = "real", _("Real (official or OpenStreetMap)")
    DERIVED = "derived", _("Derived from real data")
    GENERATED = "generated", _("Generated for the demo")
    ENTERED = "entered", _("Entered by staff")


def name_in_reader_language(named, field: str = "name") -> str:
    """``name_kk`` or ``name_en`` in the active language, falling back to ``name`` (Russian);
    ``field`` names another trio of columns (``place``, ``place_kk``, ``place_en``)."""
    lang = (get_language() or "ru")[:2]
    russian = getattr(named, field)
    if lang not in ("kk", "en"):
        return russian
    return getattr(named, f"{field}_{lang}", "") or russian


class NamedMixin(models.Model):
    """Names in Russian (official), Kazakh and English; shown in the reader's language."""

    name = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language, falling back to Russian."""
        return name_in_reader_language(self)


class AreaMixin(models.Model):
    """A polygon (GeoJSON) with its bounding box for cheap prefiltering."""

    boundary = models.TextField(_("boundary (GeoJSON)"), blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    boundary_source = models.CharField(
        _("boundary source"), max_length=12, choices=Provenance, default=Provenance.ENTERED
    )
    # Per-process geometry caches compare this stamp to know when to rebuild.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Region(NamedMixin, AreaMixin):
    """An oblast or a city of republican significance (Almaty, Astana, Shymkent)."""

    class Kind(models.TextChoices):
        OBLAST = "oblast", _("Region (oblast)")
        CITY = "city", _("City of republican significance")

    code = models.SlugField(unique=True)
    kind = models.CharField(max_length=8, choices=Kind)
    timezone = models.CharField(max_length=40, default="Asia/Almaty")
    population = models.PositiveIntegerField(_("official population"), null=True, blank=True)
    population_date = models.DateField(null=True, blank=True)
    population_source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]


class Department(NamedMixin, AreaMixin):
    """A territorial police department: regional (ДП) or city/district (УП, ОП)."""

    class Kind(models.TextChoices):
        REGIONAL = "regional", _("Regional police department")
        CITY = "city", _("City police department")
        DISTRICT = "district", _("District police department")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    code = models.SlugField(unique=True)
    # Materialised path "/1/4/": a department's subtree is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="/")
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["path"]

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent.region_id != self.region_id:
            raise ValidationError({"parent": _("The parent lies in another region.")})
        if self.pk and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": _("A department cannot be under its own subtree.")})


class Precinct(AreaMixin):
    """The area served by one or more district inspectors (участок)."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="precincts")
    number = models.PositiveIntegerField()
    residents = models.PositiveIntegerField(_("residents"), default=0)

    class Meta:
        ordering = ["department", "number"]
        constraints = [
            models.UniqueConstraint(fields=["department", "number"], name="precinct_number_unique")
        ]

    def __str__(self) -> str:
        return gettext("%(department)s · precinct %(number)s") % {
            "department": self.department,
            "number": self.number,
        }


class Post(NamedMixin):
    """A district police post (участковый пункт полиции) in one of its lifecycle states."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        BUILDING = "building", _("Under construction")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="posts")
    precinct = models.ForeignKey(
        Precinct, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    lon = models.FloatField()
    lat = models.FloatField()
    address = models.CharField(max_length=300, blank=True)
    # OpenStreetMap's syntax ("Mo-Fr 09:00-18:00; Sa 10:00-14:00"): pages write it in the
    # reader's language (``territory.hours``), so it is never stored as Russian prose.
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=120,
        blank=True,
        help_text=_("As in OpenStreetMap: Mo-Fr 09:00-18:00; Sa 10:00-14:00, or 24/7."),
    )
    phone = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.PLANNED, db_index=True)
    planned_opening = models.DateField(null=True, blank=True)
    construction_started = models.DateField(null=True, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=12, choices=Provenance, default=Provenance.ENTERED)
    osm_ref = models.CharField(_("OpenStreetMap object"), max_length=40, blank=True)
    # Per-process indexes of open posts compare this stamp to know when to rebuild.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["department", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="open") | Q(opened_on__isnull=False),
                name="post_open_has_date",
            )
        ]

    @property
    def opening_hours_display(self) -> str:
        """The opening hours in the reader's language ("Пн–Пт 09:00–18:00; Сб 10:00–14:00")."""
        return hours.opening_hours_text(self.opening_hours)

    def clean(self):
        if self.state == self.State.OPEN and not self.opened_on:
            raise ValidationError({"opened_on": _("An open post needs its opening date.")})


class Officer(models.Model):
    """A police officer; ``accounts.access`` decides who may see the contacts."""

    class Rank(models.TextChoices):
        """The special ranks of the police of Kazakhstan, in order."""

        PRIVATE = "private", _("police private")
        JUNIOR_SERGEANT = "junior_sergeant", _("police junior sergeant")
        SERGEANT = "sergeant", _("police sergeant")
        SENIOR_SERGEANT = "senior_sergeant", _("police senior sergeant")
        SERGEANT_MAJOR = "sergeant_major", _("police sergeant major")
        LIEUTENANT = "lieutenant", _("police lieutenant")
        SENIOR_LIEUTENANT = "senior_lieutenant", _("police senior lieutenant")
        CAPTAIN = "captain", _("police captain")
        MAJOR = "major", _("police major")
        LIEUTENANT_COLONEL = "lieutenant_colonel", _("police lieutenant colonel")
        COLONEL = "colonel", _("police colonel")
        MAJOR_GENERAL = "major_general", _("police major general")
        LIEUTENANT_GENERAL = "lieutenant_general", _("police lieutenant general")
        COLONEL_GENERAL = "colonel_general", _("police colonel general")

    class Role(models.TextChoices):
        INSPECTOR = "inspector", _("District inspector")
        ASSISTANT = "assistant", _("Inspector's assistant")
        PATROL = "patrol", _("Patrol officer")
        OPERATOR = "operator", _("102 operator")
        HEAD = "head", _("Head of department")
        ANALYST = "analyst", _("Analyst")

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="officers")
    last_name = models.CharField(max_length=80)
    first_name = models.CharField(max_length=80)
    patronymic = models.CharField(max_length=80, blank=True)
    # A code of ``Rank``, shown in the reader's language (a rank typed before the codes is
    # shown as typed by ``rank_display``).
    rank = models.CharField(_("rank"), max_length=80, blank=True, choices=Rank)
    role = models.CharField(max_length=12, choices=Role, db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    source = models.CharField(max_length=12, choices=Provenance, default=Provenance.ENTERED)

    class Meta:
        ordering = ["department", "last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def rank_display(self) -> str:
        """The rank in the active language."""
        return self.get_rank_display() if self.rank else ""

    @property
    def full_name(self) -> str:
        """Last, first and patronymic name as written in Kazakhstan."""
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)


class PrecinctAssignment(models.Model):
    """An inspector serving a precinct from one date to another (open-ended while current)."""

    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="assignments")
    precinct = models.ForeignKey(Precinct, on_delete=models.PROTECT, related_name="assignments")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="assignment_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer} → {self.precinct}"

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The assignment cannot end before it starts.")})
        if self.officer_id and self.officer.role not in (
            Officer.Role.INSPECTOR,
            Officer.Role.ASSISTANT,
        ):
            raise ValidationError({"officer": _("Only inspectors and assistants serve precincts.")})
        if (
            self.officer_id
            and self.precinct_id
            and (self.officer.department_id != self.precinct.department_id)
        ):
            raise ValidationError({"officer": _("The inspector belongs to another department.")})


class PopulationPoint(models.Model):
    """Residents held as a weighted point (a building or a network node) for coverage."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="population_points")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    precinct = models.ForeignKey(
        Precinct, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lon = models.FloatField()
    lat = models.FloatField()
    residents = models.FloatField()
    source = models.CharField(max_length=12, choices=Provenance, default=Provenance.DERIVED)

    class Meta:
        indexes = [models.Index(fields=["department"]), models.Index(fields=["precinct"])]

    def __str__(self) -> str:
        return f"{self.residents:.0f} @ {self.lat:.5f},{self.lon:.5f}"


class Address(models.Model):
    """A street address from OpenStreetMap, normalised for search in Russian or Kazakh."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="addresses")
    street = models.CharField(max_length=200)
    housenumber = models.CharField(max_length=40, blank=True)
    # Lower-case, Kazakh letters folded to Russian ones, street-type words dropped.
    street_key = models.CharField(max_length=200, db_index=True)
    house_key = models.CharField(max_length=40, blank=True)
    lon = models.FloatField()
    lat = models.FloatField()
    osm_ref = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [models.Index(fields=["street_key", "house_key"])]

    def __str__(self) -> str:
        return f"{self.street}, {self.housenumber}".rstrip(", ")
