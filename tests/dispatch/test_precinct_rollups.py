"""The map by precinct from the precinct rollups against its exact recomputation (the raw
calls placed in the precincts now): after inserts, late arrivals, corrections, deletions,
a full rebuild and redrawn precincts; for windows with partial days, months and years."""

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.db import transaction
from django.utils import timezone

from precinct.analytics import sketch
from precinct.dispatch import metrics, rollups
from precinct.dispatch.models import Incident, PrecinctRollup, RollupDirtyDay
from precinct.territory.models import Precinct
from tests.dispatch import builders

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
FIRST = dt.datetime(2025, 11, 20, tzinfo=ALMATY)
WINDOWS = [
    (FIRST, FIRST + dt.timedelta(days=120)),  # whole days, a month and a year boundary
    (FIRST + dt.timedelta(hours=7, minutes=13), FIRST + dt.timedelta(days=83, hours=5)),
    (FIRST + dt.timedelta(hours=3), FIRST + dt.timedelta(hours=20)),  # inside one day
    (dt.datetime(2025, 1, 1, tzinfo=ALMATY), dt.datetime(2027, 1, 1, tzinfo=ALMATY)),
]
# Where calls lie: precinct A (district A's), precinct B (district B's), the shared border
# (counted once, in the first precinct found), in no precinct, and without coordinates.
PLACES = [(76.90, 43.25), (76.94, 43.25), (76.92, 43.24), (77.20, 43.25), (None, None)]


def _calls(territory, rng, n: int, first=FIRST, days=100) -> list[Incident]:
    calls = []
    for _ in range(n):
        received = first + dt.timedelta(seconds=int(rng.integers(0, days * 86400)))
        travel = None if rng.random() < 0.05 else int(rng.lognormal(np.log(700), 0.8))
        # Some of district B's calls lie in district A's precinct (a neighbour's), some
        # belong to the city department itself.
        department = rng.choice([territory.district_a, territory.district_b, territory.city],
                                p=[0.5, 0.4, 0.1])  # fmt: skip
        lon, lat = PLACES[rng.choice(len(PLACES), p=[0.4, 0.35, 0.05, 0.1, 0.1])]
        calls.append(builders.past_call(
            department, int(rng.integers(1, 4)), received, int(rng.integers(5, 400)), travel,
            area="urban" if rng.random() < 0.8 else "rural", lon=lon, lat=lat,
        ))  # fmt: skip
    return calls


@pytest.fixture
def history(territory):
    builders.precinct_b(territory)
    rng = np.random.default_rng(15)
    made = builders.insert_calls(_calls(territory, rng, 1200))
    # A few duplicates: never counted.
    Incident.objects.filter(pk__in=[c.pk for c in made[:20]]).update(duplicate_of=made[30])
    with transaction.atomic():
        rollups.mark_calls(Incident.objects.filter(pk__in=[c.pk for c in made[:20]]))
    rollups.rebuild_dirty()
    return made


def assert_map_equals_exact(territory, windows=WINDOWS, priorities=(None, 1)):
    for department in (None, territory.city, territory.district_a, territory.district_b):
        for start, end in windows:
            for priority in priorities:
                kw = dict(department=department, start=start, end=end, priority=priority)
                _same(metrics.area_map(**kw), metrics.area_map(**kw, exact=True), kw)


def _same(rolled: dict, exact: dict, context) -> None:
    assert rolled["unlocated"] == exact["unlocated"], context
    _same_row(rolled["outside"], exact["outside"], context)
    by_id = {r["precinct_id"]: r for r in exact["precincts"]}
    assert sorted(r["precinct_id"] for r in rolled["precincts"]) == sorted(by_id), context
    for row in rolled["precincts"]:
        _same_row(row, by_id[row["precinct_id"]], context)


def _same_row(r: dict, e: dict, context) -> None:
    for name in ("calls", "arrived", "with_target", "within_target", "too_few"):
        assert r[name] == e[name], (name, context)
    assert r["share_within_target"] == pytest.approx(e["share_within_target"])
    for q in ("p50", "p90"):
        got, want = r[f"response_seconds_{q}"], e[f"response_seconds_{q}"]
        assert (got is None) == (want is None), (q, context)
        if want is not None:
            assert abs(got - want) <= sketch.RELATIVE_ERROR * want + 1e-6, (q, context)


def test_precinct_rollups__equal_exact_after_inserts(territory, history):
    assert PrecinctRollup.objects.filter(grain="c").exists()
    assert not RollupDirtyDay.objects.exists()
    assert_map_equals_exact(territory)
    # Every kind of place has calls, and the neighbour's calls are where they belong.
    area = metrics.area_map(department=territory.district_b, start=WINDOWS[3][0],
                            end=WINDOWS[3][1])  # fmt: skip
    assert area["outside"]["calls"] > 0 and area["unlocated"] > 0
    assert PrecinctRollup.objects.filter(precinct_id=rollups.OUTSIDE).exists()
    assert PrecinctRollup.objects.filter(precinct_id=-1).exists()


def test_precinct_rollups__counts_equal_the_calls(territory, history):
    area = metrics.area_map(department=None, start=WINDOWS[3][0], end=WINDOWS[3][1])
    total = sum(r["calls"] for r in area["precincts"]) + area["outside"]["calls"]
    assert total + area["unlocated"] == Incident.objects.filter(duplicate_of=None).count()


def test_precinct_rollups__late_arrival_of_an_old_day(territory, history):
    rng = np.random.default_rng(16)
    late = _calls(territory, rng, 40, first=FIRST + dt.timedelta(days=3), days=2)
    with transaction.atomic():  # as the import writes them: the calls and their days marked
        made = Incident.objects.bulk_create(late)
        rollups.mark_calls(Incident.objects.filter(pk__in=[c.pk for c in made]))
    assert_map_equals_exact(territory, windows=WINDOWS[:2], priorities=(None,))
    rollups.rebuild_dirty()
    assert_map_equals_exact(territory, windows=WINDOWS[:2])


def test_precinct_rollups__a_corrected_arrival_time_and_place(territory, history):
    calls = Incident.objects.filter(response_seconds__isnull=False, duplicate_of=None)[:25]
    with transaction.atomic():
        for k, call in enumerate(calls):  # as a correction writes it: the change and the mark
            call.on_scene_at += dt.timedelta(minutes=37)
            call.travel_seconds += 37 * 60
            call.response_seconds += 37 * 60
            call.lon, call.lat = PLACES[k % len(PLACES)]
            call.save(update_fields=["on_scene_at", "travel_seconds", "response_seconds",
                                     "lon", "lat"])  # fmt: skip
            rollups.mark_incident(call)
    # Before the worker's turn the dirty days are read raw; after it, from the rollups.
    assert RollupDirtyDay.objects.exists()
    assert_map_equals_exact(territory, windows=WINDOWS[:2], priorities=(None,))
    rollups.rebuild_dirty()
    assert_map_equals_exact(territory, windows=WINDOWS[:2])


def test_precinct_rollups__deleted_calls(territory, history):
    gone = Incident.objects.filter(received_at__lt=FIRST + dt.timedelta(days=40))
    with transaction.atomic():
        rollups.mark_calls(gone)
        gone.delete()
    rollups.rebuild_dirty()
    assert_map_equals_exact(territory, windows=WINDOWS[:2])
    # Everything deleted: the appended changes cancel what was there, and once compacted
    # no rollup row is left behind.
    with transaction.atomic():
        rollups.mark_calls(Incident.objects.all())
        Incident.objects.all().delete()
    rollups.rebuild_dirty()
    assert_map_equals_exact(territory, windows=WINDOWS[:2])
    assert rollups.compact_all() > 0
    assert not PrecinctRollup.objects.exists()


def test_rebuild_all__is_the_same_as_maintenance_compacted(territory, history):
    rollups.compact_all()  # the history's corrections were appended
    fields = ("grain", "period", "department_id", "precinct_id", "priority", "calls",
              "arrived", "with_target", "within_target", "response")  # fmt: skip
    before = sorted((*r[:-1], bytes(r[-1])) for r in PrecinctRollup.objects.values_list(*fields))
    PrecinctRollup.objects.all().delete()
    rollups.rebuild_all()
    after = sorted((*r[:-1], bytes(r[-1])) for r in PrecinctRollup.objects.values_list(*fields))
    assert after == before


def test_redrawn_precincts__counted_where_they_lay_until_the_rebuild(territory, history):
    """A precinct's calls are placed when their day is built: after a redraw the map
    shows the old placing until ``rollups rebuild`` places them again."""
    b = Precinct.objects.get(department=territory.district_b)
    # Precinct B grows east over the calls that lay in no precinct.
    Precinct.objects.filter(pk=b.pk).update(
        boundary=Precinct.objects.get(pk=b.pk).boundary.replace("76.96", "77.3"),
        updated_at=timezone.now(),
    )
    window = dict(department=territory.city, start=WINDOWS[0][0], end=WINDOWS[0][1])
    stale, exact = metrics.area_map(**window), metrics.area_map(**window, exact=True)
    assert exact["outside"]["calls"] == 0 < stale["outside"]["calls"]
    rollups.rebuild_all()
    assert_map_equals_exact(territory, windows=WINDOWS[:2])
