"""The read surface of receptions: a department's reception hours still to come, as rows.

No resident's data leaves here: a booking is counted, never named.
"""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from precinct.receptions.models import Booking, ReceptionSlot


def upcoming_receptions_of_department(
    *, department_id: int, now=None, limit: int = 5
) -> list[dict]:
    """The next reception hours of a department's heads (not cancelled), soonest first:
    when, how long, where, whose, in which language and how many places are left."""
    now = now or timezone.now()
    slots = (
        ReceptionSlot.objects.filter(
            department_id=department_id, cancelled=False, starts_at__gt=now
        )
        .select_related("head")
        .annotate(booked=Count("bookings", filter=Q(bookings__state=Booking.State.BOOKED)))
        .order_by("starts_at", "id")[:limit]
    )
    return [
        {
            "id": s.id,
            "starts_at": s.starts_at,
            "minutes": s.minutes,
            "place": s.place,
            "place_display": s.place_display,
            "head": s.head.full_name,
            "language": s.language,
            "capacity": s.capacity,
            "booked": s.booked,
            "places_left": max(s.capacity - s.booked, 0),
        }
        for s in slots
    ]


def public_receptions_of_department(*, department_id: int, now=None, limit: int = 20) -> list[dict]:
    """The next reception hours of a department's heads for the open data, soonest first:
    start and end, the place in the reader's language, the head's name and rank in the
    reader's language, the language of the reception. Bookings are neither named nor
    counted: places left would tell who booked a small hour."""
    now = now or timezone.now()
    slots = (
        ReceptionSlot.objects.filter(
            department_id=department_id, cancelled=False, starts_at__gt=now
        )
        .select_related("head")
        .order_by("starts_at", "id")[:limit]
    )
    return [
        {
            "id": s.id,
            "starts_at": s.starts_at,
            "ends_at": s.starts_at + dt.timedelta(minutes=s.minutes),
            "place": s.place_display,
            "head": s.head.full_name,
            "head_rank": s.head.rank_display,
            "language": s.language,
        }
        for s in slots
    ]
