"""Demo step: every head receives residents weekly, a year back and eight weeks ahead.

Past hours have their bookings attended (mostly) or missed; coming ones are partly
booked. Residents' names and phones are generated and marked as such.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.core.i18n import in_every_language
from precinct.receptions.models import Booking, ReceptionSlot
from precinct.territory.models import Officer

# Where a head without an address on record receives, in each language.
RECEPTION_ROOM = _("Police department building, room %(room)s")


def build(ctx) -> list[str]:
    rng = ctx.rng("receptions")
    slots = _slots(ctx, timezone.localdate(), timezone.get_current_timezone())
    ReceptionSlot.objects.bulk_create(slots, batch_size=2000)
    bookings = _bookings(rng, slots, timezone.now())
    Booking.objects.bulk_create(bookings, batch_size=5000)
    return [f"{len(slots)} reception hours, {len(bookings)} bookings"]


def _slots(ctx, today: dt.date, tz) -> list[ReceptionSlot]:
    """One hour a week per head, on a weekday of his own, alternating Kazakh and Russian."""
    heads = list(
        Officer.objects.filter(
            role=Officer.Role.HEAD, department__in=ctx.departments
        ).select_related("department")
    )
    monday = today - dt.timedelta(days=today.weekday())
    slots = []
    for k, head in enumerate(heads):
        weekday = k % 5
        for week in range(-52, 8):
            day = monday + dt.timedelta(weeks=week, days=weekday)
            slots.append(
                ReceptionSlot(
                    department_id=head.department_id,
                    head=head,
                    starts_at=dt.datetime.combine(day, dt.time(15 + k % 3), tzinfo=tz),
                    **_place(head.department),
                    capacity=6,
                    language="kk" if week % 2 else "ru",
                )
            )
    return slots


def _place(department) -> dict[str, str]:
    """The department's address, or its building and room in every language."""
    if department.address:
        return {"place": department.address}
    return in_every_language(RECEPTION_ROOM, field="place", room=101)


def _bookings(rng, slots: list[ReceptionSlot], now: dt.datetime) -> list[Booking]:
    bookings = []
    for s in slots:
        taken = int(rng.integers(0, s.capacity + 1))
        past = s.starts_at < now
        for j in range(taken):
            state = Booking.State.BOOKED
            if past:
                state = Booking.State.ATTENDED if rng.random() < 0.85 else Booking.State.NO_SHOW
            bookings.append(
                Booking(
                    slot_id=s.pk,
                    code=f"D{s.pk:06d}{j}",
                    name=f"Житель (демо) {s.pk}-{j}",
                    phone=f"+7 701 {rng.integers(1_000_000, 9_999_999)}",
                    topic="Вопрос по благоустройству двора (демо)",
                    state=state,
                    booked_at=s.starts_at - dt.timedelta(days=3),
                    outcome="Разъяснено" if state == Booking.State.ATTENDED else "",
                )
            )
    return bookings
