"""Benchmark: deadlines of 1,000,000 appeals in working days (goal < 2 s).

Run from the project root::

    .venv/bin/python bench/deadlines.py [--n 1000000] [--naive 20000] [--repeat 5]

Compares, in the same run, ``WorkingCalendar.add_working_days`` (numpy busday functions
over the Kazakhstan calendar) with a naive per-appeal loop over the ``holidays`` package
(the naive loop is timed on ``--naive`` appeals and scaled up), and checks that both give
the same dates. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

import holidays
import numpy as np

from _machine import machine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from precinct.analytics.calendar import kazakhstan_calendar, naive_add_working_days

LIMIT = 15  # APC RK art. 76: 15 working days to answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--naive", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=76)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    years = range(2016, 2028)
    starts = np.datetime64("2016-01-01") + rng.integers(0, 10 * 365, args.n).astype(
        "timedelta64[D]"
    )
    t0 = time.perf_counter()
    cal = kazakhstan_calendar(years)
    build_s = time.perf_counter() - t0
    runs = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        due = cal.add_working_days(starts, LIMIT)
        runs.append(time.perf_counter() - t0)
    fast_s = statistics.median(runs)

    days_off = set(holidays.country_holidays("KZ", years=list(years)))
    sample = starts[: args.naive].astype(dt.date)
    t0 = time.perf_counter()
    naive = [naive_add_working_days(d, LIMIT, days_off) for d in sample]
    naive_s = (time.perf_counter() - t0) * args.n / len(sample)
    identical = bool((np.array(naive, dtype="datetime64[D]") == due[: args.naive]).all())

    result = {
        "bench": "deadlines",
        "appeals": args.n,
        "calendar_build_s": round(build_s, 4),
        "vectorised_s_median": round(fast_s, 4),
        "vectorised_runs_s": [round(r, 4) for r in runs],
        "naive_s_scaled": round(naive_s, 2),
        "naive_sampled": len(sample),
        "speedup": round(naive_s / fast_s, 1),
        "goal_s": 2.0,
        "identical": identical,
        **machine(),
    }
    print(f"vectorised: {fast_s:.3f} s for {args.n:,} deadlines (goal < 2 s)")
    print(f"naive loop: {naive_s:.1f} s (scaled from {len(sample):,}), identical: {identical}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
