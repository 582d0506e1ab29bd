"""Evaluation: a versioned methodology of indicators, their values per department and
period, and the composite index with its peer rank."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from precinct.territory.models import NamedMixin, name_in_reader_language


class Methodology(models.Model):
    """One published version of the catalog of indicators (never edited once published)."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    title_kk = models.CharField(max_length=200, blank=True)
    title_en = models.CharField(max_length=200, blank=True)
    published_on = models.DateField()
    notes = models.TextField(blank=True)
    notes_kk = models.TextField(blank=True)
    notes_en = models.TextField(blank=True)
    # The least share of the total weight with data for a composite index to be shown.
    min_coverage = models.FloatField(default=0.6)

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = _("methodologies")

    def __str__(self) -> str:
        return f"v{self.version} {self.title}"

    @property
    def display_title(self) -> str:
        return name_in_reader_language(self, "title")

    @property
    def display_notes(self) -> str:
        return name_in_reader_language(self, "notes")


class Indicator(models.Model):
    """An indicator of a methodology version: what it measures and how it is scored."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    class Group(models.TextChoices):
        CRIME = "crime", _("Crime")
        RESPONSE = "response", _("Response to 102 calls")
        APPEALS = "appeals", _("Appeals")
        SURVEYS = "surveys", _("Population surveys")
        INTEGRITY = "integrity", _("Integrity")
        STAFFING = "staffing", _("Staffing")
        COVERAGE = "coverage", _("Walking reach")
        PRIORITIES = "priorities", _("Priorities residents set")

    methodology = models.ForeignKey(
        Methodology, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField(max_length=40)
    position = models.PositiveIntegerField()
    group = models.CharField(max_length=10, choices=Group)
    name = models.CharField(max_length=200)
    name_kk = models.CharField(max_length=200, blank=True)
    name_en = models.CharField(max_length=200, blank=True)
    # What a resident reads (Russian, Kazakh, English); the technical terms are in ``source``.
    definition = models.TextField()
    definition_kk = models.TextField(blank=True)
    definition_en = models.TextField(blank=True)
    source = models.CharField(max_length=300)
    direction = models.CharField(max_length=6, choices=Direction)
    unit = models.CharField(max_length=30)
    normalisation = models.CharField(max_length=20, default="minmax")
    weight = models.FloatField()
    min_data = models.CharField(max_length=200)
    min_data_kk = models.CharField(max_length=200, blank=True)
    min_data_en = models.CharField(max_length=200, blank=True)
    min_n = models.PositiveIntegerField(default=1)
    survey_key = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["methodology", "position"]
        constraints = [
            models.UniqueConstraint(fields=["methodology", "code"], name="indicator_code_unique")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def display_name(self) -> str:
        return name_in_reader_language(self)

    @property
    def display_definition(self) -> str:
        return name_in_reader_language(self, "definition")

    @property
    def display_min_data(self) -> str:
        return name_in_reader_language(self, "min_data")


class Period(models.Model):
    """An evaluation period ("2025", "2026-Q1") with its dates."""

    label = models.CharField(max_length=20, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return self.label


class IndicatorValue(models.Model):
    """The value of one indicator for one department in one period."""

    class Status(models.TextChoices):
        OK = "ok", _("Value")
        NO_DATA = "no_data", _("No data")
        INSUFFICIENT = "insufficient", _("Too little data")
        SUPPRESSED = "suppressed", _("Suppressed (too few respondents)")

    methodology = models.ForeignKey(Methodology, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    department = models.ForeignKey(
        "territory.Department", on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="values")
    value = models.FloatField(null=True, blank=True)
    lower = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    n = models.FloatField(_("data behind the value"), null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status)
    # 0–100 among the peer group (after direction), for the composite.
    score = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["department", "period", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "department", "period"], name="indicator_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.department_id} {self.period_id}: {self.value}"


class Score(models.Model):
    """The composite index of a department in a period, its interval and peer rank."""

    methodology = models.ForeignKey(Methodology, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "territory.Department", on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="scores")
    index = models.FloatField(null=True, blank=True)
    lower = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    coverage = models.FloatField(default=0.0)
    peer_group = models.CharField(max_length=40, blank=True)
    peer_rank = models.PositiveIntegerField(null=True, blank=True)
    peer_size = models.PositiveIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["methodology", "department", "period"], name="score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.period_id}: {self.index}"


class Intervention(NamedMixin):
    """A dated change in policing (a post opened, a foot patrol …) and where it applies."""

    class Kind(models.TextChoices):
        POST_OPENED = "post_opened", _("Post opened")
        FOOT_PATROL = "foot_patrol", _("Foot patrol")
        STAFFING = "staffing", _("Staffing change")
        OTHER = "other", _("Other change")

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_EFFECT = "in_effect", _("In effect")

    class Estimation(models.TextChoices):
        PENDING = "pending", _("Being estimated")
        DONE = "done", _("Estimated")
        FAILED = "failed", _("Estimation failed")

    kind = models.CharField(max_length=12, choices=Kind)
    state = models.CharField(max_length=10, choices=State, default=State.IN_EFFECT)
    starts_on = models.DateField()
    department = models.ForeignKey(
        "territory.Department", on_delete=models.PROTECT, related_name="+"
    )
    # The treated precincts: given by the planner, or (for a post) those where the post
    # brings residents within walking reach, computed from the network when it is recorded.
    precincts = models.ManyToManyField("territory.Precinct", related_name="+")
    post = models.ForeignKey(
        "territory.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Residents the post brings within walking reach, per treated precinct ({id: residents}).
    reach = models.JSONField(default=dict, blank=True)
    outcomes = models.JSONField(default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    recorded_at = models.DateTimeField(auto_now_add=True)
    estimation = models.CharField(max_length=8, choices=Estimation, default=Estimation.PENDING)
    estimation_error = models.TextField(blank=True)
    # A planned change's proposed randomised design: {"outcome", "pairs", "mde", "level",
    # "power", "post_months"}; empty until proposed.
    design = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.display_name


class InterventionEstimate(models.Model):
    """The estimated effect of one intervention on one outcome, with what it rests on."""

    class Verdict(models.TextChoices):
        EFFECT = "effect", _("Effect")
        NO_EFFECT = "no_effect_detected", _("No effect detected")
        CANNOT_TELL = "cannot_tell", _("Cannot tell")

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="estimates"
    )
    outcome = models.CharField(max_length=20)
    effect = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    p_value = models.FloatField(null=True, blank=True)
    level = models.FloatField(default=0.95)
    method = models.CharField(max_length=30, blank=True)
    pre_trend = models.FloatField(null=True, blank=True)
    pre_trend_p = models.FloatField(null=True, blank=True)
    verdict = models.CharField(max_length=20, choices=Verdict)
    reason = models.CharField(max_length=40, blank=True)
    comparison_ids = models.JSONField(default=list)
    # {"months": ["2025-01", …], "treated": [..], "comparison": [..], "change_at": int}
    series = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["intervention", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "outcome"], name="intervention_outcome_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.intervention_id} {self.outcome}: {self.effect}"
