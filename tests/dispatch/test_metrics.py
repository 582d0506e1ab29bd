"""Response-time measures: counts, percentiles (percentile_cont) and share within target."""

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from precinct.dispatch import metrics
from precinct.dispatch.models import Category, Incident

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
START = dt.datetime(2026, 3, 1, tzinfo=ALMATY)


def _past_call(department, priority, received, handling, travel, area="urban", lon=76.9):
    """A call of the past with its phases, as the import stores it."""
    dispatched = received + dt.timedelta(seconds=handling)
    on_scene = None if travel is None else dispatched + dt.timedelta(seconds=travel)
    return Incident(
        department=department, category=Category.objects.get(code="other"), priority=priority,
        area_type=area, state="closed", source="imported", lon=lon, lat=43.25,
        received_at=received, dispatched_at=dispatched, on_scene_at=on_scene,
        handling_seconds=handling, travel_seconds=travel,
        response_seconds=None if travel is None else handling + travel,
    )  # fmt: skip


@pytest.fixture
def history(territory):
    rng = np.random.default_rng(4)
    rows = []
    for k in range(200):
        received = START + dt.timedelta(hours=int(rng.integers(0, 24 * 28)), minutes=k % 60)
        travel = None if k % 25 == 0 else int(rng.integers(120, 1800))
        priority = 1 if k % 2 else 3
        rows.append(
            _past_call(territory.district_a, priority, received, int(rng.integers(10, 300)), travel)
        )
    Incident.objects.bulk_create(rows)
    return rows


def test_measures__percentiles_match_percentile_cont(territory, history):
    rows = metrics.response_measures(
        department=territory.city, start=START, end=START + dt.timedelta(days=31)
    )
    assert [r["priority"] for r in rows] == [1, 3]
    for row in rows:
        mine = [i for i in history if i.priority == row["priority"]]
        assert row["calls"] == len(mine)
        for phase in metrics.PHASES:
            values = [getattr(i, phase) for i in mine if getattr(i, phase) is not None]
            p50, p90 = np.percentile(values, [50, 90], method="linear")
            assert row[f"{phase}_p50"] == pytest.approx(p50)
            assert row[f"{phase}_p90"] == pytest.approx(p90)


def test_measures__share_within_the_reference_target(territory, history):
    rows = metrics.response_measures(
        department=None, start=START, end=START + dt.timedelta(days=31)
    )
    emergencies = next(r for r in rows if r["priority"] == 1)
    mine = [i for i in history if i.priority == 1 and i.response_seconds is not None]
    within = sum(i.response_seconds <= 15 * 60 for i in mine)
    assert emergencies["with_target"] == len(mine)
    assert emergencies["share_within_target"] == pytest.approx(within / len(mine))
    routine = next(r for r in rows if r["priority"] == 3)
    assert routine["share_within_target"] is None  # no target for priority 3


def test_measures__by_hour_of_day_in_almaty_time(territory):
    at_nine = dt.datetime(2026, 3, 2, 9, 30, tzinfo=ALMATY)
    Incident.objects.bulk_create(
        [_past_call(territory.district_a, 1, at_nine, 60, 600),
         _past_call(territory.district_a, 1, at_nine, 120, 900)]
    )  # fmt: skip
    rows = metrics.response_measures(
        department=territory.district_a, start=START, end=START + dt.timedelta(days=31),
        group_by=("hour",),
    )  # fmt: skip
    assert [(r["hour"], r["calls"], r["response_seconds_p50"]) for r in rows] == [(9, 2, 840.0)]


def test_measures__outside_the_department_subtree_not_counted(territory, history):
    rows = metrics.response_measures(
        department=territory.district_b, start=START, end=START + dt.timedelta(days=31)
    )
    assert rows == []


def test_measures__by_month_and_map_cells(territory, history):
    months = metrics.response_measures(
        department=None, start=START, end=START + dt.timedelta(days=31), group_by=("month",)
    )
    assert sum(r["calls"] for r in months) == 200
    assert all(r["response_seconds_p50"] for r in months)
    cells = metrics.area_map(department=None, start=START, end=START + dt.timedelta(days=31))
    assert len(cells) == 1 and cells[0]["calls"] == 200
    assert cells[0]["lat"] == pytest.approx(43.255)
