"""Benchmark: recommend units on a region-sized driving graph (300 thousand nodes, 300 units).

Run from the project root::

    .venv/bin/python bench/recommend_region.py [--tiles 4] [--units 300] [--calls 1000]

The largest real extract at ../shared/data is Almaty's (a 20.9 thousand node driving
graph); no region's extract is there. The region-sized graph is made of that real graph:
``--tiles`` x ``--tiles`` copies of it side by side, each copy's border joined to its
neighbours' by a few two-way roads (16 copies: 334 thousand nodes, the size the issue
measured). It is imported with the project's importer and cached under var/bench/.

Per call (a random node, jittered <= 30 m, like the 300 units), side by side in one run:

- the console's recommendation: snap the call and the units, ``rank_units(first=10)``:
  a Dijkstra on the reversed graph that stops once the ten fastest units are known;
- the full ranking of every unit (``first=None``, what every call cost before);
- the reference: ``scipy.sparse.csgraph.dijkstra`` from the call's node over the whole
  reversed graph, every unit's ETA from it.

The ten ETAs and their order must equal the reference's first ten (within 1e-9 s), and
the full ranking all of it; every unit left out must be no faster than its stated bound.
``measure`` is what ``bench/national.py`` calls. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import dijkstra

from _machine import machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_PBF = ROOT.parent / "shared" / "data" / "osm" / "almaty.osm.pbf"
CACHE = ROOT / "var" / "bench"

from precinct.analytics.dispatch import ACCESS_SPEED_MPS, rank_units  # noqa: E402
from precinct.analytics.network import (  # noqa: E402
    Snapper,
    graph_from_edges,
    import_networks,
    load_graph,
    save_graph,
)
from precinct.analytics.network.graph import Graph, haversine_m  # noqa: E402

CAR = ACCESS_SPEED_MPS["car"]
SHOWN_FIRST = 10  # the console's unfolded units (dispatch.views.UNITS_SHOWN_FIRST)
TOLERANCE_S = 1e-9
LINK_KMH = 60.0  # the roads joining neighbouring copies
LINKS_PER_SIDE = 8


def city_graph(pbf: Path) -> Graph:
    """The city's driving graph, imported once with the project's importer."""
    out = CACHE / pbf.name.split(".")[0]
    if not (out / "drive.npz").is_file():
        import_networks(pbf, out)
    return load_graph(out / "drive.npz")


def region_graph(pbf: Path = DEFAULT_PBF, tiles: int = 4) -> Graph:
    """``tiles`` x ``tiles`` copies of the city's driving graph joined into one (cached)."""
    path = CACHE / f"{pbf.name.split('.')[0]}-region-{tiles}x{tiles}-drive.npz"
    if path.is_file():
        return load_graph(path)
    graph = tile(city_graph(pbf), tiles)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_graph(graph, path)
    return graph


def tile(city: Graph, tiles: int) -> Graph:
    """Copies of ``city`` on a grid, north and east of it, with two-way links between
    neighbours; northwards so that a degree of longitude only shrinks and every stored
    edge stays at least as long as the straight line between its ends."""
    n = city.n_nodes
    width = float(np.ptp(city.lon)) * 1.02
    height = float(np.ptp(city.lat)) * 1.02
    tail0, head0 = city.tails().astype(np.int64), city.indices.astype(np.int64)
    parts = {k: [] for k in ("tail", "head", "seconds", "meters", "lon", "lat", "osm")}
    for t in range(tiles * tiles):
        i, j = divmod(t, tiles)
        parts["tail"].append(tail0 + t * n)
        parts["head"].append(head0 + t * n)
        parts["seconds"].append(city.seconds)
        parts["meters"].append(city.meters)
        parts["lon"].append(city.lon + i * width)
        parts["lat"].append(city.lat + j * height)
        parts["osm"].append(city.osm_id + t * 10**11)
    lon, lat = np.concatenate(parts["lon"]), np.concatenate(parts["lat"])
    links = _links(city, tiles, n)
    metres = haversine_m(lon[links[:, 0]], lat[links[:, 0]], lon[links[:, 1]], lat[links[:, 1]])
    a, b = links[:, 0], links[:, 1]
    return graph_from_edges(
        np.concatenate([*parts["tail"], a, b]), np.concatenate([*parts["head"], b, a]),
        np.concatenate([*parts["seconds"], *[metres / (LINK_KMH / 3.6)] * 2]),
        np.concatenate([*parts["meters"], metres, metres]),
        lon, lat, np.concatenate(parts["osm"]), mode="drive",
        source=f"{city.source} x{tiles * tiles} (tiled)", speeds_kmh=city.speeds_kmh,
    )  # fmt: skip


def _links(city: Graph, tiles: int, n: int) -> np.ndarray:
    """Pairs of nodes joining each copy to its east and north neighbours: in each of a few
    bands along the shared side, the outermost node of one copy and of the other."""
    east = _outermost(city.lon, city.lat, largest=True)
    west = _outermost(city.lon, city.lat, largest=False)
    north = _outermost(city.lat, city.lon, largest=True)
    south = _outermost(city.lat, city.lon, largest=False)
    pairs = []
    for t in range(tiles * tiles):
        i, j = divmod(t, tiles)
        if i + 1 < tiles:
            pairs += [(t * n + a, (t + tiles) * n + b) for a, b in zip(east, west, strict=True)]
        if j + 1 < tiles:
            pairs += [(t * n + a, (t + 1) * n + b) for a, b in zip(north, south, strict=True)]
    return np.array(pairs, dtype=np.int64)


def _outermost(across: np.ndarray, along: np.ndarray, *, largest: bool) -> list[int]:
    """Per band of ``along``, the node with the largest (or smallest) ``across``."""
    edges = np.linspace(along.min(), along.max(), LINKS_PER_SIDE + 1)
    band = np.clip(np.searchsorted(edges, along, side="right") - 1, 0, LINKS_PER_SIDE - 1)
    out = []
    for b in range(LINKS_PER_SIDE):
        members = np.flatnonzero(band == b)
        key = across[members] if largest else -across[members]
        out.append(int(members[np.argmax(key)]))
    return out


def recommend(reverse, snapper, lon, lat, unit_lons, unit_lats, first):
    """One call's ranking, as ``dispatch.selectors.recommendations`` runs it."""
    node, snap_m = snapper.snap(lon, lat)
    nodes, metres = snapper.snap_many(unit_lons, unit_lats)
    return rank_units(reverse, node, snap_m, nodes, metres, access_speed_mps=CAR, first=first)


def reference_etas(csr, node, snap_m, nodes, metres) -> tuple[np.ndarray, np.ndarray]:
    """scipy's full Dijkstra from the call: every unit's ETA, ranked by (ETA, index)."""
    road = dijkstra(csr, indices=node)
    eta = np.where(nodes >= 0, road[nodes] + (metres + snap_m) / CAR, np.inf)
    order = np.flatnonzero(np.isfinite(eta))
    order = order[np.argsort(eta[order], kind="stable")]
    return order, eta


def _agrees(ranking, order, eta, k) -> bool:
    """Same units in the same order, ETAs within the tolerance, bounds never above ETAs."""
    k = min(k, order.size)
    same = np.array_equal(ranking.order, order[:k]) and bool(
        np.all(np.abs(ranking.eta_seconds - eta[order[:k]]) <= TOLERANCE_S)
    )
    honest = bool(np.all(eta[ranking.unranked] >= ranking.eta_at_least - TOLERANCE_S))
    kept = ranking.order.size + ranking.unranked.size == order.size
    return same and honest and kept


def measure(graph: Graph, *, units: int = 300, calls: int = 1000, seed: int = 102,
            first: int = SHOWN_FIRST, full_calls: int | None = None) -> dict:  # fmt: skip
    """Time the console's recommendation on ``graph`` and check it against the references.

    ``full_calls`` (default all) limits the calls also run through the full ranking and
    scipy, which take ~50 and ~100 ms each on a region's graph.
    """
    rng = np.random.default_rng(seed)
    jitter = 0.0003  # ~30 m: a parked car, a caller's door
    unit_nodes = rng.choice(graph.n_nodes, units, replace=False)
    unit_lons = graph.lon[unit_nodes] + rng.uniform(-jitter, jitter, units)
    unit_lats = graph.lat[unit_nodes] + rng.uniform(-jitter, jitter, units)
    call_nodes = rng.choice(graph.n_nodes, calls, replace=False)
    call_lons = graph.lon[call_nodes] + rng.uniform(-jitter, jitter, calls)
    call_lats = graph.lat[call_nodes] + rng.uniform(-jitter, jitter, calls)
    reverse, snapper = graph.reversed(), Snapper(graph)
    csr = reverse.to_csr_matrix()
    recommend(reverse, snapper, call_lons[0], call_lats[0], unit_lons, unit_lats, first)
    recommend(reverse, snapper, call_lons[0], call_lats[0], unit_lons, unit_lats, None)

    ms = {"first": [], "first_cpu": [], "full": [], "scipy": []}
    identical = True
    full_calls = calls if full_calls is None else min(full_calls, calls)
    for c in range(calls):
        args = (reverse, snapper, call_lons[c], call_lats[c], unit_lons, unit_lats)
        start, cpu = time.perf_counter(), time.thread_time()
        some = recommend(*args, first)
        ms["first"].append((time.perf_counter() - start) * 1000)
        ms["first_cpu"].append((time.thread_time() - cpu) * 1000)
        if c >= full_calls:
            continue
        start = time.perf_counter()
        full = recommend(*args, None)
        ms["full"].append((time.perf_counter() - start) * 1000)
        node, snap_m = snapper.snap(call_lons[c], call_lats[c])
        nodes, metres = snapper.snap_many(unit_lons, unit_lats)
        start = time.perf_counter()
        order, eta = reference_etas(csr, node, snap_m, nodes, metres)
        ms["scipy"].append((time.perf_counter() - start) * 1000)
        identical &= _agrees(some, order, eta, first) and _agrees(full, order, eta, units)

    def pct(name, q):
        return round(float(np.percentile(ms[name], q)), 2)

    return {
        "recommend_graph": graph.source,
        "recommend_graph_nodes": graph.n_nodes,
        "recommend_graph_edges": graph.n_edges,
        "recommend_units": units,
        "recommend_calls": calls,
        "recommend_first": first,
        "recommend_p50_ms": pct("first", 50),
        "recommend_p99_ms": pct("first", 99),
        "recommend_cpu_p99_ms": pct("first_cpu", 99),  # the thread's own time: load aside
        "full_ranking_p50_ms": pct("full", 50),
        "full_ranking_p99_ms": pct("full", 99),
        "scipy_dijkstra_p50_ms": pct("scipy", 50),
        "speedup_vs_full_p99": round(pct("full", 99) / pct("first", 99), 1),
        "reference_calls": full_calls,
        "etas_identical": bool(identical),
        "tolerance_s": TOLERANCE_S,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pbf", type=Path, default=DEFAULT_PBF)
    parser.add_argument("--tiles", type=int, default=4)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=102)
    args = parser.parse_args()

    runs = {}
    for name, graph in (("city", city_graph(args.pbf)),
                        ("region", region_graph(args.pbf, args.tiles))):  # fmt: skip
        figures = measure(graph, units=args.units, calls=args.calls, seed=args.seed)
        runs[name] = figures
        print(f"{name:7s} {figures['recommend_graph']}: {graph.n_nodes} nodes, "
              f"{graph.n_edges} edges; {args.units} units, {args.calls} calls")  # fmt: skip
        print(f"  first {SHOWN_FIRST}: p50 {figures['recommend_p50_ms']} ms, "
              f"p99 {figures['recommend_p99_ms']} ms | every unit: p50 "
              f"{figures['full_ranking_p50_ms']} ms, p99 {figures['full_ranking_p99_ms']} ms"
              f" | scipy one-to-all p50 {figures['scipy_dijkstra_p50_ms']} ms; "
              f"ETAs identical: {figures['etas_identical']}")  # fmt: skip
    result = {"benchmark": "recommend_region", **runs["region"], "city": runs["city"],
              "goal_p99_ms": 10, **machine()}  # fmt: skip
    print(json.dumps(result))
    if not all(r["etas_identical"] for r in runs.values()):
        sys.exit("ETAs differ from the full Dijkstra")


if __name__ == "__main__":
    main()
