"""Benchmark: the pure-numpy part of the scorecards (precinct.analytics.indicators).

Run from the project root::

    .venv/bin/python bench/indicators.py [--units 300] [--indicators 30] [--periods 8]
                                         [--draws 1000] [--repeats 5] [--seed 2026]

Synthetic, seeded indicator values for every department (Kazakhstan has a few hundred),
a third of them survey-based with standard errors, 5 % missing. Times, as medians of the
repeats: normalising every indicator, the composite index, its Monte Carlo interval,
ranks within population bands for every indicator and the index, and the trend of every
indicator over the periods. The database-heavy part (measures from incidents and appeals)
is benchmarked by the evaluation app. The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from _machine import machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # run from a checkout without installing

from precinct.analytics.indicators import (  # noqa: E402
    composite,
    composite_uncertainty,
    normalise,
    peer_rank,
    trend,
)


def synthetic(units: int, indicators: int, periods: int, seed: int):
    rng = np.random.default_rng(seed)
    history = rng.normal(50, 10, size=(units, indicators, periods))
    history += rng.normal(0, 1, size=(units, indicators, 1)) * np.arange(periods)
    history[rng.random(history.shape) < 0.05] = np.nan
    values = history[:, :, -1]
    se = np.where(np.arange(indicators) % 3 == 0, rng.uniform(1, 5, size=values.shape), np.nan)
    directions = ["higher_better" if j % 2 else "lower_better" for j in range(indicators)]
    weights = rng.uniform(0.5, 2, size=indicators)
    band = np.digitize(rng.lognormal(11, 1, size=units), [50_000, 150_000, 400_000])
    return history, values, se, directions, weights, band


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def run(history, values, se, directions, weights, band, draws):
    """One full recomputation; seconds per step."""
    t = {}
    scores, t["normalise_s"] = timed(
        lambda: np.column_stack(
            [normalise(values[:, j], directions[j]) for j in range(values.shape[1])]
        )
    )
    (index, _), t["composite_s"] = timed(composite, scores, weights, 0.6)
    _, t["uncertainty_s"] = timed(
        composite_uncertainty, values, se, weights, directions, min_coverage=0.6, n_draws=draws
    )

    def ranks():
        for j in range(values.shape[1]):
            peer_rank(values[:, j], band, directions[j])
        return peer_rank(index, band, "higher_better")

    _, t["peer_rank_s"] = timed(ranks)
    _, t["trend_s"] = timed(lambda: trend(history.reshape(-1, history.shape[2])))
    t["total_s"] = sum(t.values())
    return t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--indicators", type=int, default=30)
    parser.add_argument("--periods", type=int, default=8)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    data = synthetic(args.units, args.indicators, args.periods, args.seed)
    run(*data, draws=50)  # warm-up
    runs = [run(*data, draws=args.draws) for _ in range(args.repeats)]
    medians = {k: round(statistics.median(r[k] for r in runs), 5) for k in runs[0]}
    print(
        f"{args.units} units x {args.indicators} indicators x {args.periods} periods, "
        f"{args.draws} Monte Carlo draws, median of {args.repeats}"
    )
    for k, v in medians.items():
        print(f"  {k[:-2]:<12} {v * 1000:9.2f} ms")
    print(
        json.dumps(
            {
                "units": args.units,
                "indicators": args.indicators,
                "periods": args.periods,
                "draws": args.draws,
                "repeats": args.repeats,
                **medians,
                **machine(),
            }
        )
    )


if __name__ == "__main__":
    main()
