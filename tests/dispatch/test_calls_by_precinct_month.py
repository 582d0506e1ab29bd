"""dispatch.metrics.calls_by_precinct_month: 102 calls per precinct and Almaty month."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from precinct.dispatch import metrics
from precinct.dispatch.models import Category
from tests.dispatch import builders

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")


def _call(territory, when, code="violence", lon=76.90, lat=43.25, **kw):
    call = builders.past_call(territory.district_a, 1, when, 60, 300, lon=lon, lat=lat)
    call.category = Category.objects.get(code=code)
    for name, value in kw.items():
        setattr(call, name, value)
    return call


def test_counts_per_precinct_and_local_month(territory):
    a, b = territory.precinct_a, builders.precinct_b(territory)
    late_march = dt.datetime(2026, 3, 31, 23, 30, tzinfo=ALMATY)  # 17:30 UTC: March
    early_april = dt.datetime(2026, 4, 1, 0, 30, tzinfo=ALMATY)  # still March in UTC
    made = builders.insert_calls([
        _call(territory, late_march),
        _call(territory, late_march, code="theft_report"),
        _call(territory, early_april),
        _call(territory, early_april, lon=76.94),  # precinct B
        _call(territory, early_april, lon=77.5),  # outside every precinct
        _call(territory, early_april, lon=None, lat=None),  # unlocated
        _call(territory, dt.datetime(2026, 5, 1, 1, tzinfo=ALMATY)),  # after the period
    ])  # fmt: skip
    builders.insert_calls([_call(territory, late_march, duplicate_of=made[0])])
    rows = metrics.calls_by_precinct_month(start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30))
    assert rows == [
        {"precinct_id": a.pk, "month": dt.date(2026, 3, 1), "calls": 2},
        {"precinct_id": a.pk, "month": dt.date(2026, 4, 1), "calls": 1},
        {"precinct_id": b.pk, "month": dt.date(2026, 4, 1), "calls": 1},
    ]
    violence = metrics.calls_by_precinct_month(
        start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), category_codes=["theft_report"]
    )
    assert violence == [{"precinct_id": a.pk, "month": dt.date(2026, 3, 1), "calls": 1}]
    assert metrics.calls_by_precinct_month(start=dt.date(2025, 1, 1), end=dt.date(2025, 2, 1)) == []
