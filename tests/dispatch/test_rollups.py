"""Rollups against the exact recomputation: after inserts, late arrivals, corrections and
deletions, for windows with partial days, months and years, every grouping."""

import datetime as dt
import importlib
import io
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count

from precinct.analytics import sketch
from precinct.dispatch import metrics, rollups, services
from precinct.dispatch.models import Incident, ResponseRollup, RollupDirtyDay
from tests.dispatch import builders

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
FIRST = dt.datetime(2025, 11, 20, tzinfo=ALMATY)
GROUPINGS = [("priority",), ("hour",), ("month",), ("area_type",), ("department",),
             ("priority", "area_type"), ("department", "hour")]  # fmt: skip
WINDOWS = [
    (FIRST, FIRST + dt.timedelta(days=120)),  # whole days, a month and a year boundary
    (FIRST + dt.timedelta(hours=7, minutes=13), FIRST + dt.timedelta(days=83, hours=5)),
    (FIRST + dt.timedelta(hours=3), FIRST + dt.timedelta(hours=20)),  # inside one day
    (dt.datetime(2025, 1, 1, tzinfo=ALMATY), dt.datetime(2027, 1, 1, tzinfo=ALMATY)),
]


def _calls(territory, rng, n: int, first=FIRST, days=100) -> list[Incident]:
    calls = []
    for _ in range(n):
        received = first + dt.timedelta(seconds=int(rng.integers(0, days * 86400)))
        travel = None if rng.random() < 0.05 else int(rng.lognormal(np.log(700), 0.8))
        # Most in the districts; some placed in the city department itself (not a leaf).
        department = rng.choice([territory.district_a, territory.district_b, territory.city],
                                p=[0.6, 0.3, 0.1])  # fmt: skip
        calls.append(builders.past_call(
            department, int(rng.integers(1, 4)), received, int(rng.integers(5, 400)), travel,
            area="urban" if rng.random() < 0.8 else "rural",
        ))  # fmt: skip
    return calls


@pytest.fixture
def history(territory):
    rng = np.random.default_rng(15)
    made = builders.insert_calls(_calls(territory, rng, 1500))
    # A few duplicates: never counted.
    Incident.objects.filter(pk__in=[c.pk for c in made[:20]]).update(duplicate_of=made[30])
    with transaction.atomic():
        rollups.mark_calls(Incident.objects.filter(pk__in=[c.pk for c in made[:20]]))
    rollups.rebuild_dirty()
    return made


def assert_rollups_equal_exact(territory, windows=WINDOWS, groupings=GROUPINGS):
    for department in (None, territory.city, territory.district_b):
        for start, end in windows:
            for group_by in groupings:
                for priority in (None, 1):
                    kw = dict(department=department, start=start, end=end, group_by=group_by,
                              priority=priority)  # fmt: skip
                    _same(metrics.response_measures(**kw),
                          metrics.response_measures(**kw, exact=True), kw)  # fmt: skip


def _same(rolled: list[dict], exact: list[dict], context) -> None:
    assert [_group(r) for r in rolled] == [_group(r) for r in exact], context
    for r, e in zip(rolled, exact, strict=True):
        for name in ("calls", "arrived", "with_target", "within_target"):
            assert r[name] == e[name], (name, context)
        assert r["share_within_target"] == pytest.approx(e["share_within_target"])
        for phase in metrics.PHASES:
            for q in ("p50", "p90"):
                got, want = r[f"{phase}_{q}"], e[f"{phase}_{q}"]
                assert (got is None) == (want is None), (phase, context)
                if want is not None:
                    assert abs(got - want) <= sketch.RELATIVE_ERROR * want + 1e-6, (phase, q)


def _group(row: dict) -> dict:
    return {k: row[k] for k in ("priority", "hour", "month", "area_type", "department")
            if k in row}  # fmt: skip


def test_rollups__equal_exact_after_inserts(territory, history):
    assert ResponseRollup.objects.filter(grain="c").exists()
    assert not RollupDirtyDay.objects.exists()
    assert_rollups_equal_exact(territory)


def test_rollups__without_grouping_one_row_as_exact(territory, history):
    assert_rollups_equal_exact(territory, groupings=[()])
    (row,) = metrics.response_measures(
        department=None, start=WINDOWS[3][0], end=WINDOWS[3][1], group_by=(), exact=True
    )
    assert row["calls"] == Incident.objects.filter(duplicate_of=None).count()
    empty = dict(department=None, start=WINDOWS[3][1], end=WINDOWS[3][1] + dt.timedelta(days=9))
    assert metrics.response_measures(**empty, group_by=(), exact=True) == []
    assert metrics.response_measures(**empty, group_by=()) == []


def test_rollups__late_arrival_of_an_old_day(territory, history):
    rng = np.random.default_rng(16)
    late = _calls(territory, rng, 40, first=FIRST + dt.timedelta(days=3), days=2)
    with transaction.atomic():  # as the import writes them: the calls and their days marked
        made = Incident.objects.bulk_create(late)
        rollups.mark_calls(Incident.objects.filter(pk__in=[c.pk for c in made]))
    assert_rollups_equal_exact(territory, windows=WINDOWS[:2], groupings=GROUPINGS[:3])
    rollups.rebuild_dirty()
    assert_rollups_equal_exact(territory, windows=WINDOWS[:2])


def test_rollups__a_corrected_arrival_time(territory, history):
    calls = Incident.objects.filter(response_seconds__isnull=False, duplicate_of=None)[:25]
    with transaction.atomic():
        for call in calls:  # as a correction service writes it: the times and the mark
            call.on_scene_at += dt.timedelta(minutes=37)
            call.travel_seconds += 37 * 60
            call.response_seconds += 37 * 60
            call.save(update_fields=["on_scene_at", "travel_seconds", "response_seconds"])
            rollups.mark_incident(call)
    # Before the worker's turn the dirty days are read raw; after it, from the rollups.
    assert RollupDirtyDay.objects.exists()
    assert_rollups_equal_exact(territory, windows=WINDOWS[:2], groupings=GROUPINGS[:3])
    rollups.rebuild_dirty()
    assert_rollups_equal_exact(territory, windows=WINDOWS[:2])


def test_rollups__deleted_calls(territory, history):
    gone = Incident.objects.filter(received_at__lt=FIRST + dt.timedelta(days=40))
    with transaction.atomic():
        rollups.mark_calls(gone)
        gone.delete()
    rollups.rebuild_dirty()
    assert_rollups_equal_exact(territory, windows=WINDOWS[:2])
    # Everything deleted: the appended changes cancel what was there, and once compacted
    # no rollup row is left behind.
    with transaction.atomic():
        rollups.mark_calls(Incident.objects.all())
        Incident.objects.all().delete()
    rollups.rebuild_dirty()
    assert_rollups_equal_exact(territory, windows=WINDOWS[:2])
    assert rollups.compact_all() > 0
    assert not ResponseRollup.objects.exists()


def test_rollups__the_services_mark_what_they_change(territory, personas, fleet):
    call = services.incident_create(
        actor=personas.operator, lon=builders.CENTRE[0], lat=builders.CENTRE[1],
        category_code="violence",
    )  # fmt: skip
    assert RollupDirtyDay.objects.count() == 1
    rollups.rebuild_dirty()
    services.assignment_create(actor=personas.operator, incident=call, unit_id=fleet.near.id)
    services.unit_report_state(unit=fleet.near, state="on_scene")
    assert RollupDirtyDay.objects.count() == 1
    rollups.rebuild_dirty()
    day = rollups.local_day(call.received_at)
    start = dt.datetime.combine(day, dt.time(), tzinfo=ALMATY)
    window = [(start - dt.timedelta(days=1), start + dt.timedelta(days=2))]
    assert_rollups_equal_exact(territory, windows=window, groupings=[("priority",)])
    rows = ResponseRollup.objects.filter(grain="d", department_id=call.department_id)
    # Its priority's row and the department's total over priorities and areas.
    assert sorted(rows.values_list("priority", "area_type", "calls", "arrived")) == [
        (rollups.ALL_PRIORITIES, "", 1, 1), (call.priority, call.area_type, 1, 1)
    ]  # fmt: skip


def _stored_rows() -> list[tuple]:
    rows = sorted(ResponseRollup.objects.values_list(
        "grain", "period", "department_id", "own", "priority", "area_type", "calls",
        "arrived", "within_target", "hours", "response", "response_by_hour"))  # fmt: skip
    return [(*r[:9], *(bytes(b) for b in r[9:])) for r in rows]


def test_rebuild_all__is_the_same_as_maintenance_compacted(territory, history):
    rollups.compact_all()  # the history's corrections were appended
    before = _stored_rows()
    ResponseRollup.objects.all().delete()
    rollups.rebuild_all()
    assert _stored_rows() == before


@pytest.mark.django_db(transaction=True)
def test_rebuild_all__reading_ahead_builds_the_same_rows(territory, history, monkeypatch):
    """Called outside a transaction on PostgreSQL (the command, the worker), the rebuild
    reads each next month on a connection of its own while it stores this one's rows."""
    rollups.compact_all()
    before = _stored_rows()
    modes = []
    by_month = rollups._calls_by_month

    def spied(*args, ahead):
        modes.append(ahead)
        return by_month(*args, ahead=ahead)

    monkeypatch.setattr(rollups, "_calls_by_month", spied)
    rollups.rebuild_all()
    assert modes == [connection.vendor == "postgresql"]
    assert _stored_rows() == before
    assert_rollups_equal_exact(territory, groupings=[("priority",), ("department", "hour")])


def test_rollups__changes_are_appended_then_compacted(territory, history, monkeypatch):
    """A rebuilt day adds its change as rows of their own (a month's and a year's base rows
    are never rewritten for it); once a key has COMPACT_AFTER rows they are merged."""
    monkeypatch.setattr(rollups, "COMPACT_AFTER", {"m": 4, "c": 4})
    country = ResponseRollup.objects.filter(department_id=0, own=False, priority=1,
                                            area_type="urban")  # fmt: skip
    month = dt.date(2025, 12, 1)
    december = (dt.datetime(2025, 12, 1, tzinfo=ALMATY), dt.datetime(2026, 1, 1, tzinfo=ALMATY))
    calls = Incident.objects.filter(received_at__range=december, priority=1, area_type="urban",
                                    duplicate_of=None, response_seconds__isnull=False)  # fmt: skip
    rollups.compact_all()
    assert calls.count() >= 3
    counts = []
    for call in calls[:3]:
        with transaction.atomic():
            call.response_seconds += 60
            call.travel_seconds += 60
            call.save(update_fields=["travel_seconds", "response_seconds"])
            rollups.mark_incident(call)
        rollups.rebuild_dirty()
        counts.append(country.filter(grain="m", period=month).count())
    assert counts == [2, 3, 1]  # base + changes, then at 4 rows: compacted to one
    assert country.filter(grain="c", period=dt.date(2025, 1, 1)).count() == 1
    assert_rollups_equal_exact(territory, windows=WINDOWS[:2], groupings=GROUPINGS[:3])
    # The command compacts what is left (here: the change of one rebuild since).
    with transaction.atomic():
        rollups.mark_days([dt.date(2026, 1, 20)])
    rollups.rebuild_dirty()
    assert country.filter(grain="m", period=dt.date(2026, 1, 1)).count() >= 1
    out = io.StringIO()
    call_command("dispatch", "rollups", "compact", stdout=out)
    assert "Compacted the rollups of" in out.getvalue()
    keys = ["grain", "period", "department_id", "own", "priority", "area_type"]
    repeated = ResponseRollup.objects.values(*keys).annotate(n=Count("id")).filter(n__gt=1)
    assert not repeated.exists()
    assert_rollups_equal_exact(territory, windows=WINDOWS[:2], groupings=GROUPINGS[:3])


def test_rollups__a_late_call_years_before_fills_the_years_between(territory, history):
    """A call of 2023 arriving now: "c" rows for 2023 and 2024 (which had none), so whole
    years read as one row minus another stay exact."""
    rng = np.random.default_rng(17)
    late = _calls(territory, rng, 5, first=dt.datetime(2023, 6, 1, tzinfo=ALMATY), days=3)
    with transaction.atomic():
        made = Incident.objects.bulk_create(late)
        rollups.mark_calls(Incident.objects.filter(pk__in=[c.pk for c in made]))
    rollups.rebuild_dirty()
    years = sorted(set(ResponseRollup.objects.filter(grain="c").values_list("period", flat=True)))
    assert [y.year for y in years] == [2023, 2024, 2025, 2026]
    windows = [(dt.datetime(y, 1, 1, tzinfo=ALMATY), dt.datetime(z, 1, 1, tzinfo=ALMATY))
               for y, z in ((2023, 2024), (2024, 2025), (2024, 2026), (2023, 2028))]  # fmt: skip
    assert_rollups_equal_exact(territory, windows=windows, groupings=[("priority",), ("hour",)])


def test_rollups__a_window_to_near_a_year_end_reads_its_year_less_the_days_after(
    territory, history
):
    """Ten years to a day late in a year: everything before the window's end as its
    year's "c" row less the days after it, not the year's months and days; exact."""
    add, subtract = rollups._segments(dt.date(2017, 1, 1), dt.date(2026, 12, 30),
                                      last_year=dt.date(2026, 1, 1))  # fmt: skip
    assert "'c'), ('period', datetime.date(2026, 1, 1))" in str(add)
    assert "'d'), ('period__gte', datetime.date(2026, 12, 30))" in str(subtract)
    assert "'m'" not in str(add) + str(subtract)
    late = Incident.objects.filter(received_at__gte=dt.datetime(2026, 2, 1, tzinfo=ALMATY))
    assert late.exists()  # calls after the window's end, in its last year
    windows = [
        (dt.datetime(2016, 1, 1, 7, tzinfo=ALMATY), dt.datetime(2026, 2, 10, 9, tzinfo=ALMATY)),
        # 2025 less its calls from 20 December
        (dt.datetime(2016, 1, 1, 7, tzinfo=ALMATY), dt.datetime(2025, 12, 20, 9, tzinfo=ALMATY)),
    ]
    assert_rollups_equal_exact(territory, windows=windows, groupings=GROUPINGS[:2])


def test_migration_0008__turns_year_rows_into_c_rows(territory, history):
    """An install from before "c" rows holds one row per year ("y"): the migration adds
    each year to those before it, giving exactly the rows a rebuild writes."""
    migration = importlib.import_module("precinct.dispatch.migrations.0008_rollup_changes_appended")
    rollups.compact_all()
    wanted = {t.model: _stored(t.model) for t in rollups.TABLES}
    for table in rollups.TABLES:  # the old layout: each year on its own
        stored = table.model.objects.filter(grain="c")
        years = sorted(set(stored.values_list("period", flat=True)))
        assert len(years) >= 2
        so_far = [rollups.merge([table.empty(), *table.load_parts(stored.filter(period=y))])
                  for y in years]  # fmt: skip
        stored.delete()
        before = table.empty()
        for year, rows in zip(years, so_far, strict=True):
            table.save(rollups.merge([rows, before.moved(year, table.fields).negated()]))
            before = rows
        table.model.objects.filter(grain="c").update(grain="y")
    migration._cumulate_year_rows(django_apps, None)
    assert {t.model: _stored(t.model) for t in rollups.TABLES} == wanted


def _stored(model) -> list[tuple]:
    names = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    rows = model.objects.values_list(*names)
    return sorted(tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows)


def test_migration_0009__adds_the_totals_a_rebuild_writes(territory, history):
    """An install from before the totals over priorities and areas: the migration writes
    exactly the totals rows a rebuild writes, and reads grouped by department or month
    (which read only them) equal the exact recomputation."""
    migration = importlib.import_module("precinct.dispatch.migrations.0009_rollup_totals")
    rollups.compact_all()
    wanted = _stored(ResponseRollup)
    totals = ResponseRollup.objects.filter(priority=rollups.ALL_PRIORITIES)
    assert totals.filter(grain="c").exists() and totals.filter(grain="d").exists()
    totals.delete()
    migration._add_totals(django_apps, None)
    assert _stored(ResponseRollup) == wanted
    assert_rollups_equal_exact(territory, groupings=[("department",), ("month",), ()])
