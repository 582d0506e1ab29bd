"""Benchmark: recomputing every indicator for every department from 10 million incident
rows and 1 million appeals in PostgreSQL (goal: under 30 s), and the peak memory.

Run from the project root against a PostgreSQL database of its own::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_evaluation_bench \\
        .venv/bin/python bench/indicators_db.py [--departments 300] [--repeats 3]

It runs the code users run: ``evaluation.services.evaluation_compute`` with every real
source (dispatch and appeals measures, crime counts, a survey wave raked to its margins,
the integrity registry, staffing, scores, Monte Carlo intervals, peer ranks), nothing
replaced. An earlier version swapped the dispatch and appeals sources for simpler SQL over
synthetic tables; that figure is withdrawn. Filling the product's own incident and appeal
tables at national volume needs the data generator of issue 15, which does not exist yet:
until it does, the benchmark times the real sources over the rows the database holds and
says in its JSON line that the 10-million-call figure cannot be measured yet.

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--departments", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL=postgres://…")

    from precinct.appeals.models import Appeal
    from precinct.dispatch.models import Incident
    from precinct.evaluation import services
    from precinct.evaluation.models import IndicatorValue, Period

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build_territory(args.departments)
    setup_s = time.perf_counter() - started
    period = Period.objects.get(label=PERIOD[0])
    baseline = _peak_mib()
    runs = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        n = services.evaluation_compute(period=period)
        runs.append(time.perf_counter() - t0)
    values = IndicatorValue.objects.filter(period=period).count()
    incidents = Incident.objects.count()
    appeals = Appeal.objects.count()
    result = {
        "departments": n,
        "indicator_values": values,
        "incident_rows": incidents,
        "appeal_rows": appeals,
        "compute_s_median": round(statistics.median(runs), 2),
        "compute_s_runs": [round(r, 2) for r in runs],
        "goal_s": 30,
        "cannot_measure_yet": "10 million calls and 1 million appeals in the product's own "
        "tables: needs the national data generator (issue 15)",
        "setup_s": round(setup_s, 1),
        "peak_rss_mib": round(_peak_mib(), 1),
        "baseline_rss_mib": round(baseline, 1),
        "postgres": _sql("SHOW server_version")[0][0],
        **machine(),
    }
    print(
        f"{n} departments, {values} indicator values from {incidents:,} incidents and "
        f"{appeals:,} appeals (real sources): median {result['compute_s_median']} s; "
        f"peak RSS {result['peak_rss_mib']} MiB"
    )
    print(f"cannot measure yet: {result['cannot_measure_yet']}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
