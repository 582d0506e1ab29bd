"""Official crime statistics: Form 1-M by region and article, department counts, population.

Regions are joined by a canonical key (``analytics.form1m.region_key``) because the
official files spell names differently; a territory ``Region`` matches by the same key.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from precinct.territory.models import Provenance


class ReportingPeriod(models.Model):
    """A reporting period of the statistics (Form 1-M does not print its own)."""

    label = models.CharField(max_length=60, unique=True)
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=300, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.label


class RegionalCount(models.Model):
    """One row of sheet R1 of a region's Form 1-M: registered offences (graph 2)."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="rows")
    region_key = models.CharField(max_length=40)
    region_name = models.CharField(max_length=120)
    row_code = models.PositiveIntegerField()
    indicator = models.CharField(max_length=400)
    article = models.CharField(max_length=20, blank=True)
    chapter = models.PositiveSmallIntegerField(null=True, blank=True)
    category = models.CharField(max_length=20, blank=True)
    registered = models.PositiveIntegerField()

    class Meta:
        ordering = ["period", "region_key", "row_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "region_key", "row_code"], name="regional_row_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_key} {self.row_code}: {self.registered}"


class RegionalCategoryCount(models.Model):
    """Registered offences of a region in one category (categories sum to the total)."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="categories")
    region_key = models.CharField(max_length=40)
    category = models.CharField(max_length=20)
    registered = models.PositiveIntegerField()

    class Meta:
        ordering = ["period", "region_key", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "region_key", "category"], name="regional_category_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_key} {self.category}: {self.registered}"


class RegionPopulation(models.Model):
    """The official population of a region (or of the republic, key "kazakhstan")."""

    region_key = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    population = models.PositiveIntegerField()
    males = models.PositiveIntegerField(null=True, blank=True)
    females = models.PositiveIntegerField(null=True, blank=True)
    as_of = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["region_key"]

    def __str__(self) -> str:
        return f"{self.name}: {self.population:,}"


class DepartmentCount(models.Model):
    """Offences registered (and cleared) in a department's area in a period, by category."""

    department = models.ForeignKey(
        "territory.Department", on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(_("period"), max_length=20)
    category = models.CharField(max_length=20)
    registered = models.PositiveIntegerField()
    cleared = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["department", "period", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "period", "category"], name="department_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.period} {self.category}: {self.registered}"


class MapPoint(models.Model):
    """An anonymous map point (data.police.uk's "location"): the middle of a stretch of a
    named street that stands for ``places`` residential places (analytics.mappoints)."""

    region = models.ForeignKey("territory.Region", on_delete=models.CASCADE, related_name="+")
    lon = models.FloatField()
    lat = models.FloatField()
    street = models.CharField(max_length=200)  # the street's name in Russian (or as tagged)
    street_kk = models.CharField(max_length=200, blank=True)
    street_en = models.CharField(max_length=200, blank=True)
    places = models.PositiveIntegerField()
    # places >= PRECINCT_MAP_POINT_MIN_PLACES when built: only these are ever published.
    published = models.BooleanField()
    built_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["lat", "lon"], name="mappoint_lat_lon")]

    def __str__(self) -> str:
        return f"{self.street} ({self.places})"


class MapPointPlace(models.Model):
    """A residential place a map point stands for (a copy of the place's position, kept
    internally so that a record is moved to the point of its nearest place)."""

    region = models.ForeignKey("territory.Region", on_delete=models.CASCADE, related_name="+")
    point = models.ForeignKey(
        MapPoint, null=True, blank=True, on_delete=models.CASCADE, related_name="place_set"
    )  # None: too far from any named street to stand behind a point
    lon = models.FloatField()
    lat = models.FloatField()

    def __str__(self) -> str:
        return f"place of point {self.point_id}"


class RecordBatch(models.Model):
    """One import of offence records (a file, or the demo's generated records)."""

    source = models.CharField(max_length=60)
    file_name = models.CharField(max_length=300, blank=True)
    provenance = models.CharField(max_length=12, choices=Provenance)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} {self.imported_at:%Y-%m-%d}"


class OffenceRecord(models.Model):
    """One street-level offence record: month, category, outcome, where (a map point).

    Holds no person, phone, free text or address by construction; the exact coordinates
    are kept only to move the record to another map point when the points are rebuilt,
    and no read surface, API or download ever returns them."""

    source = models.CharField(max_length=60)
    source_ref = models.CharField(max_length=100)  # the source's own id: never published
    persistent_id = models.CharField(max_length=64, unique=True)  # sha256(source:ref)
    month = models.DateField()  # the first day of the month
    category = models.CharField(max_length=40)  # crime.categories.CATEGORIES
    outcome = models.CharField(max_length=60, blank=True)  # crime.categories.OUTCOMES
    outcome_month = models.DateField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    location = models.ForeignKey(
        MapPoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    department = models.ForeignKey(
        "territory.Department", on_delete=models.PROTECT, related_name="+"
    )
    precinct = models.ForeignKey(
        "territory.Precinct", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provenance = models.CharField(max_length=12, choices=Provenance)
    batch = models.ForeignKey(RecordBatch, on_delete=models.PROTECT, related_name="records")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["month", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_ref"], name="offence_source_ref")
        ]
        indexes = [
            models.Index(fields=["month", "location"], name="offence_month_location"),
            models.Index(fields=["month", "department"], name="offence_month_department"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.category}"
