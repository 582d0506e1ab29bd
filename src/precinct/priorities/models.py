"""The priorities of a precinct, agreed from what residents raised, and what was done.

A priority is written by staff (a head or the precinct's inspector) in Russian, with
optional Kazakh and English texts, shown in the reader's language like every stored name.
The UK Neighbourhood Policing Guarantee asks that priorities be reviewed at least every
three months: ``reviewed_on`` is the date of the last review (or of the setting), and
each review, the setting included, is kept as a ``PriorityReview`` so that the share of
priorities reviewed in time can be computed as of any past day (the evaluation's periods).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from precinct.territory.models import name_in_reader_language


class Priority(models.Model):
    """One issue residents asked the precinct's police to act on (issue, where, since when)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Current")
        CLOSED = "closed", _("Closed")

    precinct = models.ForeignKey(
        "territory.Precinct", on_delete=models.PROTECT, related_name="priorities"
    )
    issue = models.CharField(_("issue (Russian)"), max_length=300)
    issue_kk = models.CharField(_("issue (Kazakh)"), max_length=300, blank=True)
    issue_en = models.CharField(_("issue (English)"), max_length=300, blank=True)
    place = models.CharField(_("where (Russian)"), max_length=300, blank=True)
    place_kk = models.CharField(_("where (Kazakh)"), max_length=300, blank=True)
    place_en = models.CharField(_("where (English)"), max_length=300, blank=True)
    # The theme of residents' concerns it answers (an appeal category code or a survey
    # theme), so the page can show how many raised it.
    theme = models.CharField(_("theme"), max_length=60, blank=True)
    since = models.DateField(_("since"))
    reviewed_on = models.DateField(_("last reviewed on"))
    state = models.CharField(max_length=8, choices=State, default=State.ACTIVE)
    closed_on = models.DateField(null=True, blank=True)
    set_by = models.ForeignKey(
        "territory.Officer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["precinct", "-since", "id"]
        indexes = [models.Index(fields=["state", "reviewed_on"], name="priority_review_idx")]

    def __str__(self) -> str:
        return self.issue_display

    @property
    def issue_display(self) -> str:
        return name_in_reader_language(self, "issue")

    @property
    def place_display(self) -> str:
        return name_in_reader_language(self, "place")


class PriorityAction(models.Model):
    """What the police did about a priority ("you said, we did"), dated."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    done_on = models.DateField(_("done on"))
    text = models.TextField(_("what was done (Russian)"))
    text_kk = models.TextField(_("what was done (Kazakh)"), blank=True)
    text_en = models.TextField(_("what was done (English)"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "-done_on", "-id"]

    def __str__(self) -> str:
        return f"{self.done_on} {self.text[:40]}"

    @property
    def text_display(self) -> str:
        return name_in_reader_language(self, "text")


class PriorityReview(models.Model):
    """One review of a priority (its setting is the first): the history behind ``reviewed_on``."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    reviewed_by = models.ForeignKey(
        "territory.Officer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "-reviewed_on", "-id"]
        indexes = [models.Index(fields=["priority", "reviewed_on"], name="priority_review_on_idx")]

    def __str__(self) -> str:
        return f"{self.priority_id} reviewed {self.reviewed_on}"
