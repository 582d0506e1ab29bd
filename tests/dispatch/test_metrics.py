"""Response-time measures: counts, percentiles (percentile_cont) and share within target."""

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from precinct.dispatch import metrics
from precinct.dispatch.models import Incident
from tests.dispatch import builders

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
START = dt.datetime(2026, 3, 1, tzinfo=ALMATY)
MONTH = dt.timedelta(days=31)


@pytest.fixture
def history(territory):
    rng = np.random.default_rng(4)
    rows = []
    for k in range(200):
        received = START + dt.timedelta(hours=int(rng.integers(0, 24 * 28)), minutes=k % 60)
        travel = None if k % 25 == 0 else int(rng.integers(120, 1800))
        priority = 1 if k % 2 else 3
        handling = int(rng.integers(10, 300))
        rows.append(builders.past_call(territory.district_a, priority, received, handling, travel))
    builders.insert_calls(rows)
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
    builders.insert_calls(
        [builders.past_call(territory.district_a, 1, at_nine, 60, 600),
         builders.past_call(territory.district_a, 1, at_nine, 120, 900)]
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


def test_measures__by_month(territory, history):
    months = metrics.response_measures(
        department=None, start=START, end=START + dt.timedelta(days=31), group_by=("month",)
    )
    assert sum(r["calls"] for r in months) == 200
    assert all(r["response_seconds_p50"] for r in months)


IN_A, IN_B, OUTSIDE = (76.90, 43.25), (76.94, 43.25), (77.10, 43.25)


@pytest.fixture
def placed(territory):
    """Calls in precinct A (district A), in a second precinct B (district B), outside every
    precinct and without coordinates; the last three kinds all of district B."""
    precinct_b = builders.precinct_b(territory)
    rng = np.random.default_rng(7)
    a, b = territory.district_a, territory.district_b

    def calls(department, n, at, priority=1, arrive=True):
        return [
            builders.past_call(department, priority, START + dt.timedelta(hours=k + 1),
                       int(rng.integers(20, 200)), int(rng.integers(300, 1500)) if arrive else None,
                       lon=at[0], lat=at[1])
            for k in range(n)
        ]  # fmt: skip

    rows = {
        "a": calls(a, 14, IN_A) + calls(a, 6, IN_A, priority=3) + calls(a, 2, IN_A, arrive=False),
        "b": calls(b, 3, IN_B),
        "outside": calls(b, 7, OUTSIDE),
        "unlocated": calls(b, 2, (None, None)),
    }
    builders.insert_calls([i for group in rows.values() for i in group])
    return precinct_b, rows


def test_area_map__precincts_outside_line_and_unlocated(territory, placed):
    precinct_b, rows = placed
    area = metrics.area_map(department=territory.city, start=START, end=START + MONTH)
    by_id = {r["precinct_id"]: r for r in area["precincts"]}
    assert set(by_id) == {territory.precinct_a.id, precinct_b.id}
    a = by_id[territory.precinct_a.id]
    arrived = [i.response_seconds for i in rows["a"] if i.response_seconds is not None]
    assert (a["calls"], a["arrived"]) == (22, 20)
    assert [a["response_seconds_p50"], a["response_seconds_p90"]] == pytest.approx(
        np.percentile(arrived, [50, 90], method="linear")
    )
    targeted = [i.response_seconds for i in rows["a"] if i.priority == 1 and i.response_seconds]
    assert a["with_target"] == 14  # priority 3 has no target; no arrival, no verdict
    assert a["share_within_target"] == pytest.approx(np.mean(np.array(targeted) <= 15 * 60))
    assert a["name"] == str(territory.precinct_a)
    outside = area["outside"]
    assert (outside["calls"], outside["too_few"]) == (7, False)
    assert outside["response_seconds_p50"] == pytest.approx(
        np.percentile([i.response_seconds for i in rows["outside"]], 50, method="linear")
    )
    assert area["unlocated"] == 2


def test_area_map__agrees_with_percentile_cont_in_the_database(territory, placed):
    """District A's calls all lie in precinct A: the map's row equals the SQL measures."""
    area = metrics.area_map(department=territory.district_a, start=START, end=START + MONTH)
    (row,) = area["precincts"]
    (sql,) = metrics.response_measures(
        department=territory.district_a, start=START, end=START + MONTH, group_by=("department",)
    )
    for key in ("calls", "arrived", "with_target", "within_target", "response_seconds_p50",
                "response_seconds_p90", "share_within_target"):  # fmt: skip
        assert row[key] == pytest.approx(sql[key]), key


def test_area_map__too_few_responses_show_no_percentiles(territory, placed):
    precinct_b, _ = placed
    area = metrics.area_map(department=territory.city, start=START, end=START + MONTH)
    worst_first = [r["precinct_id"] for r in area["precincts"]]
    assert worst_first == [territory.precinct_a.id, precinct_b.id]  # measured before too few
    b = area["precincts"][1]
    assert (b["calls"], b["arrived"], b["too_few"]) == (3, 3, True)
    assert b["response_seconds_p50"] is b["response_seconds_p90"] is None
    assert b["share_within_target"] is None


def test_area_map__scope_keeps_its_own_precincts(territory, placed):
    """District B's head sees precinct B only; B's calls in no precinct of B are outside."""
    precinct_b, _ = placed
    builders.insert_calls(
        [builders.past_call(territory.district_b, 1, START + dt.timedelta(hours=50), 60, 600,
                    lon=IN_A[0], lat=IN_A[1])]
    )  # fmt: skip
    area = metrics.area_map(department=territory.district_b, start=START, end=START + MONTH)
    assert [r["precinct_id"] for r in area["precincts"]] == [precinct_b.id]
    assert area["outside"]["calls"] == 7 + 1
    assert area["unlocated"] == 2


def test_area_map__a_point_on_a_shared_border_counts_once(territory, placed):
    border = (76.92, 43.25)
    builders.insert_calls(
        [builders.past_call(territory.district_a, 1, START + dt.timedelta(hours=60), 60, 600,
                    lon=border[0], lat=border[1])]
    )  # fmt: skip
    area = metrics.area_map(department=territory.city, start=START, end=START + MONTH)
    total = sum(r["calls"] for r in area["precincts"]) + area["outside"]["calls"]
    assert total + area["unlocated"] == 22 + 3 + 7 + 2 + 1


def test_area_map__one_priority(territory, placed):
    _, rows = placed
    area = metrics.area_map(
        department=territory.district_a, start=START, end=START + MONTH, priority=3
    )
    (a,) = area["precincts"]
    routine = [i.response_seconds for i in rows["a"] if i.priority == 3]
    assert (a["calls"], a["with_target"], a["share_within_target"]) == (6, 0, None)
    assert a["response_seconds_p50"] == pytest.approx(np.median(routine))


def test_demand__emergencies_per_hour_of_day_over_the_days_observed(territory):
    a, b = territory.district_a, territory.district_b
    now = START + dt.timedelta(days=10)
    evening = START + dt.timedelta(hours=19, minutes=30)  # the first call: 9.2 days observed
    calls = builders.insert_calls(
        [builders.past_call(a, 1, evening, 60, 600),
         builders.past_call(a, 1, evening + dt.timedelta(days=5, minutes=-20), 60, 600),
         builders.past_call(a, 1, evening + dt.timedelta(days=6), 60, 600),
         builders.past_call(a, 3, evening, 60, 600),  # not an emergency
         builders.past_call(b, 1, START + dt.timedelta(days=2, hours=3), 60, 600),
         builders.past_call(b, 1, START - dt.timedelta(days=400), 60, 600)]  # out of the window
    )  # fmt: skip
    Incident.objects.filter(pk=calls[2].pk).update(duplicate_of=calls[0])
    demand = metrics.demand_by_zone_hour(now=now)
    assert set(demand) == {a.pk, b.pk}
    assert demand[a.pk][19] == pytest.approx(2 / 10)
    assert sum(demand[a.pk]) == pytest.approx(2 / 10)
    assert demand[b.pk][3] == pytest.approx(1 / 10) and sum(demand[b.pk]) == pytest.approx(0.1)
    assert metrics.demand_by_zone_hour(now=START - dt.timedelta(days=500)) == {}


def test_recent_calls_in_precinct__inside_its_polygon_newest_first(territory):
    b = builders.precinct_b(territory)
    now = dt.datetime(2026, 3, 10, 12, tzinfo=ALMATY)
    inside_old = builders.past_call(territory.district_a, 1, now - dt.timedelta(hours=5), 30, 400)
    inside_new = builders.past_call(territory.district_a, 3, now - dt.timedelta(hours=1), 30, None)
    in_b = builders.past_call(territory.district_b, 1, now, 30, 400, lon=76.94)
    too_old = builders.past_call(territory.district_a, 1, now - dt.timedelta(days=40), 30, 400)
    for call in (inside_old, inside_new, in_b, too_old):
        call.place, call.caller_phone = "ул. Абая, 1", "+7 701 000 00 00"
    builders.insert_calls([inside_old, inside_new, in_b, too_old])
    since = now - dt.timedelta(days=30)
    rows = metrics.recent_calls_in_precinct(precinct_id=territory.precinct_a.id, since=since)
    assert [r["received_at"] for r in rows] == [inside_new.received_at, inside_old.received_at]
    assert rows[1]["response_seconds"] == 430 and rows[0]["response_seconds"] is None
    assert "caller_phone" not in rows[0] and "text" not in rows[0]
    assert [
        r["priority"] for r in metrics.recent_calls_in_precinct(precinct_id=b.id, since=since)
    ] == [1]
    limited = metrics.recent_calls_in_precinct(
        precinct_id=territory.precinct_a.id, since=since, limit=1
    )
    assert len(limited) == 1


def test_response_summary__a_precinct_against_its_city(territory, history):
    end = START + MONTH
    city = metrics.response_summary(start=START, end=end, region_id=territory.region.id)
    arrived = sorted(i.response_seconds for i in history if i.response_seconds is not None)
    assert city["calls"] == len(history) and city["arrived"] == len(arrived)
    assert city["response_seconds_p50"] == pytest.approx(np.percentile(arrived, 50))
    # Every past call stands at one point of precinct A: the precinct is the whole city.
    here = metrics.response_summary(
        start=START, end=end, region_id=territory.region.id, precinct_id=territory.precinct_a.id
    )
    assert here["response_seconds_p50"] == city["response_seconds_p50"]
    b = builders.precinct_b(territory)
    empty = metrics.response_summary(start=START, end=end, region_id=territory.region.id,
                                     precinct_id=b.id)  # fmt: skip
    assert empty["calls"] == 0 and empty["too_few"] and empty["response_seconds_p50"] is None
