"""Benchmark: one-to-all walking times on the Almaty graph, precinct vs scipy vs networkx.

Run from the project root::

    .venv/bin/python bench/one_to_all.py [--sources 50] [--nx-sources 10] [--seed 2024]

Each source is timed with precinct and scipy.sparse.csgraph.dijkstra (on a prebuilt
csr_matrix, ``indices=source``) back to back; networkx runs on the first few sources only.
Every result is checked to be identical (same inf pattern, atol 1e-9 s). The last line of
output is one JSON object with the figures.
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
from scipy.sparse.csgraph import dijkstra

from _machine import machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # run from a checkout without installing
DEFAULT_PBF = ROOT.parent / "shared" / "data" / "osm" / "almaty.osm.pbf"

from precinct.analytics.network import build_networks, one_to_many  # noqa: E402


def timed(fn, *args, **kwargs):
    """``(result, milliseconds)`` of one call."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, (time.perf_counter() - start) * 1000


def identical(a: np.ndarray, b: np.ndarray) -> bool:
    """Same inf pattern and finite values within 1e-9 s."""
    finite = np.isfinite(a)
    return bool(
        np.array_equal(finite, np.isfinite(b))
        and np.allclose(a[finite], b[finite], rtol=0, atol=1e-9)
    )


def networkx_times(g: nx.DiGraph, source: int, n: int) -> np.ndarray:
    lengths = nx.single_source_dijkstra_path_length(g, source)
    times = np.full(n, np.inf)
    times[list(lengths)] = list(lengths.values())
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pbf", type=Path, default=DEFAULT_PBF)
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--nx-sources", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    walk = build_networks(args.pbf).walk
    matrix = walk.to_csr_matrix()
    g = nx.DiGraph()
    g.add_weighted_edges_from(
        zip(walk.tails().tolist(), walk.indices.tolist(), walk.seconds.tolist(), strict=True)
    )
    sources = np.random.default_rng(args.seed).choice(walk.n_nodes, args.sources, replace=False)

    one_to_many(walk, 0)  # warm up: load (or compile) the numba kernel
    dijkstra(matrix, indices=0)
    ours_ms, scipy_ms, nx_ms, same = [], [], [], True
    for i, source in enumerate(sources.tolist()):
        ours, t = timed(one_to_many, walk, source)
        ours_ms.append(t)
        theirs, t = timed(dijkstra, matrix, indices=source)
        scipy_ms.append(t)
        same &= identical(ours, theirs)
        if i < args.nx_sources:
            theirs, t = timed(networkx_times, g, source, walk.n_nodes)
            nx_ms.append(t)
            same &= identical(ours, theirs)

    k = len(nx_ms)
    medians = [statistics.median(ms) for ms in (ours_ms, scipy_ms, nx_ms)]
    figures = {
        "graph": f"{args.pbf.name} walk",
        "nodes": walk.n_nodes,
        "edges": walk.n_edges,
        "sources": len(sources),
        "nx_sources": k,
        "precinct_ms_median": round(medians[0], 3),
        "scipy_ms_median": round(medians[1], 3),
        "networkx_ms_median": round(medians[2], 3),
        # Ratios of the medians; networkx's median is over its first k sources only,
        # compared with precinct's median over the same k sources.
        "scipy_over_precinct": round(medians[1] / medians[0], 2),
        "networkx_over_precinct": round(medians[2] / statistics.median(ours_ms[:k]), 1),
        "identical": same,
        **machine(),
    }
    print(f"graph      {figures['graph']}: {walk.n_nodes} nodes, {walk.n_edges} edges")
    print(f"precinct   {figures['precinct_ms_median']:8.3f} ms median of {len(sources)}")
    print(f"scipy      {figures['scipy_ms_median']:8.3f} ms median of {len(sources)}  "
          f"-> precinct {figures['scipy_over_precinct']:.2f}x faster")  # fmt: skip
    print(f"networkx   {figures['networkx_ms_median']:8.3f} ms median of {k}  "
          f"-> precinct {figures['networkx_over_precinct']:.1f}x faster")  # fmt: skip
    print(f"identical  {same}")
    print(json.dumps(figures))
    if not same:
        sys.exit("times differ between precinct and scipy/networkx")


if __name__ == "__main__":
    main()
