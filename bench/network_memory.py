"""Benchmark: memory of N server processes that load one region's driving graph.

Run from the project root::

    .venv/bin/python bench/network_memory.py [--workers 4] [--tiles 4]

The region is the 334-thousand-node driving graph of ``bench/recommend_region.py`` (16
copies of Almaty's, cached under var/bench/), stored with the importer's own writer
(``analytics.network.regions.save_region``) as a region of a network directory.

N worker processes are started per variant, side by side in one run:

- **mmap** (the product): each worker sets up Django and calls
  ``territory.network.network("drive", region=...)``, the code every request goes through:
  the arrays are ``np.load(mmap_mode="r")`` maps of the .npy files;
- **copy** (the reference): the same arrays of the same files loaded without mmap
  (``load_graph_dir(mmap=False)``) and the same snapper: a private copy per process.

Each worker then touches every page of the graph (a full Dijkstra on the graph and on its
reversed graph) and waits. With every worker of a variant alive, the parent reads
/proc/PID/smaps_rollup twice: after Django and numba are warm but no graph is loaded, and
after the load. Per process it reports the growth of PSS (shared pages divided among the
processes mapping them) and USS (pages only this process holds).

Last, ``recommend_region.measure`` runs the console's recommendation (300 units, first 10)
on the memory-mapped graph as the workers load it, its ETAs checked against scipy's full
Dijkstra. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from _machine import machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
REGION = "bench"


def prepare(tiles: int) -> Path:
    """A network directory holding one region: the tiled driving graph (cached)."""
    from precinct.analytics.network import Networks, regions
    from precinct.analytics.network.basemap import from_lines
    from recommend_region import city_graph, region_graph

    directory = ROOT / "var" / "bench" / f"network-memory-{tiles}x{tiles}"
    if regions.current_import(directory / REGION) is None:
        drive = replace(region_graph(tiles=tiles), import_id="bench")
        walk = city_graph(ROOT.parent / "shared" / "data" / "osm" / "almaty.osm.pbf")
        networks = Networks(walk=replace(walk, mode="walk", import_id="bench"), drive=drive)
        area = regions.network_area(Networks(walk=drive, drive=drive))
        regions.save_region(directory / REGION, networks, area, from_lines([]))
    return directory


def worker(variant: str) -> None:
    """One server process: warm up, load on the parent's word, touch every page, wait."""
    import django

    django.setup()
    from django.conf import settings

    from precinct.analytics.network import Snapper, one_to_many, regions
    from precinct.territory import network as territory_network

    small = regions.load_graph_dir(_folder() / "walk")
    one_to_many(small, 0)  # numba compiled (cached) and PROJ loaded before the first reading
    Snapper(small)
    _say("warm")
    if variant == "mmap":
        graph = territory_network.network("drive", region=REGION).graph
    else:
        graph = regions.load_graph_dir(_folder() / "drive", mmap=False)
        node_xy = regions.load_node_xy(_folder() / "drive", mmap=False)
        Snapper(graph, max_distance_m=settings.PRECINCT_SNAP_MAX_METERS, node_xy=node_xy)
    reached = (
        np.isfinite(one_to_many(graph, 0)).sum()
        + np.isfinite(one_to_many(graph.reversed(), 0)).sum()
    )
    _say(f"loaded {reached}")
    sys.stdin.readline()


def _folder() -> Path:
    from django.conf import settings

    from precinct.analytics.network import regions

    return regions.current_import(Path(settings.PRECINCT_NETWORK_DIR) / REGION)


def _say(line: str) -> None:
    print(line, flush=True)
    sys.stdin.readline()


def rollup(pid: int) -> dict[str, int]:
    """PSS, USS (private clean + dirty) and RSS of a process, in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        fields[key] = int(value.split()[0])
    uss = fields["Private_Clean"] + fields["Private_Dirty"]
    return {"pss": fields["Pss"], "uss": uss, "rss": fields["Rss"]}


def run_variant(variant: str, workers: int, network_dir: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "precinct.settings",
        "PRECINCT_NETWORK_DIR": str(network_dir),
        "PRECINCT_VAR_DIR": tempfile.mkdtemp(prefix="precinct-bench-"),
        "PYTHONPATH": str(ROOT / "src"),
    }
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", variant],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for _ in range(workers)
    ]
    try:
        before = _phase(procs, "warm")
        after = _phase(procs, "loaded")
    finally:
        for p in procs:
            p.stdin.close()
            p.wait(timeout=60)
    growth = {
        key: [(a[key] - b[key]) / 1024 for a, b in zip(after, before, strict=True)]
        for key in ("pss", "uss", "rss")
    }
    return {
        "workers": workers,
        "pss_growth_mib_per_process": round(float(np.median(growth["pss"])), 1),
        "uss_growth_mib_per_process": round(float(np.median(growth["uss"])), 1),
        "rss_growth_mib_per_process": round(float(np.median(growth["rss"])), 1),
        "pss_growth_mib_total": round(float(np.sum(growth["pss"])), 1),
    }


def _phase(procs, word: str) -> list[dict]:
    """Wait until every worker said ``word``, read their memory, then let them go on."""
    for p in procs:
        line = p.stdout.readline()
        if not line.startswith(word):
            raise RuntimeError(f"worker {p.pid} said {line!r}, expected {word!r}")
    readings = [rollup(p.pid) for p in procs]
    for p in procs:
        p.stdin.write("\n")
        p.stdin.flush()
    return readings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--tiles", type=int, default=4)
    parser.add_argument("--recommend-calls", type=int, default=300)
    parser.add_argument("--worker", choices=("mmap", "copy"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    from recommend_region import measure

    network_dir = prepare(args.tiles)
    from precinct.analytics.network import regions

    folder = regions.current_import(network_dir / REGION) / "drive"
    graph = regions.load_graph_dir(folder)
    files_mib = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
    result = {"mmap": run_variant("mmap", args.workers, network_dir)}
    result["copy"] = run_variant("copy", args.workers, network_dir)
    for variant, r in result.items():
        per = f"PSS +{r['pss_growth_mib_per_process']}, USS +{r['uss_growth_mib_per_process']}"
        print(f"{variant:>4}: per process {per} MiB; all {r['workers']}: ", end="")
        print(f"PSS +{r['pss_growth_mib_total']} MiB")
    total = {variant: r["pss_growth_mib_total"] for variant, r in result.items()}
    ratio = total["copy"] / max(total["mmap"], 1e-9)
    print(f"copy / mmap, total PSS growth: {ratio:.2f}x")
    recommend = measure(graph, calls=args.recommend_calls, full_calls=args.recommend_calls // 3)
    print(
        f"recommend on the mapped graph: p99 {recommend['recommend_p99_ms']} ms, "
        f"CPU p99 {recommend['recommend_cpu_p99_ms']} ms, identical: {recommend['etas_identical']}"
    )
    summary = {
        "bench": "network_memory",
        "drive_nodes": graph.n_nodes,
        "drive_edges": graph.n_edges,
        "graph_files_mib": round(files_mib, 1),
        **{f"{variant}_{k}": v for variant, r in result.items() for k, v in r.items()},
        "copy_over_mmap_total_pss": round(ratio, 2),
        **{k: v for k, v in recommend.items() if k.startswith(("recommend_p", "recommend_cpu"))},
        "recommend_etas_identical": recommend["etas_identical"],
        **machine(),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
