"""Benchmark: recomputing every indicator for every department from 10 million incident
rows and 1 million appeals in PostgreSQL (goal: under 30 s), and the peak memory.

Run from the project root against a PostgreSQL database of its own::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_evaluation_bench \\
        .venv/bin/python bench/indicators_db.py [--incidents 10000000] [--appeals 1000000]
                                                [--departments 300] [--repeats 3]

The dispatch and appeals apps are built on other branches, so this tree has no incident
or appeal tables: the benchmark generates *equivalent synthetic tables* in the database
(``bench_incident``: department, received time, priority, response seconds, arrival
target; ``bench_appeal``: department, registration and answer times, on-time flag,
rating, reopened flag) with ``generate_series`` and computes from them the same measures
``dispatch.metrics`` and ``appeals.metrics`` return (share within target, 90th
percentile of arrival with ``percentile_cont``, on-time share, mean rating, reopened
share) by department, in the database. Everything else is the real pipeline:
``evaluation.services.evaluation_compute`` with crime counts, a survey wave raked to its
margins, the integrity registry, staffing, scores, Monte Carlo intervals and peer ranks
for every department. The tables are kept between runs (``--rebuild`` to regenerate).

The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

PERIOD = ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sql(query: str, params=None):
    with connection.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall() if cur.description else None


def build_territory(n_departments: int) -> None:
    """Regions, departments with residents, officers, counts, a survey wave, offences."""
    import numpy as np
    from django.utils import timezone

    from precinct.crime.models import DepartmentCount
    from precinct.evaluation.models import Period
    from precinct.integrity.models import Offence
    from precinct.surveys import selectors as survey_selectors
    from precinct.surveys import services as surveys
    from precinct.surveys.models import Response
    from precinct.territory import services as territory
    from precinct.territory.models import Department, Officer, Precinct, Region

    if Department.objects.filter(code__startswith="bench-").count() >= n_departments:
        return
    rng = np.random.default_rng(2026)
    per_region = max(1, n_departments // 20)
    districts = []
    for r in range(20):
        region = Region.objects.create(code=f"bench-{r}", kind="oblast", name=f"Регион {r}")
        top = territory.department_create(
            region=region, parent=None, kind="regional", code=f"bench-top-{r}", name=f"ДП {r}"
        )
        for k in range(per_region):
            d = territory.department_create(
                region=region,
                parent=top,
                kind="district",
                code=f"bench-{r}-{k}",
                name=f"УП {r}-{k}",
            )
            districts.append(d)
    Precinct.objects.bulk_create(
        Precinct(department=d, number=1, residents=int(rng.integers(20_000, 400_000)))
        for d in districts
    )
    officers = [
        Officer(department=d, role=role, last_name="Бенч", first_name="Тест")
        for d in districts
        for role in ["head"] + ["inspector"] * 20 + ["patrol"] * 30
    ]
    Officer.objects.bulk_create(officers, batch_size=5000)
    label, starts, ends = PERIOD
    Period.objects.get_or_create(label=label, defaults={"starts_on": starts, "ends_on": ends})
    Period.objects.get_or_create(
        label="2024", defaults={"starts_on": dt.date(2024, 1, 1), "ends_on": dt.date(2024, 12, 31)}
    )
    DepartmentCount.objects.bulk_create(
        DepartmentCount(
            department=d, period=p, category="total", registered=int(n), cleared=int(n * 0.45)
        )
        for d in districts
        for p, n in (("2024", rng.integers(200, 3000)), ("2025", rng.integers(200, 3000)))
    )
    ids = [o.pk for o in Officer.objects.filter(department__in=districts, role="patrol")]
    Offence.objects.bulk_create(
        Offence(
            officer_id=int(rng.choice(ids)),
            department_id=districts[int(rng.integers(len(districts)))].pk,
            occurred_on=starts + dt.timedelta(days=int(rng.integers(0, 365))),
            kind="disciplinary",
            article="нарушение дисциплины",
            outcome="reprimand",
        )
        for _ in range(2000)
    )
    # One survey wave per region, 2,000 respondents each, raked to district margins.
    for r in range(20):
        region = Region.objects.get(code=f"bench-{r}")
        deps = [d for d in districts if d.region_id == region.pk]
        margins = {str(d.pk): d.precincts.first().residents for d in deps}
        surveys.margins_set(region=region, dimension="district", totals=margins, source="bench")
        wave = surveys.survey_create(
            questionnaire=survey_selectors.questionnaire_standard(),
            region=region,
            period=label,
            opens_on=starts,
            closes_on=ends,
            mode="field",
        )
        Response.objects.bulk_create(
            Response(
                survey=wave,
                department=deps[i % len(deps)],
                age_group="30-44",
                sex="f",
                answers={"trust_local": int(rng.integers(1, 6)), "knows_inspector": bool(i % 2)},
                source="demo",
                submitted_at=timezone.now(),
            )
            for i in range(2000)
        )


def build_tables(n_incidents: int, n_appeals: int, rebuild: bool) -> None:
    """The synthetic incident and appeal tables, generated inside PostgreSQL."""
    have = _sql("SELECT to_regclass('bench_incident') IS NOT NULL")[0][0]
    if have and not rebuild:
        n = _sql("SELECT count(*) FROM bench_incident")[0][0]
        m = _sql("SELECT count(*) FROM bench_appeal")[0][0]
        if n == n_incidents and m == n_appeals:
            return
    deps = [r[0] for r in _sql("SELECT id FROM territory_department WHERE kind = 'district'")]
    _sql("DROP TABLE IF EXISTS bench_incident, bench_appeal")
    _sql(
        """
        CREATE TABLE bench_incident AS
        SELECT i AS id,
               (%s::bigint[])[1 + (i %% %s)] AS department_id,
               timestamptz '2024-07-01' + random() * interval '540 days' AS received_at,
               1 + (i %% 3) AS priority,
               (180 + random() * 1500)::int AS response_seconds,
               CASE i %% 3 WHEN 0 THEN 600 WHEN 1 THEN 900 ELSE 1200 END AS target_seconds
        FROM generate_series(1, %s) AS i
        """,
        [deps, len(deps), n_incidents],
    )
    _sql(
        """
        CREATE TABLE bench_appeal AS
        SELECT i AS id,
               (%s::bigint[])[1 + (i %% %s)] AS department_id,
               timestamptz '2024-07-01' + random() * interval '540 days' AS registered_at,
               random() < 0.85 AS answered_on_time,
               CASE WHEN random() < 0.4 THEN 1 + (random() * 4)::int END AS rating,
               random() < 0.05 AS reopened
        FROM generate_series(1, %s) AS i
        """,
        [deps, len(deps), n_appeals],
    )
    _sql("ALTER TABLE bench_appeal ADD COLUMN answered_at timestamptz")
    _sql("UPDATE bench_appeal SET answered_at = registered_at + interval '9 days'")
    _sql("CREATE INDEX ON bench_incident (received_at)")
    _sql("CREATE INDEX ON bench_appeal (answered_at)")
    _sql("ANALYZE bench_incident")
    _sql("ANALYZE bench_appeal")


def response_from_tables(t, period, min_n):
    """dispatch.metrics' department measures, computed from the synthetic table."""
    from precinct.evaluation.sources import NO_DATA, Raw

    rows = _sql(
        """
        SELECT department_id,
               count(*) FILTER (WHERE response_seconds <= target_seconds),
               count(*),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY response_seconds)
        FROM bench_incident
        WHERE received_at >= %s AND received_at < %s
        GROUP BY department_id
        """,
        [period.starts_on, period.ends_on + dt.timedelta(days=1)],
    )
    own = {r[0]: r for r in rows}
    within = t.sum({k: r[1] for k, r in own.items()})
    total = t.sum({k: r[2] for k, r in own.items()})
    out = {"response_within_target": {}, "response_p90": {}}
    for d in t.by_id:
        out["response_within_target"][d] = (
            Raw(within[d] / total[d], n=total[d]) if total[d] else NO_DATA
        )
        r = own.get(d)
        out["response_p90"][d] = Raw(r[3] / 60, n=r[2]) if r else NO_DATA
    return out


def appeals_from_tables(t, period, min_n):
    """appeals.metrics' department measures, computed from the synthetic table."""
    from precinct.evaluation.sources import NO_DATA, Raw

    lo, hi = period.starts_on, period.ends_on + dt.timedelta(days=1)
    answered = _sql(
        """
        SELECT department_id, count(*), count(*) FILTER (WHERE answered_on_time),
               sum(rating), count(rating)
        FROM bench_appeal WHERE answered_at >= %s AND answered_at < %s
        GROUP BY department_id
        """,
        [lo, hi],
    )
    registered = _sql(
        """
        SELECT department_id, count(*), count(*) FILTER (WHERE reopened)
        FROM bench_appeal WHERE registered_at >= %s AND registered_at < %s
        GROUP BY department_id
        """,
        [lo, hi],
    )
    a = {r[0]: r for r in answered}
    g = {r[0]: r for r in registered}
    n_ans, on_time = t.sum({k: r[1] for k, r in a.items()}), t.sum({k: r[2] for k, r in a.items()})
    rating_sum, rated = (
        t.sum({k: r[3] for k, r in a.items()}),
        t.sum({k: r[4] for k, r in a.items()}),
    )
    n_reg, reopened = t.sum({k: r[1] for k, r in g.items()}), t.sum({k: r[2] for k, r in g.items()})

    def ratio(x, y):
        return Raw(x / y, n=y) if y else NO_DATA

    return {
        "appeals_on_time": {d: ratio(on_time[d], n_ans[d]) for d in t.by_id},
        "appeals_rating": {d: ratio(rating_sum[d], rated[d]) for d in t.by_id},
        "appeals_reopened": {d: ratio(reopened[d], n_reg[d]) for d in t.by_id},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=10_000_000)
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--departments", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL=postgres://…")

    from precinct.evaluation import services, sources
    from precinct.evaluation.models import IndicatorValue, Period

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build_territory(args.departments)
    build_tables(args.incidents, args.appeals, args.rebuild)
    setup_s = time.perf_counter() - started
    parts: dict[str, list[float]] = {"response_sql_s": [], "appeals_sql_s": [], "surveys_s": []}

    def timed(name, fn):
        def run(*a, **kw):
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                parts[name].append(time.perf_counter() - t0)

        return run

    sources.response = timed("response_sql_s", response_from_tables)
    sources.appeals = timed("appeals_sql_s", appeals_from_tables)
    sources.surveys = timed("surveys_s", sources.surveys)
    period = Period.objects.get(label=PERIOD[0])
    baseline = _peak_mib()
    runs = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        n = services.evaluation_compute(period=period)
        runs.append(time.perf_counter() - t0)
    values = IndicatorValue.objects.filter(period=period).count()
    incidents = _sql("SELECT count(*) FROM bench_incident")[0][0]
    appeals = _sql("SELECT count(*) FROM bench_appeal")[0][0]
    result = {
        "departments": n,
        "indicator_values": values,
        "incident_rows": incidents,
        "appeal_rows": appeals,
        "compute_s_median": round(statistics.median(runs), 2),
        "compute_s_runs": [round(r, 2) for r in runs],
        "goal_s": 30,
        **{k: round(statistics.median(v), 2) for k, v in parts.items()},
        "setup_s": round(setup_s, 1),
        "peak_rss_mib": round(_peak_mib(), 1),
        "baseline_rss_mib": round(baseline, 1),
        "postgres": _sql("SHOW server_version")[0][0],
        **machine(),
    }
    print(
        f"{n} departments, {values} indicator values from {incidents:,} incidents and "
        f"{appeals:,} appeals: median {result['compute_s_median']} s (goal < 30 s); "
        f"peak RSS {result['peak_rss_mib']} MiB"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
