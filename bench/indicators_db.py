"""Benchmark: recomputing every indicator of a year for every department of the country
in PostgreSQL (goal: under 30 s), and the peak memory.

Run from the project root against a PostgreSQL database of its own::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_national \\
        .venv/bin/python bench/indicators_db.py [--scale 1.0] [--years 1] [--repeats 3]

It runs the code users run: ``evaluation.services.evaluation_compute`` with every real
source (dispatch measures from their rollups, appeals measures, crime counts, a survey
wave raked to its margins, the integrity registry, staffing, scores, Monte Carlo
intervals, peer ranks), nothing replaced, over the national data set of
``bench/_national.py`` (the last ``--years`` of 2016–2025 at ``--scale`` of the national
rates; it shares the data set with ``bench/national.py``). An earlier version swapped the
dispatch and appeals sources for simpler SQL over synthetic tables and reported 16.1 s
"met"; that figure is withdrawn.

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

import _national  # noqa: E402

PERIOD = ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sql(query: str, params=None):
    with connection.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall() if cur.description else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL=postgres://…")

    from precinct.appeals.models import Appeal
    from precinct.dispatch import rollups
    from precinct.dispatch.models import Incident, ResponseRollup
    from precinct.evaluation import services
    from precinct.evaluation.models import IndicatorValue, Period

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    districts = _national.build_country()
    _national.generate(districts, years=range(2026 - args.years, 2026), scale=args.scale)
    rollups.rebuild_dirty()
    if not ResponseRollup.objects.exists():
        rollups.rebuild_all()
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
        "scale": args.scale,
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
    print(json.dumps(result))


if __name__ == "__main__":
    main()
