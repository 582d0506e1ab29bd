"""Planning: staffing norms and numbers, the post-construction programme, siting scenarios.

Coverage itself is computed, not stored: it follows the posts and the population as they
are. What is stored here is what planners enter (norms, staff numbers, funding of posts)
and what they ask the optimiser (siting jobs, kept as scenarios).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Settlement(models.TextChoices):
    """Urban and rural areas carry different staffing norms."""

    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class StaffingNorm(models.Model):
    """A staffing norm in force from a date: residents per district inspector, with its source."""

    settlement = models.CharField(_("settlement"), max_length=5, choices=Settlement)
    residents_per_inspector = models.PositiveIntegerField(_("residents per inspector"))
    source = models.CharField(_("source of the norm"), max_length=300)
    valid_from = models.DateField(_("in force from"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["settlement", "-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(residents_per_inspector__gt=0), name="norm_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_settlement_display()}: {self.residents_per_inspector}"


class DepartmentStaffing(models.Model):
    """Staff numbers of one department as loaded from a return (CSV), and its settlement type."""

    department = models.OneToOneField(
        "territory.Department", on_delete=models.CASCADE, related_name="planning_staffing"
    )
    settlement = models.CharField(
        _("settlement"), max_length=5, choices=Settlement, default=Settlement.URBAN
    )
    inspectors = models.PositiveIntegerField(_("district inspectors in post"))
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["department"]

    def __str__(self) -> str:
        return f"{self.department}: {self.inspectors}"


class FundingBody(models.TextChoices):
    """Who pays for a new district post."""

    AKIMAT = "akimat", _("Akimat (local executive)")
    MASLIHAT = "maslihat", _("Maslihat (local council budget)")
    MINISTRY = "ministry", _("Ministry of Internal Affairs")
    SPONSOR = "sponsor", _("Sponsor or business")


class PostProject(models.Model):
    """A post in the construction programme: who funds it, the budget and the due date."""

    post = models.OneToOneField(
        "territory.Post", on_delete=models.CASCADE, related_name="planning_project"
    )
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    funding_body = models.CharField(_("funding body"), max_length=10, choices=FundingBody)
    budget_kzt = models.DecimalField(
        _("budget, tenge"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    due_on = models.DateField(_("due to open"))
    progress_notes = models.TextField(_("progress notes"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.post} ({self.get_funding_body_display()})"


class SitingJob(models.Model):
    """A siting run (maximal or set covering) and, once done, its result: a scenario."""

    class Method(models.TextChoices):
        MAX_COVER = "max_cover", _("Best k new posts (maximal covering)")
        SET_COVER = "set_cover", _("Fewest posts for a target share (set covering)")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    FINISHED = (State.DONE, State.FAILED, State.CANCELLED)

    name = models.CharField(_("name"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        "territory.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Residents of this department only; empty means everyone."),
    )
    method = models.CharField(max_length=10, choices=Method, default=Method.MAX_COVER)
    k = models.PositiveIntegerField(null=True, blank=True)
    minutes = models.FloatField(_("walking time, minutes"))
    target_share = models.FloatField(null=True, blank=True)
    time_limit_s = models.FloatField(default=60)
    # Walking-network node indices of the candidate sites; null: every node.
    candidate_nodes = models.JSONField(null=True, blank=True)
    candidate_source = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED, db_index=True)
    progress = models.FloatField(default=0.0)
    progress_note = models.CharField(max_length=200, blank=True)
    cancel_requested = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    saved = models.BooleanField(_("saved as a scenario"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The result: chosen sites [{node, lon, lat, residents_new}], totals and per department.
    chosen = models.JSONField(default=list, blank=True)
    residents_total = models.FloatField(null=True, blank=True)
    covered_before = models.FloatField(null=True, blank=True)
    covered_after = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    solver = models.CharField(max_length=40, blank=True)
    solver_status = models.CharField(max_length=40, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    by_department = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name or f"siting #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED
