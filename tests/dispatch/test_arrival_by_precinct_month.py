"""dispatch.metrics.arrival_by_precinct_month: median total response per precinct and
Almaty month, as the interventions of evaluation read it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from precinct.dispatch import metrics
from tests.dispatch import builders

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


def test_median_per_precinct_and_local_month_from_five_arrivals(territory):
    a, b = territory.precinct_a, builders.precinct_b(territory)
    march = dt.datetime(2026, 3, 31, 23, 30, tzinfo=ALMATY)  # 17:30 UTC, March in Almaty
    april = dt.datetime(2026, 4, 10, 12, tzinfo=ALMATY)
    calls = [builders.past_call(territory.district_a, 1, march, 60, t) for t in (240, 300, 360,
             420, 900)]  # fmt: skip
    calls += [builders.past_call(territory.district_a, 1, april, 60, t) for t in (100, 200, 300)]
    calls += [builders.past_call(territory.district_b, 1, april, 60, t, lon=76.94)
              for t in (120, 180, 240, 300, 360, 420)]  # fmt: skip
    calls.append(builders.past_call(territory.district_a, 1, april, 60, None))  # never arrived
    calls.append(builders.past_call(territory.district_a, 1, april, 60, 50, lon=77.5))  # outside
    builders.insert_calls(calls)
    rows = metrics.arrival_by_precinct_month(start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30))
    assert rows == [
        # Handling (60 s) and travel: the median of 300, 360, 420, 480, 960 s.
        {"precinct_id": a.pk, "month": dt.date(2026, 3, 1), "arrived": 5,
         "response_seconds_p50": 420.0},
        # Three arrivals are too few for a median to be shown.
        {"precinct_id": a.pk, "month": dt.date(2026, 4, 1), "arrived": 3,
         "response_seconds_p50": None},
        {"precinct_id": b.pk, "month": dt.date(2026, 4, 1), "arrived": 6,
         "response_seconds_p50": 330.0},
    ]  # fmt: skip
    assert (
        metrics.arrival_by_precinct_month(start=dt.date(2025, 1, 1), end=dt.date(2025, 2, 1)) == []
    )
