"""appeals.metrics.appeals_by_precinct_month: appeals per precinct and Almaty month."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from precinct.appeals import metrics
from tests.appeals.builders import appeal_in_district_a, complaint_about

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


def test_counts_per_precinct_and_local_month(world):
    a = world.t.precinct_a
    late_march = dt.datetime(2026, 3, 31, 23, 30, tzinfo=ALMATY)  # 17:30 UTC
    appeal_in_district_a("Шум", now=late_march)
    appeal_in_district_a("Украли велосипед", category_code="theft-fraud", now=late_march)
    appeal_in_district_a("Шум", now=dt.datetime(2026, 4, 1, 0, 30, tzinfo=ALMATY))
    appeal_in_district_a(
        "Без места", lat=None, lon=None, department_id=world.t.district_a.pk, now=late_march
    )  # no precinct
    complaint_about(world.inspector_officer, now=late_march, lat=43.24, lon=76.90)
    rows = metrics.appeals_by_precinct_month(start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30))
    assert rows == [
        {"precinct_id": a.pk, "month": dt.date(2026, 3, 1), "appeals": 2},
        {"precinct_id": a.pk, "month": dt.date(2026, 4, 1), "appeals": 1},
    ]
    theft = metrics.appeals_by_precinct_month(
        start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), category_codes=["theft-fraud"]
    )
    assert theft == [{"precinct_id": a.pk, "month": dt.date(2026, 3, 1), "appeals": 1}]
