"""Benchmark: the whole country, ten years: measures, evaluation, maintenance, recommendation.

Run from the project root against a PostgreSQL database of its own::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_national \\
        .venv/bin/python bench/national.py [--scale 1.0] [--years 10] [--repeats 20]

It builds, or reuses, the national data set of ``bench/_national.py`` (20 regions with
their real populations, ≈300 departments, 210 calls per 1,000 residents a year and 2
million appeals a year over 2016–2025, times ``--scale``), builds the 102 and appeal
rollups with the product's command code when the rows are new (the generator writes them
by SQL, unmarked), and then measures the code users run,
each side by side with its reference in the same run:

- ``measures_p99_ms``: the 102 measures page's two calls (by priority; emergencies by
  hour) for the whole country over a ten-year window with partial days at both ends,
  ``metrics.response_measures`` from rollups, p50/p99 over ``--repeats``; reference: the
  same calls with ``exact=True`` (the raw calls with ``percentile_cont``), once, computed
  beside the 102 rollups' build once the appeals' work is done (``references``);
- ``percentile_max_error_s``: the largest difference of any percentile of those calls
  from the exact one (counts and shares must be identical);
- ``api_month_*``, ``api_department_*``: the measures API grouped by month and by
  department, same window, whole country, against ``exact=True`` likewise;
- ``evaluation_recompute_s``: ``evaluation.services.evaluation_compute`` of 2025 with
  every real source (102 measures, appeals, surveys raked, crime, integrity, staffing);
- ``rollup_day_s``, ``appeal_rollup_day_s``: the worker's rebuild of one day re-marked
  (2025-12-29) in the 102 and in the appeal rollups, and
  ``compact_month_s``, ``compact_year_s`` the compactions of its month and "c" year that
  follow every ``compact_after`` rebuilds;
- ``changed_*``: the page again after ``--changes`` rebuilds of that day with a call
  changed each time (the month's and year's appended rows read as they pile up, below
  the month's compaction), and the time of each such rebuild;
- ``recommend_*`` and ``etas_identical``: ``bench/recommend_region.measure`` on the
  region-sized driving graph (334 thousand nodes) with 300 units, against scipy's full
  Dijkstra.

The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

from _machine import machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "precinct.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402

import _national  # noqa: E402
from precinct.analytics import sketch  # noqa: E402
from precinct.appeals import rollups as appeal_rollups  # noqa: E402
from precinct.appeals.models import AppealRollup  # noqa: E402
from precinct.dispatch import metrics, rollups  # noqa: E402
from precinct.dispatch.models import Incident, ResponseRollup  # noqa: E402
from precinct.surveys import cells  # noqa: E402

END = dt.datetime(2025, 12, 30, 15, 17, tzinfo=_national.ALMATY)
START = END - dt.timedelta(days=3652)
DAY = dt.date(2025, 12, 29)
PAGE = [dict(department=None, group_by=("priority",)),
        dict(department=None, group_by=("hour",), priority=1)]  # fmt: skip


def _p99(runs: list[float]) -> float:
    return float(np.percentile(runs, 99, method="higher"))


def _page(calls, exact: bool = False) -> list:
    return [metrics.response_measures(start=START, end=END, exact=exact, **kw) for kw in calls]


def exact_reference(calls) -> tuple[list, float]:
    """The exact recomputation of a page's (or an API call's) reads, and its milliseconds."""
    t0 = time.perf_counter()
    rows = _page(calls, exact=True)
    return rows, (time.perf_counter() - t0) * 1000


def measures(repeats: int, calls=None, prefix: str = "measures", reference=None) -> dict:
    """A page's (or an API call's) measures over ten years, from rollups, against the
    exact ``reference`` (computed here if not given)."""
    calls = calls or PAGE
    rolled = _page(calls)  # warm
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        _page(calls)
        runs.append((time.perf_counter() - t0) * 1000)
    exact, exact_ms = reference or exact_reference(calls)
    worst, worst_rel, same = _differences(rolled, exact)
    figures = {
        f"{prefix}_p50_ms": round(statistics.median(runs), 1),
        f"{prefix}_p99_ms": round(_p99(runs), 1),
        f"{prefix}_exact_ms": round(exact_ms),
    }
    if prefix != "measures":
        return {**figures, f"{prefix}_counts_identical": bool(same),
                f"{prefix}_percentile_max_error_s": round(worst, 3)}  # fmt: skip
    return {
        **figures,
        "ratio_exact_over_p99": round(exact_ms / _p99(runs), 1),
        "percentile_max_error_s": round(worst, 3),
        "percentile_max_relative_error": round(worst_rel, 5),
        "stated_relative_error": round(sketch.RELATIVE_ERROR, 5),
        "counts_identical": bool(same),
    }


def _differences(rolled, exact) -> tuple[float, float, bool]:
    """The largest percentile difference (seconds, relative), and whether every row and
    count is the same."""
    worst, worst_rel, same = 0.0, 0.0, True
    for got_rows, want_rows in zip(rolled, exact, strict=True):
        same &= len(got_rows) == len(want_rows)
        for got, want in zip(got_rows, want_rows, strict=False):
            same &= all(got[k] == want[k] for k in ("calls", "arrived", "within_target"))
            for phase in metrics.PHASES:
                for q in ("p50", "p90"):
                    a, b = got[f"{phase}_{q}"], want[f"{phase}_{q}"]
                    if a is None or b is None:
                        same &= a is None and b is None
                    else:
                        worst = max(worst, abs(a - b))
                        worst_rel = max(worst_rel, abs(a - b) / b if b else 0.0)
    return worst, worst_rel, same


API = {name: [dict(department=None, group_by=(name,))] for name in ("month", "department")}


def api_groupings(repeats: int, references: dict) -> dict:
    """The measures API's groupings by month and by department over the same ten years
    (``/api/v1/dispatch/measures?group_by=…``, whole country), from rollups and exact."""
    out = {}
    for name, calls in API.items():
        out |= measures(repeats, calls, f"api_{name}", references[f"api_{name}"])
    return out


def references(changes: int):
    """The exact recomputations the page and the API reads are compared with, and the
    page's after ``changes`` (``changed_reference``). They read the raw calls only, so
    they run on the appeals' thread once its rollups are built, beside the 102 rollups'
    build (a core of the two is idle then, the appeals' work being done): their times
    are measured there, not alone (65–70 s for the page, alone, on 2026-12-04)."""

    def compute(loaded: bool) -> dict:
        t0 = time.perf_counter()
        found = {"measures": exact_reference(PAGE)}
        found |= {f"api_{name}": exact_reference(calls) for name, calls in API.items()}
        found["changed"] = changed_reference(changes)
        return {"references": found, "references_s": round(time.perf_counter() - t0, 1)}

    return compute


def _in_turn(*steps):
    """Steps run one after the other on a loading thread, their figures together."""
    return lambda loaded: {k: v for step in steps for k, v in step(loaded).items()}


def _analyze() -> None:
    """Statistics of the rollup tables, as autovacuum keeps them on a deployment (this
    machine's server runs with autovacuum off: without them, plans over tables that were
    rebuilt and compacted had none, and a day's maintenance took 9 s instead of 0.2).
    ANALYZE samples the tables; the VACUUM that ran with it read all 16 GB just written
    (42 s with the survey cells' refresh), for the visibility map, which these reads of
    summaries (never index-only) do not use."""
    with connection.cursor() as cursor:
        for table in ("dispatch_responserollup", "dispatch_precinctrollup",
                      "dispatch_rollupdirtyday", "appeals_appealrollup"):  # fmt: skip
            cursor.execute(f"ANALYZE {table}")


def evaluation() -> dict:
    from precinct.evaluation import services
    from precinct.evaluation.models import IndicatorValue, Period

    period = Period.objects.get(label="2025")
    t0 = time.perf_counter()
    n = services.evaluation_compute(period=period)
    return {
        "evaluation_recompute_s": round(time.perf_counter() - t0, 1),
        "evaluation_departments": n,
        "evaluation_values": IndicatorValue.objects.filter(period=period).count(),
    }


def rollup_day() -> dict:
    """A day re-marked and rebuilt by the worker's job (its change appended to the month
    and year); then, apart, the compactions that job runs once a key of the month, or of
    the "c" year, has gathered ``rollups.COMPACT_AFTER`` rows; then the same day's
    appeal rollups (the appeals registered, answered and rated that day)."""
    with transaction.atomic():
        rollups.mark_days([DAY])
    t0 = time.perf_counter()
    rollups.rebuild_dirty()
    day_s = time.perf_counter() - t0
    taken = {}
    for grain, period in (("m", DAY.replace(day=1)), ("c", DAY.replace(month=1, day=1))):
        t0 = time.perf_counter()
        with transaction.atomic():
            rollups.compact(grain=grain, period=period)
        taken[grain] = round(time.perf_counter() - t0, 2)
    with transaction.atomic():
        appeal_rollups.mark_days([DAY])
    t0 = time.perf_counter()
    appeal_rollups.rebuild_dirty()
    appeal_day_s = time.perf_counter() - t0
    return {"rollup_day_s": round(day_s, 2), "compact_month_s": taken["m"],
            "compact_year_s": taken["c"], "compact_after": rollups.COMPACT_AFTER,
            "appeal_rollup_day_s": round(appeal_day_s, 2)}  # fmt: skip


def _changed_call() -> Incident:
    start = rollups.day_start(DAY)
    return (Incident.objects.filter(received_at__gte=start, travel_seconds__isnull=False,
                                    received_at__lt=start + dt.timedelta(days=1))
            .order_by("id").first())  # fmt: skip


def changed_reference(changes: int) -> tuple[list, float]:
    """The exact page as it will be after ``changed_day``'s changes: the call changed by
    all of them at once in a transaction that is rolled back (no other connection ever
    sees it, and no day is marked)."""
    with transaction.atomic():
        Incident.objects.filter(pk=_changed_call().pk).update(
            travel_seconds=F("travel_seconds") + changes,
            response_seconds=F("response_seconds") + changes,
        )
        found = exact_reference(PAGE)
        transaction.set_rollback(True)
    return found


def changed_day(repeats: int, changes: int, reference) -> dict:
    """The page again after ``changes`` rebuilds of a day whose calls each changed (one
    call's travel time a second longer each time, as corrections arrive): every rebuild
    appends its change to the month and year rows, which the page then adds up. The
    changes are undone (and rebuilt) at the end."""
    call = _changed_call()
    t0 = time.perf_counter()
    for _ in range(changes):
        _shift_travel(call, 1)
    rebuilds_s = time.perf_counter() - t0
    figures = measures(repeats, reference=reference)
    out = {"changed_rebuilds": changes, "changed_rebuild_s": round(rebuilds_s / changes, 3),
           "changed_measures_p50_ms": figures["measures_p50_ms"],
           "changed_measures_p99_ms": figures["measures_p99_ms"],
           "changed_counts_identical": figures["counts_identical"],
           "changed_percentile_max_error_s": figures["percentile_max_error_s"]}  # fmt: skip
    _shift_travel(call, -changes)
    return out


def _shift_travel(call, seconds: int) -> None:
    with transaction.atomic():
        Incident.objects.filter(pk=call.pk).update(
            travel_seconds=F("travel_seconds") + seconds,
            response_seconds=F("response_seconds") + seconds,
        )
        rollups.mark_incident(call)
    rollups.rebuild_dirty()


def recommendation(calls: int) -> dict:
    import recommend_region

    graph = recommend_region.region_graph(recommend_region.DEFAULT_PBF, 4)
    return recommend_region.measure(graph, units=300, calls=calls, seed=102, full_calls=100)


def _rollups(module, model, figure: str):
    """What a table's loading thread runs once it is loaded: ``module``'s rollups rebuilt
    with the product's code if its rows are new (the generator writes them by SQL,
    unmarked) or none are built yet; then whatever the worker has left."""

    def build(loaded: bool) -> dict:
        rebuild_s = None
        if loaded or not model.objects.exists():
            t0 = time.perf_counter()
            module.rebuild_all()
            rebuild_s = round(time.perf_counter() - t0, 1)
        module.rebuild_dirty()
        return {figure: rebuild_s}

    return build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--recommend-calls", type=int, default=1000)
    parser.add_argument(
        "--changes",
        type=int,
        default=478,
        help="rebuilds of a changed day before the page is timed again "
        '(478: with its base, a "c" year\'s key stays one row short of compaction)',
    )
    parser.add_argument("--load-only", action="store_true", help="build the data set, stop")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL=postgres://…")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    years = range(2026 - args.years, 2026)
    t0 = time.perf_counter()
    districts = _national.build_country()
    country_s = round(time.perf_counter() - t0, 1)
    if args.load_only:
        print(json.dumps(_national.generate(districts, years=years, scale=args.scale)))
        return
    # Each table's rollups are built on its loading thread as soon as it is loaded (the
    # calls load first, then their rebuild runs beside the appeals' load).
    # The exact references follow the appeals' rollups on their thread (see ``references``).
    built = _national.generate(districts, years=years, scale=args.scale,
                               then={"dispatch_incident": _rollups(rollups, ResponseRollup,
                                                                   "full_rebuild_s"),
                                     "appeals_appeal": _in_turn(
                                         _rollups(appeal_rollups, AppealRollup,
                                                  "appeals_rebuild_s"),
                                         references(args.changes))})  # fmt: skip
    exact = built.pop("references")
    loaded, rebuild_s, appeals_rebuild_s = (
        built["load_s"],
        built["full_rebuild_s"],
        built["appeals_rebuild_s"],
    )
    build_s = round(time.perf_counter() - t0 - country_s, 1)
    t0 = time.perf_counter()
    cells.cells_refresh()  # the survey waves' cells (the evaluation reads them)
    _analyze()
    prepare_s = round(time.perf_counter() - t0, 1)
    figures = {
        "calls": _national.sql("SELECT count(*) FROM dispatch_incident")[0][0],
        "appeals": _national.sql("SELECT count(*) FROM appeals_appeal")[0][0],
        "departments": len(districts) + 20,
        "scale": args.scale,
        "window_days": (END - START).days,
    }
    print(f"{figures['calls']:,} calls, {figures['appeals']:,} appeals; load {loaded}, "
          f"102 rollups rebuilt in {rebuild_s} s, appeal rollups in {appeals_rebuild_s} s",
          flush=True)  # fmt: skip
    for step in (lambda: measures(args.repeats, reference=exact["measures"]),
                 lambda: api_groupings(args.repeats, exact),
                 evaluation, rollup_day,
                 lambda: changed_day(args.repeats, args.changes, exact["changed"]),
                 lambda: recommendation(args.recommend_calls)):  # fmt: skip
        t0 = time.perf_counter()
        part = step()
        print(json.dumps(part), flush=True)
        figures.update(part)
        figures.setdefault("steps_s", []).append(round(time.perf_counter() - t0, 1))
    size = _national.sql("SELECT pg_total_relation_size('dispatch_responserollup'), "
                         "pg_total_relation_size('dispatch_incident')")[0]  # fmt: skip
    figures.update({
        "goals": {"measures_p99_ms": 300, "evaluation_recompute_s": 30, "rollup_day_s": 10,
                  "recommend_p99_ms": 10},
        "country_s": country_s, "load_s": loaded, "full_rebuild_s": rebuild_s,
        "appeals_rebuild_s": appeals_rebuild_s, "references_s": built["references_s"],
        "cells_and_analyse_s": prepare_s,
        "load_and_rollups_s": build_s,
        "rollup_mib": round(size[0] / 2**20), "incident_table_mib": round(size[1] / 2**20),
        "total_s": round(time.perf_counter() - started, 1),
        "postgres": _national.sql("SHOW server_version")[0][0], **machine(),
    })  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
