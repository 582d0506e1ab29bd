"""Benchmark: share of Almaty's residents within 10 and 15 min walk of today's open posts.

Run from the project root::

    .venv/bin/python bench/coverage.py [--repeats 20] [--posts 300] [--seed 2024]

Every walking-network node is a resident point (synthetic residents, see
``bench/almaty_instance.py``); ``--posts`` open posts are drawn with a seeded RNG where
people live. One timed run = ``reach_times`` (multi-source Dijkstra cut at 15 min) +
``covered_share`` for 10 and 15 min + ``coverage_by_group`` for 8 districts (grid
labels) x {10, 15} min. The isochrone map (``isochrone_polygons``) is timed separately.
Results are checked against one Dijkstra per post. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from _machine import machine
from almaty_instance import DEFAULT_PBF, load
from precinct.analytics.coverage import (
    coverage_by_group,
    covered_share,
    isochrone_polygons,
    reach_times,
)
from precinct.analytics.network import one_to_many


def run(walk, posts, residents, groups):
    times = reach_times(walk, posts, limit_s=15 * 60)
    shares = [covered_share(times, residents, m * 60) for m in (10, 15)]
    table = coverage_by_group(times, residents, groups, 8, [10 * 60, 15 * 60])
    return times, shares, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pbf", default=DEFAULT_PBF)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    inst = load(args.pbf, n_posts=args.posts, seed=args.seed)
    walk, residents, posts = inst.walk, inst.residents, inst.posts
    # Eight "districts": a 4 x 2 grid over the extract, as integer labels per node.
    col = np.minimum((4 * (walk.lon - walk.lon.min()) / np.ptp(walk.lon)).astype(int), 3)
    row = np.minimum((2 * (walk.lat - walk.lat.min()) / np.ptp(walk.lat)).astype(int), 1)
    groups = col * 2 + row

    run(walk, posts, residents, groups)  # warm up the numba kernel
    seconds = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        times, shares, table = run(walk, posts, residents, groups)
        seconds.append(time.perf_counter() - start)
    iso = []
    for _ in range(3):
        start = time.perf_counter()
        area = isochrone_polygons(walk, times, 15 * 60, cell_m=100)
        iso.append(time.perf_counter() - start)

    reference = np.min([one_to_many(walk, int(p), limit_s=15 * 60) for p in posts], axis=0)
    same = bool(np.array_equal(np.isinf(times), np.isinf(reference)) and np.allclose(
        times[np.isfinite(times)], reference[np.isfinite(reference)], atol=1e-9))  # fmt: skip
    figures = {
        "resident_points": int(walk.n_nodes),
        "residents": int(residents.sum()),
        "posts": int(posts.size),
        "coverage_s_median": round(statistics.median(seconds), 5),
        "coverage_s_max": round(max(seconds), 5),
        "share_10min": round(shares[0], 4),
        "share_15min": round(shares[1], 4),
        "district_shares_15min": np.round(
            table[:, 1] / np.bincount(groups, residents, minlength=8), 3
        ).tolist(),
        "isochrone_s_median": round(statistics.median(iso), 3),
        "isochrone_parts": len(getattr(area, "geoms", [area])),
        "same_as_per_post_dijkstra": same,
        **machine(),
    }
    print(f"coverage   {figures['coverage_s_median'] * 1000:.2f} ms median of {args.repeats} "
          f"({walk.n_nodes} resident points, {posts.size} posts)")  # fmt: skip
    print(f"shares     10 min {shares[0]:.1%}, 15 min {shares[1]:.1%}")
    print(f"isochrone  {figures['isochrone_s_median']:.3f} s (15 min, 100 m cells)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
