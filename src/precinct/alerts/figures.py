"""The precincts' monthly figures for their subscribers, read from the appeals and 102
surfaces once per month for every precinct.

Appeals received and answered (with the share answered on time; complaints about an
officer never counted) and the median arrival of the 102 calls placed in each precinct,
for one calendar month: one GROUP BY (``appeals.metrics.public_counts_by_precinct``) and
one pass of the month's calls over the precinct polygons (``dispatch.metrics.area_map``),
whatever the number of precincts. Everything a mail publishes passes the one small-count
rule (``analytics.disclosure``, threshold ``PRECINCT_DISCLOSURE_MIN_COUNT``): a count below
it is "fewer than N", a share or a median of fewer values is not given.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from precinct.analytics import disclosure
from precinct.appeals import metrics as appeals_metrics
from precinct.dispatch import metrics as dispatch_metrics

NO_APPEALS = {"received": 0, "answered": 0, "on_time": 0}
NO_CALLS = {"arrived": 0, "response_seconds_p50": None}


def min_count() -> int:
    return getattr(settings, "PRECINCT_DISCLOSURE_MIN_COUNT", disclosure.DEFAULT_MIN_COUNT)


def month_before(day: dt.date) -> dt.date:
    """The first day of the month before ``day``'s."""
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def month_after(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=31)).replace(day=1)


def month_figures(*, month: dt.date) -> dict[int, dict]:
    """The published figures of every precinct for the month starting on ``month``, by
    precinct id; a precinct with no row had no appeal and no call (``published`` gives its
    figures)."""
    last_day = month_after(month) - dt.timedelta(days=1)
    appeals = appeals_metrics.public_counts_by_precinct(start=month, end=last_day)
    tz = timezone.get_current_timezone()
    calls = dispatch_metrics.area_map(
        department=None,
        start=dt.datetime.combine(month, dt.time.min, tzinfo=tz),
        end=dt.datetime.combine(month_after(month), dt.time.min, tzinfo=tz),
    )["precincts"]
    by_precinct = {row["precinct_id"]: row for row in calls}
    return {
        pk: published(month, appeals.get(pk, NO_APPEALS), by_precinct.get(pk, NO_CALLS))
        for pk in set(appeals) | set(by_precinct)
    }


def published(month: dt.date, appeals: dict, calls: dict) -> dict:
    """One precinct's figures as a mail may show them (the small-count rule applied)."""
    least = min_count()
    enough_arrivals = calls["arrived"] >= least
    return {
        "month": month,
        "min_count": least,
        "received": disclosure.count(appeals["received"], min_count=least),
        "answered": disclosure.count(appeals["answered"], min_count=least),
        "answered_on_time_share": disclosure.share(
            appeals["on_time"], appeals["answered"], min_count=least
        ),
        "arrival_seconds_p50": calls["response_seconds_p50"] if enough_arrivals else None,
    }
