"""Benchmark: the appeal measures the pages read, from the rollups, against the exact
recomputation from the raw appeals, on PostgreSQL with half a million appeals or more.

Run from the project root against a PostgreSQL database of its own::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_appeals_bench \\
        .venv/bin/python bench/appeal_measures.py [--appeals 500000] [--repeats 20]

It generates (once; reused by later runs, topped up if ``--appeals`` grows) 20 regions of a
regional and five district departments each (120), four precincts per district, and
``--appeals`` appeals spread over ten years in the product's own appeal table (``INSERT …
SELECT generate_series``: every type, channel and category, 8 % forwarded, the others
answered after a log-normal delay except those of the last 30 days, still open; 40 % of
answers rated), then builds the rollups with the
product's command code (``rollups.rebuild_all``). It times, side by side in one run, each
page's calls read from the rollups (p50/p99 over ``--repeats``) and with ``exact=True``
(the raw appeals: the reference and the oracle; best of three):

- ``statistics``: the public statistics page (every department, the last 365 days);
- ``evaluation``: the evaluation's source (every department, one quarter), by type too;
- ``head``: a regional head's workspace (his six departments, 90 days: measures and
  answer figures);
- ``neighbourhoods``: the answer counts per department and precinct (365 days);
- ``alerts``: the monthly figures per precinct (one month);
- ``themes``: a precinct's and its department's receptions' themes (three months);
- ``ten_years``: every department by category over the ten years.

Every rolled result must equal the exact one (``metrics.same_measures``). Maintenance: one
day's appeals re-marked and rebuilt by the worker's job; a late arrival (300 appeals of a
day five years back, through ``bulk_create`` which marks their days); a correction
(answers of 200 appeals moved by ``update``) and the deletion of the late appeals, each
rebuilt. Sizes: rollup rows and bytes against the appeal table. The last line of output is
one JSON object.
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

from precinct.appeals import metrics, rollups  # noqa: E402
from precinct.appeals.models import Appeal, AppealRollup, Category  # noqa: E402
from precinct.territory import services as territory  # noqa: E402
from precinct.territory.models import Department, Precinct, Region  # noqa: E402

ALMATY = ZoneInfo("Asia/Almaty")
FIRST = dt.datetime(2016, 1, 1, tzinfo=ALMATY)
YEARS = 10
END = dt.date(2025, 12, 30)
LATE_DAY = dt.date(2020, 6, 15)
LATE_APPEALS = 300


def _sql(query: str, params=None):
    with connection.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall() if cur.description else None


def build_territory() -> tuple[list[int], list[int]]:
    """20 regions, each a regional department over five districts with four precincts:
    every department id, and per department its first precinct id (0: none)."""
    if not Region.objects.filter(code="ab-0").exists():
        for r in range(20):
            region = Region.objects.create(code=f"ab-{r}", kind="oblast", name=f"Регион {r}")
            top = territory.department_create(
                region=region, parent=None, kind="regional", code=f"ab-{r}", name=f"ДП {r}"
            )
            for d in range(5):
                district = territory.department_create(
                    region=region, parent=top, kind="district", code=f"ab-{r}-{d}",
                    name=f"ОП {r}.{d}",
                )  # fmt: skip
                for n in range(1, 5):
                    Precinct.objects.create(department=district, number=n)
    departments = list(
        Department.objects.filter(code__startswith="ab-")
        .order_by("id")
        .values_list("id", flat=True)
    )
    first = {}
    for dep, pk in (
        Precinct.objects.filter(department_id__in=departments)
        .order_by("id")
        .values_list("department_id", "id")
    ):
        first.setdefault(dep, pk)
    return departments, [first.get(d, 0) for d in departments]


def generate_appeals(n: int, departments: list[int], precincts: list[int]) -> float:
    """``n`` appeals over ten years, by the database itself; seconds taken (0: reused)."""
    have = Appeal.objects.filter(registration_number__startswith="B-").count()
    if have >= n:
        return 0.0
    categories = list(Category.objects.order_by("id").values_list("id", flat=True))
    span = (FIRST.replace(year=FIRST.year + YEARS) - FIRST).total_seconds()
    started = time.perf_counter()
    chunk = 250_000
    for done in range(have, n, chunk):
        with transaction.atomic():
            _sql("SET LOCAL synchronous_commit = off")
            _sql(
                """
                INSERT INTO appeals_appeal (registration_number, tracking_code, type, channel,
                    category_id, text, address, media_url, service_attributes, precinct_id,
                    department_id, service, contact_name, contact_phone, contact_email,
                    language, status, registered_at, due_date, forward_due_date, forwarded_to,
                    extended, answer, answered_at, answered_on_time, working_days_to_answer,
                    closed_at, reopened_count, rating, rating_comment, rated_at, client_hash,
                    content_hash)
                SELECT 'B-' || lpad(k::text, 10, '0'), 'bench' || k,
                    (ARRAY['complaint','request','proposal','gratitude','offence'])[1 + t],
                    CASE WHEN c < 0.05 THEN 'reception' WHEN c < 0.5 THEN 'web'
                         WHEN c < 0.8 THEN 'phone' ELSE 'api' END,
                    CASE WHEN cat = 0 THEN NULL ELSE (%(cats)s::int[])[cat] END, 'текст', '',
                    '', '{}', CASE WHEN pre = 0 OR c2 < 0.3 THEN NULL ELSE pre + p END, dep,
                    '', '', '', '', 'ru',
                    CASE WHEN u < 0.08 THEN 'forwarded' WHEN r < %(recent)s
                         THEN 'answered' ELSE 'in_progress' END,
                    r, (r AT TIME ZONE 'Asia/Almaty')::date + 21,
                    CASE WHEN u < 0.08 THEN (r AT TIME ZONE 'Asia/Almaty')::date + 3 END, '',
                    random() < 0.05, '',
                    CASE WHEN u >= 0.08 AND r < %(recent)s THEN r + d * interval '1 day' END,
                    CASE WHEN u >= 0.08 AND r < %(recent)s THEN floor(d * 5 / 7) <= 15 END,
                    CASE WHEN u >= 0.08 AND r < %(recent)s THEN floor(d * 5 / 7)::int END,
                    CASE WHEN u < 0.08 THEN r + random() * 5 * interval '1 day' END,
                    (random() < 0.03)::int,
                    CASE WHEN u >= 0.08 AND r < %(recent)s AND v < 0.4
                         THEN 1 + floor(v * 12.5)::int END, '',
                    CASE WHEN u >= 0.08 AND r < %(recent)s AND v < 0.4
                         THEN r + (d + 0.2 + random() * 5) * interval '1 day' END, '', ''
                FROM (
                    SELECT k, (%(deps)s::int[])[1 + i] AS dep, (%(pres)s::int[])[1 + i] AS pre,
                        floor(random() * 4)::int AS p, floor(random() * 5)::int AS t,
                        floor(random() * 11)::int AS cat, random() AS c, random() AS c2,
                        random() AS u, random() AS v,
                        %(first)s::timestamptz + random() * %(span)s * interval '1 second' AS r,
                        greatest(0.05, exp(ln(8) + 0.6 * sqrt(-2 * ln(1 - random()))
                            * cos(2 * pi() * random()))) AS d
                    FROM (SELECT k, floor(random() * %(n_deps)s)::int AS i
                          FROM generate_series(%(lo)s, %(hi)s) k) s
                ) drawn
                """,
                {"cats": categories, "deps": departments, "pres": precincts,
                 "n_deps": len(departments), "first": FIRST, "span": span,
                 "lo": done + 1, "hi": min(done + chunk, n),
                 "recent": dt.datetime.combine(END - dt.timedelta(days=30), dt.time(),
                                               tzinfo=ALMATY)},
            )  # fmt: skip
    _sql("ANALYZE appeals_appeal")
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


def _views(region: Department, precinct: Precinct) -> dict:
    """Each page's calls (reading the rollups, or exactly)."""
    year = dict(start=END - dt.timedelta(days=365), end=END)
    quarter = dict(start=dt.date(2025, 7, 1), end=dt.date(2025, 9, 30))
    ninety = dict(start=END - dt.timedelta(days=89), end=END)
    month = dict(start=dt.date(2025, 11, 1), end=dt.date(2025, 11, 30))
    three = dict(start=dt.date(2025, 9, 1), end=dt.date(2025, 11, 30))
    ten = dict(start=FIRST.date(), end=END)
    scope = list(Department.objects.filter(region_id=region.region_id).values_list("id", flat=True))
    m = metrics
    return {
        "statistics": lambda x: [m.public_department_statistics(**year, exact=x)],
        "evaluation": lambda x: [m.department_measures(**quarter, exact=x),
                                 m.department_measures(**quarter, group_by="type", exact=x)],
        "head": lambda x: [m.department_measures(**ninety, department_ids=scope, exact=x),
                           m.answer_figures(**ninety, department_ids=scope, exact=x)],
        "neighbourhoods": lambda x: [m.answer_counts_by_place(**year, exact=x)],
        "alerts": lambda x: [m.public_counts_by_precinct(**month, exact=x)],
        "themes": lambda x: [
            m.precinct_category_counts(precinct_id=precinct.pk, **three, exact=x),
            m.reception_category_counts(department_id=precinct.department_id, **three, exact=x),
        ],
        "ten_years": lambda x: [m.department_measures(**ten, group_by="category_id", exact=x)],
    }  # fmt: skip


def _rebuilt() -> float:
    t0 = time.perf_counter()
    rollups.rebuild_dirty()
    return time.perf_counter() - t0


def maintenance(departments: list[int]) -> dict:
    """A day re-marked, a late arrival, a correction and a deletion, each rebuilt."""
    out = {}
    with transaction.atomic():
        rollups.mark_days([END - dt.timedelta(days=1)])
    out["rollup_day_s"] = _rebuilt()
    day = dt.datetime.combine(END - dt.timedelta(days=1), dt.time(), tzinfo=ALMATY)
    out["rollup_day_appeals"] = Appeal.objects.filter(
        registered_at__gte=day, registered_at__lt=day + dt.timedelta(days=1)
    ).count()
    start = dt.datetime.combine(LATE_DAY, dt.time(), tzinfo=ALMATY)
    rng = np.random.default_rng(15)
    late = []
    for k in range(LATE_APPEALS):
        registered = start + dt.timedelta(seconds=int(rng.integers(0, 86400)))
        late.append(Appeal(
            registration_number=f"L-{k:08d}", tracking_code=f"late{k}", type="request",
            channel="web", text="поздно", department_id=departments[k % len(departments)],
            status="answered", registered_at=registered, due_date=LATE_DAY,
            answered_at=registered + dt.timedelta(days=6), answered_on_time=True,
            working_days_to_answer=4,
        ))  # fmt: skip
    made = Appeal.objects.bulk_create(late)  # marks their days
    out["late_arrival_s"] = _rebuilt()
    moved = Appeal.objects.filter(
        registration_number__startswith="B-", answered_at__isnull=False
    ).order_by("id")[:200]
    with transaction.atomic():
        Appeal.objects.filter(pk__in=list(moved.values_list("id", flat=True))).update(
            answered_at=dt.datetime(2024, 3, 5, 12, tzinfo=ALMATY), working_days_to_answer=9
        )
    out["correction_s"] = _rebuilt()
    Appeal.objects.filter(pk__in=[a.pk for a in made]).delete()
    out["deletion_s"] = _rebuilt()
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appeals", type=int, default=500_000)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL=postgres://…")

    call_command("migrate", verbosity=0)
    departments, precincts = build_territory()
    generate_s = generate_appeals(args.appeals, departments, precincts)
    full_rebuild_s = None
    if generate_s or not AppealRollup.objects.exists():
        t0 = time.perf_counter()
        rollups.rebuild_all()
        full_rebuild_s = round(time.perf_counter() - t0, 1)
    else:
        rollups.rebuild_dirty()
    appeals = Appeal.objects.count()
    maintained = maintenance(departments)

    region = Department.objects.get(code="ab-3")
    precinct = Precinct.objects.filter(department__code="ab-3-2").order_by("number").first()
    timings, exact_ms, identical = {}, {}, True
    for name, view in _views(region, precinct).items():
        rolled = view(False)  # warm
        timings[name] = _timed(lambda view=view: view(False), args.repeats)
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            exact = view(True)
            runs.append((time.perf_counter() - t0) * 1000)
        exact_ms[name] = min(runs)
        same = metrics.same_measures(rolled, exact)
        identical &= same
        print(f"{name}: rollups p50 {statistics.median(timings[name]):.1f} ms, "
              f"p99 {_p99(timings[name]):.1f} ms; exact {exact_ms[name]:.0f} ms; "
              f"{'identical' if same else 'DIFFERENT'}", flush=True)  # fmt: skip

    rows = AppealRollup.objects.count()
    size = _sql("SELECT pg_total_relation_size('appeals_rollup_table')".replace(
        "appeals_rollup_table", AppealRollup._meta.db_table))[0][0]  # fmt: skip
    raw = _sql("SELECT pg_total_relation_size('appeals_appeal')")[0][0]
    result = {
        "appeals": appeals,
        "departments": len(departments),
        "views": {
            name: {
                "p50_ms": round(statistics.median(runs), 1),
                "p99_ms": round(_p99(runs), 1),
                "exact_ms": round(exact_ms[name], 1),
                "ratio_exact_over_p50": round(exact_ms[name] / statistics.median(runs), 1),
            }
            for name, runs in timings.items()
        },
        "identical": identical,
        **maintained,
        "full_rebuild_s": full_rebuild_s,
        "generate_s": round(generate_s, 1),
        "rollup_rows": rows,
        "rollup_rows_per_appeal": round(rows / appeals, 2),
        "rollup_mib": round(size / 2**20),
        "appeal_table_mib": round(raw / 2**20),
        "bytes_ratio": round(size / raw, 2),
        "repeats": args.repeats,
        "postgres": _sql("SHOW server_version")[0][0],
        **machine(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
