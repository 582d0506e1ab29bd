"""Benchmark: patrol sizing, Erlang C model vs discrete-event simulation, zones x hours.

Run from the project root::

    .venv/bin/python bench/patrol_sizing.py [--zones 60] [--calls 20000] [--seed 2024]

Zones: a network Voronoi partition of Almaty's driving graph around ``--zones`` seeded
nodes. Travel samples per zone: driving times (routing engine, ``one_to_many``) from 12
random unit positions to 250 random incident nodes of the zone. Demand: a base rate per
zone (uniform 1-8 emergencies per hour, seeded) times a 24-hour profile (night low,
evening peak). Service: exponential, mean 35 min. Target: 10 min arrival for 80 % of calls
(zones whose travel alone cannot reach it are counted and left out).

For every zone and hour: ``c = required_units(...)``, the model's share at ``c`` and at
``c - 1`` (when stable), and the simulated share of the same zone (``--calls`` calls per
run, after a warm-up). The figures are the differences simulated - predicted. The last
line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from _machine import machine
from almaty_instance import DEFAULT_PBF
from precinct.analytics.network import build_networks, multi_source, one_to_many
from precinct.analytics.patrol import required_units, response_share, simulate_zone

#: Relative call volume by hour of day (0-23), mean 1: quiet night, evening peak.
PROFILE = np.array([0.7, 0.55, 0.45, 0.4, 0.4, 0.45, 0.6, 0.8, 0.95, 1.0, 1.05, 1.1,
                    1.1, 1.1, 1.1, 1.15, 1.2, 1.3, 1.4, 1.5, 1.5, 1.4, 1.2, 0.95])  # fmt: skip
PROFILE = PROFILE / PROFILE.mean()
SERVICE_S = 35 * 60.0
TARGET_S = 600.0
SHARE = 0.8


def zone_travel(drive, zones: int, rng) -> list[np.ndarray]:
    seeds = rng.choice(drive.n_nodes, zones, replace=False)
    _, label = multi_source(drive, seeds)
    samples = []
    for z in range(zones):
        member = np.flatnonzero(label == z)
        units = rng.choice(member, min(12, member.size), replace=False)
        incidents = rng.choice(member, 250, replace=True)
        times = np.concatenate([one_to_many(drive, int(u), incidents) for u in units])
        samples.append(times[np.isfinite(times)])
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pbf", default=DEFAULT_PBF)
    parser.add_argument("--zones", type=int, default=60)
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    drive = build_networks(args.pbf).drive
    travel = zone_travel(drive, args.zones, rng)
    base = rng.uniform(1.0, 8.0, args.zones)
    diffs, diffs_below, sized, skipped, units_total = [], [], 0, 0, 0
    start = time.perf_counter()
    model_s = sim_s = 0.0
    for z, samples in enumerate(travel):
        if (samples <= TARGET_S).mean() < SHARE:
            skipped += 1
            continue
        for hour in range(24):
            rate = base[z] * PROFILE[hour]
            t0 = time.perf_counter()
            c, predicted = required_units(rate, SERVICE_S, samples, TARGET_S, SHARE)
            model_s += time.perf_counter() - t0
            horizon_s = args.calls / rate * 3600.0
            seed = args.seed + 1000 * z + hour
            t0 = time.perf_counter()
            run = simulate_zone(
                rate, SERVICE_S, c, samples, TARGET_S, horizon_s=horizon_s, seed=seed
            )
            sim_s += time.perf_counter() - t0
            diffs.append(run.share - predicted)
            units_total += c
            sized += 1
            if c - 1 > rate * SERVICE_S / 3600:  # one unit fewer, still a stable queue
                below = response_share(rate, SERVICE_S, c - 1, samples, TARGET_S)
                run = simulate_zone(rate, SERVICE_S, c - 1, samples, TARGET_S,
                                    horizon_s=horizon_s, seed=seed)  # fmt: skip
                diffs_below.append(run.share - below)
    elapsed = time.perf_counter() - start
    d, b = np.abs(diffs), np.abs(diffs_below)
    figures = {
        "zones": args.zones,
        "zones_skipped_travel_too_long": skipped,
        "zone_hours": sized,
        "calls_per_run": args.calls,
        "unit_hours_needed": units_total,
        "abs_diff_median": round(float(np.median(d)), 4),
        "abs_diff_p95": round(float(np.quantile(d, 0.95)), 4),
        "abs_diff_max": round(float(d.max()), 4),
        "mean_diff": round(float(np.mean(diffs)), 4),
        "below_c_cases": len(diffs_below),
        "below_c_abs_diff_median": round(float(np.median(b)), 4) if b.size else None,
        "below_c_abs_diff_max": round(float(b.max()), 4) if b.size else None,
        "model_ms_per_zone_hour": round(1000 * model_s / max(sized, 1), 3),
        "sim_ms_per_run": round(1000 * sim_s / max(sized, 1), 2),
        "total_s": round(elapsed, 2),
        **machine(),
    }
    print(f"sized      {sized} zone-hours ({skipped} zones skipped: travel alone too long)")
    print(f"|sim - model| share within {TARGET_S:.0f} s: median {figures['abs_diff_median']:.4f}, "
          f"p95 {figures['abs_diff_p95']:.4f}, max {figures['abs_diff_max']:.4f}")  # fmt: skip
    print(f"at c - 1   median {figures['below_c_abs_diff_median']}, "
          f"max {figures['below_c_abs_diff_max']} over {len(diffs_below)} cases")  # fmt: skip
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
