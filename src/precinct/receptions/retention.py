"""Reception bookings' name, phone and topic, blanked once the reception is long past.

The booking stays (its slot, state and outcome count for the reception's figures); what a
resident raised lives on in the appeal it was registered as (core/retention.py runs this).
"""

import datetime as dt

from precinct.core.retention import cutoff
from precinct.receptions.models import Booking


def purge(*, now: dt.datetime) -> dict[str, int]:
    expired = Booking.objects.filter(slot__starts_at__lt=cutoff("reception_bookings", now)).exclude(
        name="", phone="", topic=""
    )
    return {"reception_bookings": expired.update(name="", phone="", topic="")}
