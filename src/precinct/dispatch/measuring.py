"""What a measured call is, in SQL shared by the exact measures and the rollups.

A call is measured when it is not a duplicate (a call linked to an incident already open
would count one response twice). Its local day and hour are Almaty time; its within-target
flag is 1/0 where its priority and area type have a target and a unit arrived, else NULL.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, IntegerField, Q, When

from precinct.dispatch.models import Incident

PHASES = ("handling_seconds", "travel_seconds", "response_seconds")
QUANTILES = (0.5, 0.9)


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(local_zone()).date()


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of a local day, aware."""
    return dt.datetime.combine(day, dt.time(), tzinfo=local_zone())


def within_target_cases():
    """1/0 per incident with a configured target and an arrival; NULL otherwise."""
    whens = []
    for priority, by_area in settings.PRECINCT_DISPATCH_TARGETS_MINUTES.items():
        for area, minutes in by_area.items():
            if minutes is None:
                continue
            match = Q(priority=priority, area_type=area, response_seconds__isnull=False)
            whens.append(When(match & Q(response_seconds__lte=minutes * 60), then=1))
            whens.append(When(match, then=0))
    return Case(*whens, default=None, output_field=IntegerField())


def measured_calls(*, start: dt.datetime, end: dt.datetime):
    """The calls measured among those received in [start, end)."""
    return Incident.objects.filter(received_at__gte=start, received_at__lt=end, duplicate_of=None)
