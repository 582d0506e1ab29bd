"""Benchmark: import the Almaty extract into walking/driving graphs, and reload them.

Run from the project root::

    .venv/bin/python bench/network_import.py [path/to/extract.osm.pbf] [--repeat 3]

The import runs in a fresh subprocess so its peak memory (``ru_maxrss``) is its own; the
baseline (interpreter, numpy, scipy, numba, pyosmium loaded) is reported beside it. The last
line of output is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _machine import machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # run from a checkout without installing
DEFAULT_PBF = ROOT.parent / "shared" / "data" / "osm" / "almaty.osm.pbf"


def maxrss_mib() -> float:
    """Peak resident memory of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(pbf: Path, repeat: int) -> dict:
    """Measure in this (fresh) process: import time, peak memory, reload time."""
    from precinct.analytics.network import import_networks, load_networks

    baseline = maxrss_mib()
    import_s = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(repeat):
            start = time.perf_counter()
            report = import_networks(pbf, out)
            import_s.append(time.perf_counter() - start)
        peak = maxrss_mib()
        load_s = []
        for _ in range(max(repeat, 5)):
            start = time.perf_counter()
            load_networks(out)
            load_s.append(time.perf_counter() - start)
        size = sum(p.stat().st_size for p in Path(out).iterdir())
    return {
        "source": pbf.name,
        "import_s_median": round(statistics.median(import_s), 3),
        "import_s_runs": [round(s, 3) for s in import_s],
        "reload_ms_median": round(statistics.median(load_s) * 1000, 2),
        "peak_rss_mib": round(peak, 1),
        "baseline_rss_mib": round(baseline, 1),
        "import_rss_mib": round(peak - baseline, 1),
        "graph_files_mib": round(size / 2**20, 2),
        "walk": [report.walk_nodes, report.walk_edges, round(report.walk_km, 1)],
        "drive": [report.drive_nodes, report.drive_edges, round(report.drive_km, 1)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pbf", nargs="?", type=Path, default=DEFAULT_PBF)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.pbf, args.repeat)))
        return
    run = subprocess.run(
        [sys.executable, __file__, str(args.pbf), "--repeat", str(args.repeat), "--child"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    figures.update(machine())
    print(f"extract        {figures['source']}")
    print(f"import         {figures['import_s_median']:.3f} s median of {args.repeat}")
    print(f"reload         {figures['reload_ms_median']:.2f} ms (walk.npz + drive.npz)")
    print(f"peak RSS       {figures['peak_rss_mib']:.1f} MiB "
          f"({figures['import_rss_mib']:.1f} MiB above {figures['baseline_rss_mib']:.1f} MiB "
          "baseline)")  # fmt: skip
    print("walk  nodes/edges/km  {} / {} / {}".format(*figures["walk"]))
    print("drive nodes/edges/km  {} / {} / {}".format(*figures["drive"]))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
