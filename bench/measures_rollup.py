"""Benchmark: the 102 response measures over ten years from rollups, against the exact
recomputation from raw calls, on PostgreSQL with millions of calls.

Run from the project root against a PostgreSQL database of its own::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_rollups_bench \\
        .venv/bin/python bench/measures_rollup.py [--calls 4000000] [--repeats 30]

It generates (once; reused by later runs) 20 regions of a regional and five district
departments each and ``--calls`` closed calls spread over ten years in the product's own
incident table (``INSERT … SELECT generate_series``, ``bench/_national.py``'s generator),
then builds the rollups with the product's command code (``rollups.rebuild_all``). It
times, side by side in one run:

- ``metrics.response_measures`` as the measures page calls it (by priority, then by hour
  for emergencies) and as the API's ``group_by=month`` over a ten-year window with partial
  days at both ends, for the whole country and for one region: p50/p99 over ``--repeats``;
- the same calls with ``exact=True`` (the raw rows with ``percentile_cont``: the reference
  and the oracle), once each;
- maintenance: a late arrival (calls of a day five years back inserted as an import
  does) and one whole day's data re-marked, each rebuilt by the worker's job; and the
  deletion of the late calls;
- the largest difference of any percentile from the exact one, in seconds and relative
  to the stated bound ``sketch.RELATIVE_ERROR``; counts and shares must be identical.

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
from zoneinfo import ZoneInfo

from _machine import machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "precinct.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

import _national  # noqa: E402
from precinct.analytics import sketch  # noqa: E402
from precinct.dispatch import metrics, rollups  # noqa: E402
from precinct.dispatch.models import Category, Incident, ResponseRollup  # noqa: E402
from precinct.territory import services as territory  # noqa: E402
from precinct.territory.models import Department, Region  # noqa: E402

ALMATY = ZoneInfo("Asia/Almaty")
FIRST = dt.datetime(2016, 1, 1, tzinfo=ALMATY)
YEARS = 10
# A ten-year window with partial days at both ends, as the page's "now − N days" has.
END = dt.datetime(2025, 12, 30, 15, 17, tzinfo=ALMATY)
START = END - dt.timedelta(days=3652)
LATE_DAY = dt.date(2020, 6, 15)
LATE_CALLS = 300


def _sql(query: str, params=None):
    with connection.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall() if cur.description else None


def build_territory() -> list[int]:
    """20 regions, each a regional department over five districts: the district ids."""
    if not Region.objects.filter(code="rb-0").exists():
        for r in range(20):
            region = Region.objects.create(code=f"rb-{r}", kind="oblast", name=f"Регион {r}")
            top = territory.department_create(
                region=region, parent=None, kind="regional", code=f"rb-{r}", name=f"ДП {r}"
            )
            for d in range(5):
                territory.department_create(region=region, parent=top, kind="district",
                                            code=f"rb-{r}-{d}", name=f"ОП {r}.{d}")  # fmt: skip
    return list(
        Department.objects.filter(code__startswith="rb-", kind="district")
        .order_by("id")
        .values_list("id", flat=True)
    )


def generate_calls(n: int, districts: list[int]) -> float:
    """``n`` closed calls over ten years, a tenth a year, the districts drawn alike, by
    ``bench/_national.py``'s generator (log-normal phases, 5 % without arrival, one call
    in four rural); seconds taken (0 when reused)."""
    have = Incident.objects.count()
    if have >= n:
        return 0.0
    started = time.perf_counter()
    years = range(FIRST.year, FIRST.year + YEARS)
    with transaction.atomic():
        _sql("SET LOCAL synchronous_commit = off")
        for k, year in enumerate(years):
            share = (n - have) // YEARS + (1 if k < (n - have) % YEARS else 0)
            _national._insert_calls(year, share, districts)
    _sql("ANALYZE dispatch_incident")
    return time.perf_counter() - started


def _timed(fn, repeats: int) -> list[float]:
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return runs


def _p99(runs: list[float]) -> float:
    return float(np.percentile(runs, 99, method="higher"))


def _compare(rolled: list[dict], exact: list[dict]) -> tuple[float, float, bool]:
    """Largest absolute (s) and relative percentile difference; counts and shares equal."""
    worst_s, worst_rel, same = 0.0, 0.0, len(rolled) == len(exact)
    for r, e in zip(rolled, exact, strict=False):
        for name in ("calls", "arrived", "with_target", "within_target"):
            same &= r[name] == e[name]
        if e["share_within_target"] is not None:
            same &= abs(r["share_within_target"] - e["share_within_target"]) < 1e-12
        for phase in metrics.PHASES:
            for q in ("p50", "p90"):
                got, want = r[f"{phase}_{q}"], e[f"{phase}_{q}"]
                if want is None or got is None:
                    same &= got is None and want is None
                    continue
                worst_s = max(worst_s, abs(got - want))
                worst_rel = max(worst_rel, abs(got - want) / want if want else 0.0)
    return worst_s, worst_rel, same


def late_arrival(districts: list[int]) -> list[int]:
    """LATE_CALLS calls of LATE_DAY inserted as an import does (their day marked)."""
    category = Category.objects.get(code="other")
    day = dt.datetime.combine(LATE_DAY, dt.time(), tzinfo=ALMATY)
    rng = np.random.default_rng(15)
    calls = []
    for k in range(LATE_CALLS):
        received = day + dt.timedelta(seconds=int(rng.integers(0, 86400)))
        h, t = int(rng.integers(20, 300)), int(rng.integers(200, 3000))
        calls.append(Incident(
            department_id=districts[k % len(districts)], category=category, priority=1 + k % 4,
            state="closed", source="imported", received_at=received,
            dispatched_at=received + dt.timedelta(seconds=h),
            on_scene_at=received + dt.timedelta(seconds=h + t),
            handling_seconds=h, travel_seconds=t, response_seconds=h + t,
        ))  # fmt: skip
    with transaction.atomic():
        made = Incident.objects.bulk_create(calls)
        rollups.mark_calls(Incident.objects.filter(pk__in=[c.pk for c in made]))
    return [c.pk for c in made]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=4_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL=postgres://…")

    call_command("migrate", verbosity=0)
    districts = build_territory()
    generate_s = generate_calls(args.calls, districts)
    calls = Incident.objects.count()
    full_rebuild_s = None
    if generate_s or not ResponseRollup.objects.exists():
        t0 = time.perf_counter()
        rollups.rebuild_all()
        full_rebuild_s = round(time.perf_counter() - t0, 1)
    else:
        rollups.rebuild_dirty()
    region = Department.objects.get(code="rb-3")

    # Maintenance: a late arrival of an old day, then a whole day's data re-marked.
    late = late_arrival(districts)
    t0 = time.perf_counter()
    rollups.rebuild_dirty()
    late_s = time.perf_counter() - t0
    with transaction.atomic():
        rollups.mark_days([dt.date(2025, 12, 29)])
    t0 = time.perf_counter()
    rollups.rebuild_dirty()
    day_s = time.perf_counter() - t0
    day_calls = Incident.objects.filter(
        received_at__gte=dt.datetime(2025, 12, 29, tzinfo=ALMATY),
        received_at__lt=dt.datetime(2025, 12, 30, tzinfo=ALMATY),
    ).count()

    queries = {
        "page_country": [dict(department=None, group_by=("priority",)),
                         dict(department=None, group_by=("hour",), priority=1)],
        "api_month_country": [dict(department=None, group_by=("month",))],
        "page_region": [dict(department=region, group_by=("priority",)),
                        dict(department=region, group_by=("hour",), priority=1)],
    }  # fmt: skip
    timings, exact_ms, errors = {}, {}, []
    for name, calls_of_view in queries.items():

        def view(exact=False, calls_of_view=calls_of_view):
            return [metrics.response_measures(start=START, end=END, exact=exact, **kw)
                    for kw in calls_of_view]  # fmt: skip

        rolled = view()  # warm
        timings[name] = _timed(view, args.repeats)
        t0 = time.perf_counter()
        exact = view(exact=True)
        exact_ms[name] = (time.perf_counter() - t0) * 1000
        errors += [_compare(r, e) for r, e in zip(rolled, exact, strict=True)]
        print(f"{name}: rollups p50 {statistics.median(timings[name]):.0f} ms, "
              f"p99 {_p99(timings[name]):.0f} ms; exact {exact_ms[name]:.0f} ms")  # fmt: skip

    with transaction.atomic():
        gone = Incident.objects.filter(pk__in=late)
        rollups.mark_calls(gone)
        gone.delete()
    t0 = time.perf_counter()
    rollups.rebuild_dirty()
    delete_s = time.perf_counter() - t0

    rows = dict(_sql("SELECT grain, count(*) FROM dispatch_responserollup GROUP BY grain"))
    size = _sql("SELECT pg_total_relation_size('dispatch_responserollup')")[0][0]
    raw = _sql("SELECT pg_total_relation_size('dispatch_incident')")[0][0]
    result = {
        "calls": calls,
        "departments": Department.objects.filter(code__startswith="rb-").count(),
        "window_days": (END - START).days,
        "measures_p99_ms": round(_p99(timings["page_country"]), 1),
        "measures_p50_ms": round(statistics.median(timings["page_country"]), 1),
        "exact_ms": round(exact_ms["page_country"]),
        "ratio_exact_over_p50": round(
            exact_ms["page_country"] / statistics.median(timings["page_country"]), 1
        ),
        "api_month_p99_ms": round(_p99(timings["api_month_country"]), 1),
        "api_month_exact_ms": round(exact_ms["api_month_country"]),
        "region_p99_ms": round(_p99(timings["page_region"]), 1),
        "region_exact_ms": round(exact_ms["page_region"]),
        "percentile_max_error_s": round(max(e[0] for e in errors), 3),
        "percentile_max_relative_error": round(max(e[1] for e in errors), 5),
        "stated_relative_error": round(sketch.RELATIVE_ERROR, 5),
        "counts_and_shares_identical": all(e[2] for e in errors),
        "rollup_day_s": round(day_s, 2),
        "rollup_day_calls": day_calls,
        "late_arrival_s": round(late_s, 2),
        "deletion_s": round(delete_s, 2),
        "full_rebuild_s": full_rebuild_s,
        "generate_s": round(generate_s, 1),
        "rollup_rows": rows,
        "rollup_mib": round(size / 2**20),
        "incident_table_mib": round(raw / 2**20),
        "repeats": args.repeats,
        "postgres": _sql("SHOW server_version")[0][0],
        **machine(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
