"""The integrity registry: officers' disciplinary and corruption offences, and who headed
each unit on the offence's date (the personal responsibility of first heads).

Personal data: reads are limited to heads in scope, analysts and internal security
(``accounts.access.can_view_integrity``) and every read is audited.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class HeadTerm(models.Model):
    """An officer heading a department from one date to another (open while current)."""

    officer = models.ForeignKey(
        "territory.Officer", on_delete=models.PROTECT, related_name="head_terms"
    )
    department = models.ForeignKey(
        "territory.Department", on_delete=models.PROTECT, related_name="head_terms"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["department", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="head_term_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer} heads {self.department} from {self.starts_on}"


class Offence(models.Model):
    """One disciplinary or corruption offence of an officer."""

    class Kind(models.TextChoices):
        DISCIPLINARY = "disciplinary", _("Disciplinary offence")
        CORRUPTION = "corruption", _("Corruption offence")
        CRIMINAL = "criminal", _("Other criminal offence")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Under review")
        REPRIMAND = "reprimand", _("Reprimand")
        SEVERE_REPRIMAND = "severe_reprimand", _("Severe reprimand")
        DEMOTION = "demotion", _("Demotion")
        DISMISSAL = "dismissal", _("Dismissal")
        PROSECUTED = "prosecuted", _("Criminal case sent to court")
        CLEARED = "cleared", _("Not confirmed")

    officer = models.ForeignKey("territory.Officer", on_delete=models.PROTECT, related_name="+")
    # The unit the officer served in on that date (kept, since officers move).
    department = models.ForeignKey(
        "territory.Department", on_delete=models.PROTECT, related_name="+"
    )
    occurred_on = models.DateField(db_index=True)
    kind = models.CharField(max_length=14, choices=Kind)
    article = models.CharField(
        _("type or article"), max_length=120, help_text=_("e.g. Criminal Code art. 366")
    )
    outcome = models.CharField(max_length=18, choices=Outcome, default=Outcome.PENDING)
    summary = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.article} on {self.occurred_on}"

    @property
    def confirmed(self) -> bool:
        """Counted in indicators: neither pending nor cleared."""
        return self.outcome not in (self.Outcome.PENDING, self.Outcome.CLEARED)


class Responsibility(models.Model):
    """A head answerable for an offence: the unit's head and the heads above it that day."""

    offence = models.ForeignKey(Offence, on_delete=models.CASCADE, related_name="responsible")
    head = models.ForeignKey("territory.Officer", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "territory.Department", on_delete=models.PROTECT, related_name="+"
    )
    # 0: the head of the offender's own unit, 1: the unit above it, …
    level = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["offence", "level"]
        constraints = [
            models.UniqueConstraint(fields=["offence", "head"], name="responsibility_unique")
        ]

    def __str__(self) -> str:
        return f"{self.head} answers for offence {self.offence_id} (level {self.level})"
