"""A precinct's monthly figures for its subscribers, read from the appeals and 102 surfaces.

Appeals received and answered (with the share answered on time; complaints about an
officer never counted) and the median arrival of the 102 calls placed in the precinct, for
one calendar month. Everything a mail publishes
passes the one small-count rule (``analytics.disclosure``, threshold
``PRECINCT_DISCLOSURE_MIN_COUNT``): a count below it is "fewer than N", a share or a
median of fewer values is not given.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from precinct.analytics import disclosure
from precinct.appeals import metrics as appeals_metrics
from precinct.dispatch import metrics as dispatch_metrics
from precinct.territory.models import Precinct


def min_count() -> int:
    return getattr(settings, "PRECINCT_DISCLOSURE_MIN_COUNT", disclosure.DEFAULT_MIN_COUNT)


def month_before(day: dt.date) -> dt.date:
    """The first day of the month before ``day``'s."""
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def month_after(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=31)).replace(day=1)


def precinct_month_figures(*, precinct: Precinct, month: dt.date) -> dict:
    """The published figures of ``precinct`` for the month starting on ``month``."""
    least = min_count()
    last_day = month_after(month) - dt.timedelta(days=1)
    counts = appeals_metrics.precinct_public_counts(
        start=month, end=last_day, precinct_id=precinct.pk
    )
    tz = timezone.get_current_timezone()
    arrival = dispatch_metrics.response_summary(
        start=dt.datetime.combine(month, dt.time.min, tzinfo=tz),
        end=dt.datetime.combine(month_after(month), dt.time.min, tzinfo=tz),
        region_id=precinct.department.region_id,
        precinct_id=precinct.pk,
    )
    enough_arrivals = arrival["arrived"] >= least
    return {
        "month": month,
        "min_count": least,
        "received": disclosure.count(counts["received"], min_count=least),
        "answered": disclosure.count(counts["answered"], min_count=least),
        "answered_on_time_share": disclosure.share(
            counts["on_time"], counts["answered"], min_count=least
        ),
        "arrival_seconds_p50": arrival["response_seconds_p50"] if enough_arrivals else None,
    }
