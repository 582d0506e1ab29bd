"""Official crime statistics: Form 1-M by region and article, department counts, population.

Regions are joined by a canonical key (``analytics.form1m.region_key``) because the
official files spell names differently; a territory ``Region`` matches by the same key.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
