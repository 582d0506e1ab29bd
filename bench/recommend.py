"""Benchmark: rank 300 available units for one incident by road travel time (Almaty).

Run from the project root::

    .venv/bin/python bench/recommend.py [--units 300] [--incidents 500] [--nx-incidents 20]

One recommendation = snap the incident and every unit's last position to the driving
graph, one Dijkstra on the reversed graph from the incident (stopping once every unit is
settled), metres along the tree, sort — what ``dispatch.selectors.recommendations`` does
after reading the units. Compared in the same run with networkx (a full Dijkstra on the
reversed graph, the same ETAs checked) and with ranking by straight-line distance (how
often the nearest-looking unit is not the fastest, and how many seconds that costs).
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

from _machine import machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_PBF = ROOT.parent / "shared" / "data" / "osm" / "almaty.osm.pbf"

from precinct.analytics.dispatch import (  # noqa: E402
    ACCESS_SPEED_MPS,
    rank_units,
    straight_line_order,
)
from precinct.analytics.network import Snapper, build_networks  # noqa: E402


def recommend(drive, snapper, lon, lat, unit_lons, unit_lats):
    """The whole ranking for one incident, as the app runs it."""
    node, snap_m = snapper.snap(lon, lat)
    nodes, metres = snapper.snap_many(unit_lons, unit_lats)
    return rank_units(
        drive.reversed(), node, snap_m, nodes, metres, access_speed_mps=ACCESS_SPEED_MPS["car"]
    )


def percentile(values, q):
    return float(np.percentile(np.asarray(values), q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pbf", type=Path, default=DEFAULT_PBF)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--incidents", type=int, default=500)
    parser.add_argument("--nx-incidents", type=int, default=20)
    parser.add_argument("--seed", type=int, default=102)
    args = parser.parse_args()

    drive = build_networks(args.pbf).drive
    snapper = Snapper(drive)
    rng = np.random.default_rng(args.seed)
    # Units and incidents at random street nodes, jittered by up to ~30 m (a parked car).
    jitter = 0.0003
    unit_nodes = rng.choice(drive.n_nodes, args.units, replace=False)
    unit_lons = drive.lon[unit_nodes] + rng.uniform(-jitter, jitter, args.units)
    unit_lats = drive.lat[unit_nodes] + rng.uniform(-jitter, jitter, args.units)
    incident_nodes = rng.choice(drive.n_nodes, args.incidents, replace=False)
    inc_lons = drive.lon[incident_nodes] + rng.uniform(-jitter, jitter, args.incidents)
    inc_lats = drive.lat[incident_nodes] + rng.uniform(-jitter, jitter, args.incidents)

    reverse = drive.reversed()
    g = nx.DiGraph()
    g.add_weighted_edges_from(
        zip(reverse.tails().tolist(), reverse.indices.tolist(), reverse.seconds.tolist(),
            strict=True)
    )  # fmt: skip
    recommend(drive, snapper, inc_lons[0], inc_lats[0], unit_lons, unit_lats)  # warm up

    ours_ms, nx_ms, same = [], [], True
    reachable_counts, worse, worse_s = [], 0, []
    for k in range(args.incidents):
        start = time.perf_counter()
        ranking = recommend(drive, snapper, inc_lons[k], inc_lats[k], unit_lons, unit_lats)
        ours_ms.append((time.perf_counter() - start) * 1000)
        reachable_counts.append(len(ranking.order))
        if len(ranking.order) == 0:
            continue
        eta_of = dict(zip(ranking.order.tolist(), ranking.eta_seconds.tolist(), strict=True))
        # The straight-line pick among the units that can reach the incident at all.
        line = [int(u) for u in straight_line_order(inc_lons[k], inc_lats[k], unit_lons,
                                                     unit_lats) if int(u) in eta_of]  # fmt: skip
        picked, fastest = line[0], int(ranking.order[0])
        if eta_of[picked] > eta_of[fastest] + 1e-9:
            worse += 1
            worse_s.append(eta_of[picked] - eta_of[fastest])
        if k < args.nx_incidents:
            node, snap_m = snapper.snap(inc_lons[k], inc_lats[k])
            nodes, metres = snapper.snap_many(unit_lons, unit_lats)
            start = time.perf_counter()
            lengths = nx.single_source_dijkstra_path_length(g, int(node))
            nx_ms.append((time.perf_counter() - start) * 1000)
            for u, eta in eta_of.items():
                road = lengths.get(int(nodes[u]), np.inf)
                expected = road + (metres[u] + snap_m) / ACCESS_SPEED_MPS["car"]
                same &= bool(abs(expected - eta) < 1e-6)

    decided = sum(1 for c in reachable_counts if c)
    k = len(nx_ms)
    figures = {
        "graph": f"{args.pbf.name} drive",
        "nodes": drive.n_nodes,
        "edges": drive.n_edges,
        "units": args.units,
        "incidents": args.incidents,
        "reachable_units_median": statistics.median(reachable_counts),
        "p50_ms": round(percentile(ours_ms, 50), 3),
        "p99_ms": round(percentile(ours_ms, 99), 3),
        "networkx_ms_median": round(statistics.median(nx_ms), 3),
        "networkx_ratio": round(statistics.median(nx_ms) / statistics.median(ours_ms[:k]), 1),
        "etas_identical_to_networkx": same,
        "straight_line_not_fastest_share": round(worse / decided, 3),
        "straight_line_extra_s_median": round(statistics.median(worse_s), 1) if worse_s else 0,
        "straight_line_extra_s_p90": round(percentile(worse_s, 90), 1) if worse_s else 0,
        "straight_line_extra_s_max": round(max(worse_s), 1) if worse_s else 0,
        **machine(),
    }
    print(f"graph         {figures['graph']}: {drive.n_nodes} nodes, {drive.n_edges} edges")
    print(f"recommend     p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms "
          f"({args.units} units, {args.incidents} incidents)")  # fmt: skip
    print(f"networkx      {figures['networkx_ms_median']} ms median "
          f"-> precinct {figures['networkx_ratio']}x faster; same ETAs: {same}")  # fmt: skip
    print(f"straight line not the fastest for {worse}/{decided} incidents; extra seconds "
          f"median {figures['straight_line_extra_s_median']}, "
          f"p90 {figures['straight_line_extra_s_p90']}, "
          f"max {figures['straight_line_extra_s_max']}")  # fmt: skip
    print(json.dumps(figures))
    if not same:
        sys.exit("ETAs differ between precinct and networkx")


if __name__ == "__main__":
    main()
