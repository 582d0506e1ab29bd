"""Benchmark: siting new posts (MCLP), precinct (HiGHS, sparse) vs PySAL spopt (PuLP/CBC).

Run from the project root (spopt is in the ``bench`` extra)::

    .venv/bin/python bench/siting.py [--repeats 3] [--spopt-repeats 1]

(a) SF: spopt's stored instance (205 tracts, 16 stores, 5,000 m, p = 4, POP2000).
(b) Almaty: every walking-network node a demand point weighted by synthetic residents
    (see ``bench/almaty_instance.py``), 1,000 candidates spread by farthest-point
    sampling, 15 min walk, k = 30. precinct's time includes building the coverage sets
    from the graph (its routing); spopt gets the demand x candidate time matrix for free
    (computed by precinct, cut at 15 min) and is timed for ``MCLP.from_cost_matrix`` +
    ``solve(PULP_CBC_CMD)``, spopt's documented default solver.
(c) precinct alone at full scale: every node a candidate, k = 30, 15 min: with today's
    300 posts' coverage fixed (the planners' question; proven optimal), and without any
    posts (stopping at a proven 1 % gap, and once more with 60 s to close the gap).

The last line of output is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import time

import numpy as np

from _machine import machine
from almaty_instance import DEFAULT_PBF, ROOT, load, spread_candidates
from precinct.analytics import coverage, siting
from precinct.analytics.network import one_to_many

SF = ROOT.parent / "shared" / "data" / "mclp_sf_spopt"


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def load_sf():
    with open(SF / "SF_network_distance_candidateStore_16_censusTract_205_new.csv") as fh:
        rows = list(csv.DictReader(fh))
    tracts = sorted({r["DestinationName"] for r in rows})
    stores = sorted({r["name"] for r in rows})
    ti = {t: i for i, t in enumerate(tracts)}
    si = {s: j for j, s in enumerate(stores)}
    distance = np.full((len(tracts), len(stores)), np.nan)
    for r in rows:
        distance[ti[r["DestinationName"]], si[r["name"]]] = float(r["distance"])
    with open(SF / "SF_demand_205_centroid_uniform_weight.csv") as fh:
        population = {r["NAME"]: float(r["POP2000"]) for r in csv.DictReader(fh)}
    return distance, np.array([population[t] for t in tracts])


def spopt_mclp(cost, weights, radius, p):
    """spopt's MCLP as its users run it; returns the objective (covered weight)."""
    import pulp
    from spopt.locate import MCLP

    model = MCLP.from_cost_matrix(cost, weights, service_radius=radius, p_facilities=p)
    model = model.solve(pulp.PULP_CBC_CMD(msg=False))
    return float(pulp.value(model.problem.objective))


def precinct_mclp_matrix(cost, weights, radius, p):
    return siting.maximal_covering(siting.coverage_sets_from_matrix(cost, radius), weights, p)


def precinct_mclp_graph(walk, demand, candidates, weights, reach_s, k, **options):
    cover = siting.coverage_sets(walk, demand, candidates, reach_s)
    return siting.maximal_covering(cover, weights, k, **options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pbf", default=DEFAULT_PBF)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--spopt-repeats", type=int, default=1)
    parser.add_argument(
        "--skip-spopt-almaty",
        action="store_true",
        help="leave out spopt on Almaty (it takes ~10 min)",
    )
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    out: dict = {}

    # (a) SF
    distance, pop = load_sf()
    precinct_mclp_matrix(distance, pop, 5000, 4)  # warm up (numba, HiGHS)
    spopt_mclp(distance, pop, 5000, 4)
    ours, theirs = [], []
    for _ in range(max(args.repeats, 5)):
        result, t = timed(precinct_mclp_matrix, distance, pop, 5000, 4)
        ours.append(t)
        sf_spopt, t = timed(spopt_mclp, distance, pop, 5000, 4)
        theirs.append(t)
    out["sf_objective"] = result.objective
    out["sf_spopt_objective"] = sf_spopt
    out["sf_covered_tracts"] = int(result.covered.sum())
    out["sf_same_objective"] = result.objective == sf_spopt
    out["sf_precinct_s"] = round(statistics.median(ours), 4)
    out["sf_spopt_s"] = round(statistics.median(theirs), 4)
    out["sf_ratio"] = round(out["sf_spopt_s"] / out["sf_precinct_s"], 1)
    print(f"SF         precinct {out['sf_precinct_s']:.4f} s, spopt {out['sf_spopt_s']:.4f} s, "
          f"objective {result.objective:.0f} vs {sf_spopt:.0f}, "
          f"{out['sf_covered_tracts']}/205 tracts")  # fmt: skip

    # (b) Almaty, 1,000 candidates
    inst = load(args.pbf, seed=args.seed)
    walk, residents = inst.walk, inst.residents
    nodes = np.arange(walk.n_nodes)
    candidates = spread_candidates(walk, 1000, seed=args.seed)
    precinct_mclp_graph(walk, nodes[:100], candidates[:50], residents[:100], 900, 5)  # warm up
    ours = []
    for _ in range(args.repeats):
        result, t = timed(precinct_mclp_graph, walk, nodes, candidates, residents, 900, 30)
        ours.append(t)
    back = walk.reversed()
    cost = np.stack([one_to_many(back, int(c), limit_s=900.0) for c in candidates], axis=1)
    matrix_runs = [timed(precinct_mclp_matrix, cost, residents, 900.0, 30)[1] for _ in range(3)]
    theirs, almaty_spopt = [], float("nan")
    for _ in range(0 if args.skip_spopt_almaty else args.spopt_repeats):
        almaty_spopt, t = timed(spopt_mclp, cost, residents, 900.0, 30)
        theirs.append(t)
        print(f"  spopt run {t:.1f} s, objective {almaty_spopt:.0f}", flush=True)
    out["precinct_s"] = round(statistics.median(ours), 3)
    out["precinct_from_matrix_s"] = round(statistics.median(matrix_runs), 3)
    out["spopt_s"] = round(statistics.median(theirs), 2) if theirs else None
    out["ratio"] = round(out["spopt_s"] / out["precinct_s"], 1) if theirs else None
    out["same_objective"] = result.objective == almaty_spopt
    out["objective"] = result.objective
    out["spopt_objective"] = almaty_spopt
    out["gap"] = result.gap
    out["status"] = result.status
    out["demand_points"] = int(walk.n_nodes)
    out["candidates"] = int(candidates.size)
    print(f"Almaty     precinct {out['precinct_s']:.3f} s (from the matrix "
          f"{out['precinct_from_matrix_s']:.3f} s), spopt {out['spopt_s']} s, "
          f"ratio {out['ratio']}x, objective {result.objective:.0f} "
          f"vs {almaty_spopt:.0f}")  # fmt: skip

    # (c) full scale, precinct alone
    def full(fixed_posts: bool, time_limit: float, mip_gap: float):
        cover = siting.coverage_sets(walk, nodes, nodes, 900)
        fixed = None
        if fixed_posts:
            fixed = coverage.reach_times(walk, inst.posts, limit_s=900.0) <= 900.0
        return siting.maximal_covering(
            cover, residents, 30, fixed_covered=fixed, time_limit=time_limit, mip_gap=mip_gap
        )

    def report(key: str, runs: list) -> None:
        last = runs[-1][0]
        out[f"{key}_s"] = round(statistics.median(t for _, t in runs), 2)
        out[f"{key}_s_runs"] = [round(t, 2) for _, t in runs]
        out[f"{key}_gap"] = round(last.gap, 6)
        out[f"{key}_status"] = last.status
        out[f"{key}_method"] = last.method
        out[f"{key}_objective"] = last.objective
        out[f"{key}_bound"] = round(last.bound, 1)
        out[f"{key}_share_before"] = round(last.share_before, 4)
        out[f"{key}_share_after"] = round(last.share_after, 4)
        print(f"{key:<20} {out[key + '_s']:6.2f} s median, gap {last.gap:.3%}, "
              f"{last.status} ({last.method}), "
              f"share {last.share_before:.1%} -> {last.share_after:.1%}")  # fmt: skip

    # Today's 300 posts fixed, prove optimality (mip_gap 0).
    report("full", [timed(full, True, 60.0, 0.0) for _ in range(args.repeats)])
    # No posts yet: the hard case. Stop at a proven 1 % gap, then see what 60 s proves.
    report("full_nofixed", [timed(full, False, 60.0, 0.01) for _ in range(args.repeats)])
    report("full_nofixed_exact", [timed(full, False, 60.0, 0.0)])
    out.update(machine())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
