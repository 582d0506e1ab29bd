"""Weekly receptions of citizens by department heads: hours, bookings and outcomes.

The tables keep the names they had when receptions lived in the appeals app
(``appeals_receptionslot``, ``appeals_booking``): the move changed the code, not the data.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from precinct.territory.models import name_in_reader_language


class ReceptionSlot(models.Model):
    """One reception hour of a department head: when, where, how many, in which language."""

    department = models.ForeignKey(
        "territory.Department", on_delete=models.PROTECT, related_name="reception_slots"
    )
    head = models.ForeignKey("territory.Officer", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(db_index=True)
    minutes = models.PositiveSmallIntegerField(default=60)
    place = models.CharField(_("place (Russian)"), max_length=300)
    place_kk = models.CharField(_("place (Kazakh)"), max_length=300, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=300, blank=True)
    capacity = models.PositiveSmallIntegerField(default=5)
    language = models.CharField(max_length=12, default="ru")
    cancelled = models.BooleanField(default=False)

    class Meta:
        db_table = "appeals_receptionslot"
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.place}"

    @property
    def place_display(self) -> str:
        """The place in the reader's language, falling back to Russian."""
        return name_in_reader_language(self, "place")


class Booking(models.Model):
    """A resident's place at a reception, confirmed by a code; the head records the outcome."""

    class State(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")

    slot = models.ForeignKey(ReceptionSlot, on_delete=models.PROTECT, related_name="bookings")
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40)
    topic = models.TextField()
    state = models.CharField(max_length=10, choices=State, default=State.BOOKED)
    booked_at = models.DateTimeField()
    outcome = models.TextField(blank=True)
    # What the resident raised, registered as an appeal by the head in the same step.
    appeal = models.OneToOneField(
        "appeals.Appeal", null=True, blank=True, on_delete=models.SET_NULL, related_name="booking"
    )

    class Meta:
        db_table = "appeals_booking"

    def __str__(self) -> str:
        return self.code


class CancelAttempt(models.Model):
    """A failed try to cancel a booking with a code, by a keyed hash of the client's address:
    enough to slow down guessing codes, useless to identify anyone."""

    client_hash = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["client_hash", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"
