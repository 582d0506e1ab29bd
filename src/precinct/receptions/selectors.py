"""Readers of receptions: the public list of hours, and the head's bookings (audited)."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from precinct.accounts import access
from precinct.audit.services import audit_read_many
from precinct.receptions.models import Booking, ReceptionSlot
from precinct.territory.models import Department, Officer


def upcoming_receptions(*, department_id: int | None = None, now=None) -> list[ReceptionSlot]:
    """Public list of reception hours still to come, with the places left."""
    now = now or timezone.now()
    qs = ReceptionSlot.objects.filter(cancelled=False, starts_at__gt=now)
    if department_id:
        qs = qs.filter(department_id=department_id)
    qs = _with_places_left(qs.select_related("department", "head"))
    slots = list(qs.order_by("starts_at")[:200])
    for slot in slots:
        slot.places_left = max(slot.capacity - slot.booked, 0)
    return slots


def reception_departments() -> QuerySet[Department]:
    """The district departments a resident may pick to see their heads' hours."""
    return Department.objects.filter(kind=Department.Kind.DISTRICT).order_by("name")


def _with_places_left(qs: QuerySet[ReceptionSlot]) -> QuerySet[ReceptionSlot]:
    """Each hour with ``booked`` (live bookings) counted in the database."""
    return qs.annotate(booked=Count("bookings", filter=Q(bookings__state=Booking.State.BOOKED)))


def slot_open_for_booking(*, slot_id: int) -> ReceptionSlot | None:
    """A reception hour that is not cancelled, with its department, head and places left."""
    slot = (
        _with_places_left(ReceptionSlot.objects.select_related("department", "head"))
        .filter(pk=slot_id, cancelled=False)
        .first()
    )
    if slot is not None:
        slot.places_left = max(slot.capacity - slot.booked, 0)
    return slot


def reception_slots_for_staff(*, user, limit: int = 50) -> list[ReceptionSlot]:
    """A head's recent and coming reception hours with bookings; the names read are audited."""
    slots = list(
        ReceptionSlot.objects.filter(department__in=access.departments_in_scope(user))
        .select_related("department", "head")
        # The page shows the appeal a booking became: fetch them with the bookings.
        .prefetch_related(Prefetch("bookings", Booking.objects.select_related("appeal")))
        .order_by("-starts_at")[:limit]
    )
    bookings = [b for s in slots for b in s.bookings.all()]
    audit_read_many(
        actor=user,
        objects=bookings,
        fields=["name", "phone", "topic"],
        context="reception bookings",
    )
    return slots


def booking_for_outcome(*, booking_id: int | None) -> Booking | None:
    """The booking whose outcome the head records (the service checks his scope)."""
    if booking_id is None:
        return None
    return Booking.objects.select_related("slot").filter(pk=booking_id).first()


def reception_head(*, officer_id: int | None) -> Officer | None:
    """A head of department, chosen by an administrator who publishes hours for him."""
    if officer_id is None:
        return None
    return Officer.objects.filter(pk=officer_id, role=Officer.Role.HEAD).first()
