"""Callers' phone numbers on closed 102 incidents, blanked after their retention period.

The incident stays (times, place, category: the response figures); only the number that
identifies the caller goes (core/retention.py runs this).
"""

import datetime as dt

from precinct.core.retention import cutoff
from precinct.dispatch.models import Incident


def purge(*, now: dt.datetime) -> dict[str, int]:
    expired = Incident.objects.filter(
        state=Incident.State.CLOSED, closed_at__lt=cutoff("caller_phones", now)
    ).exclude(caller_phone="")
    return {"caller_phones": expired.update(caller_phone="")}
