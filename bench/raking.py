"""Benchmark: raking 1,000,000 survey responses to three margins, precinct vs ipfn.

Run from the project root::

    .venv/bin/python bench/raking.py [--n 1000000] [--repeats 5] [--seed 2026]

Synthetic, seeded respondents of a city of 2,161,695 residents (Almaty's population at
1 January 2023), deliberately unrepresentative (too many older women, uneven districts,
too many graduates, with interactions between the variables) and with unequal design
weights (uniform 0.5–2). Three margins:

- age group × sex as ONE margin of 12 cells (6 age groups × 2 sexes),
- district, 8 cells,
- education, 4 cells.

The reference is the ``ipfn`` package (1.4.4): the sample is cross-tabulated into the
dense 12 × 8 × 4 table of base-weight sums with pandas, fitted by ``ipfn``'s numpy
method, and each respondent's weight is his base weight times his cell's fitted/seed
ratio. (``ipfn``'s DataFrame method is meant for one row per cell and cannot take one row
per respondent.) Both converge to a relative margin error of 1e-10; the weights must agree
to 1e-6. Each repeat times precinct and the reference back to back; figures are medians.
The last line of output is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from ipfn import ipfn

from _machine import machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # run from a checkout without installing

from precinct.analytics.weighting import rake  # noqa: E402

POPULATION = 2_161_695
TOL = 1e-10


def synthetic(n: int, seed: int):
    """Codes of the three margins, base weights and population targets (all seeded)."""
    rng = np.random.default_rng(seed)
    # The population's shares, and a sample that over-represents some categories.
    pop_age_sex = np.array([9, 8, 10, 9, 9, 8, 8, 9, 7, 8, 6, 9], dtype=float)
    pop_district = np.array([14, 11, 13, 12, 15, 10, 16, 9], dtype=float)
    pop_education = np.array([20, 45, 30, 5], dtype=float)
    bias_age_sex = np.array([0.5, 0.7, 0.7, 0.9, 0.8, 1.1, 1.0, 1.3, 1.2, 1.6, 1.4, 2.0])
    bias_district = np.array([1.5, 0.6, 1.0, 1.2, 0.8, 1.0, 0.7, 1.3])
    bias_education = np.array([0.5, 0.9, 1.6, 1.0])
    # Respondents are drawn from a joint table, biased per margin and with interactions
    # (education varies with age, districts differ), so raking needs real iterations.
    joint = (
        (pop_age_sex * bias_age_sex)[:, None, None]
        * (pop_district * bias_district)[None, :, None]
        * (pop_education * bias_education)[None, None, :]
        * np.exp(rng.normal(0.0, 0.5, size=(12, 8, 4)))
    )
    cells = rng.choice(joint.size, size=n, p=(joint / joint.sum()).ravel())
    codes = [c.astype(np.int16) for c in np.unravel_index(cells, joint.shape)]
    base = rng.uniform(0.5, 2.0, size=n)
    targets = [_split(POPULATION, p) for p in (pop_age_sex, pop_district, pop_education)]
    return codes, base, targets


def _split(total: int, shares: np.ndarray) -> np.ndarray:
    counts = np.floor(shares / shares.sum() * total)
    counts[0] += total - counts.sum()  # whole residents, same total in every margin
    return counts


def reference_rake(codes, base, targets, tol=TOL) -> np.ndarray:
    """Respondent weights by the ``ipfn`` package on the dense table of cells."""
    shape = tuple(len(t) for t in targets)
    frame = pd.DataFrame({f"m{k}": c for k, c in enumerate(codes)} | {"w": base})
    sums = frame.groupby([f"m{k}" for k in range(len(codes))])["w"].sum()
    seed = np.zeros(shape)
    seed[tuple(np.asarray(level) for level in zip(*sums.index, strict=True))] = sums.to_numpy()
    fit = ipfn.ipfn(
        seed.copy(),
        [t.copy() for t in targets],
        [[k] for k in range(len(targets))],
        convergence_rate=tol,
        max_iteration=1000,
        rate_tolerance=0,
    )
    with contextlib.redirect_stdout(io.StringIO()):  # ipfn prints its stopping reason
        fitted = fit.iteration()
    ratio = np.divide(fitted, seed, out=np.zeros(shape), where=seed > 0)
    return base * ratio[tuple(codes)]


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    codes, base, targets = synthetic(args.n, args.seed)
    names = ["age_sex", "district", "education"]
    # Warm-up: first calls pay for imports and page faults.
    rake(codes, targets, base_weights=base, tol=TOL, names=names)
    reference_rake(codes, base, targets)

    ours, theirs, diffs, rel_diffs = [], [], [], []
    for _ in range(args.repeats):
        result, t_ours = timed(rake, codes, targets, base_weights=base, tol=TOL, names=names)
        ref, t_ref = timed(reference_rake, codes, base, targets)
        ours.append(t_ours)
        theirs.append(t_ref)
        diffs.append(float(np.abs(result.weights - ref).max()))
        rel_diffs.append(float((np.abs(result.weights - ref) / ref).max()))
    p, r = statistics.median(ours), statistics.median(theirs)
    print(f"{args.n:,} respondents, margins 12 (age x sex) + 8 (district) + 4 (education)")
    print(
        f"precinct rake : {p * 1000:8.1f} ms median of {args.repeats}, "
        f"{result.iterations} iterations, converged={result.converged}"
    )
    print(f"ipfn reference: {r * 1000:8.1f} ms median of {args.repeats}")
    print(
        f"ratio {r / p:.1f}x; max |weight difference| {max(diffs):.2e} "
        f"(relative {max(rel_diffs):.2e}); mean weight {result.weights.mean():.4f}"
    )
    print(
        json.dumps(
            {
                "n": args.n,
                "margins": [12, 8, 4],
                "repeats": args.repeats,
                "precinct_s": round(p, 4),
                "reference_s": round(r, 4),
                "ratio": round(r / p, 2),
                "max_weight_diff": max(diffs),
                "max_relative_weight_diff": max(rel_diffs),
                "iterations": result.iterations,
                "converged": result.converged,
                "precinct_runs_s": [round(t, 4) for t in ours],
                "reference_runs_s": [round(t, 4) for t in theirs],
                "reference": "ipfn 1.4.4 (numpy, dense cell table built with pandas)",
                **machine(),
            }
        )
    )


if __name__ == "__main__":
    main()
