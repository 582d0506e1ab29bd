"""Benchmark: GET /opendata/api/crimes-street/all-crime?lat&lng over HTTP (gunicorn) on a
demo copy with the street-level records, p50/p99; reference: the locate API
(GET /api/v1/locate, goal p99 < 50 ms) on the same server, points and run. Every answer
is also checked once against a naive full scan of the month's records (1 mile radius).

Run from the project root on a copy of the demo with the records step
(``precinct crime demo-records``)::

    DATABASE_URL=postgres://…/precinct_demo_NAME PRECINCT_NETWORK_DIR=… \\
        .venv/bin/python bench/opendata_street.py [--requests 1000] [--workers 2]

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import numpy as np

from _server import bench_env, free_port, population_points, start_server

MILE_M = 1609.344


def street_url(lon: float, lat: float, month: str) -> str:
    return "/opendata/api/crimes-street/all-crime?" + urlencode(
        {"lat": f"{lat:.6f}", "lng": f"{lon:.6f}", "date": month}
    )


def locate_url(lon: float, lat: float, month: str) -> str:
    return "/api/v1/locate?" + urlencode({"lat": lat, "lon": lon})


def run_client(port: int, urls: list[str]) -> tuple[list[float], int, list[bytes]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, errors, bodies = [], 0, []
    for url in urls:
        start = time.perf_counter()
        conn.request("GET", url)
        response = conn.getresponse()
        bodies.append(response.read())
        latencies.append((time.perf_counter() - start) * 1000)
        errors += response.status != 200
    return latencies, errors, bodies


def measure(port: int, urls: list[str], clients: int) -> dict:
    chunks = [urls[i::clients] for i in range(clients)]
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda c: run_client(port, c), chunks))
    latencies = np.concatenate([r[0] for r in results])
    return {
        "clients": clients,
        "requests": int(latencies.size),
        "p50_ms": round(float(np.percentile(latencies, 50)), 2),
        "p99_ms": round(float(np.percentile(latencies, 99)), 2),
        "errors": sum(r[1] for r in results),
    }


def month_records(env: dict) -> tuple[str, list[tuple[str, float, float]]]:
    """The latest month and its located records (persistent id, lat, lon): the full scan."""
    script = (
        "import django, json; django.setup()\n"
        "from precinct.crime import metrics\n"
        "m = metrics.last_record_month()\n"
        "rows = [(r['persistent_id'], r['location']['lat'], r['location']['lon'])\n"
        "        for r in metrics.records_of_month(month=m) if r['location']]\n"
        "print(json.dumps([f'{m:%Y-%m}' if m else None, rows]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    )
    month, rows = json.loads(out.stdout)
    if month is None:
        raise SystemExit("No records: run 'precinct crime demo-records' on this database first.")
    return month, [tuple(r) for r in rows]


def full_scan(records, lat: float, lon: float) -> set[str]:
    """The naive answer: every located record of the month within one mile."""
    out = set()
    for pid, rlat, rlon in records:
        p1, p2 = math.radians(lat), math.radians(rlat)
        a = (
            math.sin((p2 - p1) / 2) ** 2
            + math.cos(p1) * math.cos(p2) * math.sin(math.radians(rlon - lon) / 2) ** 2
        )
        if 2 * 6_371_008.8 * math.asin(math.sqrt(a)) <= MILE_M:
            out.add(pid)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--checked", type=int, default=50, help="answers checked by full scan")
    args = parser.parse_args()
    env = bench_env()
    month, records = month_records(env)
    everyone = population_points(env)
    points = random.Random(args.seed).sample(everyone, min(args.requests, len(everyone)))
    street = [street_url(lon, lat, month) for lon, lat in points]
    locate = [locate_url(lon, lat, month) for lon, lat in points]
    port = free_port()
    server = start_server(env, port, args.workers)
    try:
        for _ in range(2):  # warm every worker
            run_client(port, street[:100])
            run_client(port, locate[:100])
        rows = [measure(port, street, c) | {"endpoint": "crimes-street"} for c in (1, 2)]
        rows += [measure(port, locate, c) | {"endpoint": "locate"} for c in (1, 2)]
        _lat, _err, bodies = run_client(port, street[: args.checked])
    finally:
        server.terminate()
        server.wait(timeout=30)
    sizes = []
    for (lon, lat), body in zip(points[: args.checked], bodies, strict=True):
        got = {c["persistent_id"] for c in json.loads(body)}
        sizes.append(len(got))
        if got != full_scan(records, lat, lon):
            raise SystemExit(f"crimes-street at {lat},{lon} differs from the full scan")
    for row in rows:
        print(
            f"{row['endpoint']:>13}, {row['clients']} client(s): {row['requests']} requests,"
            f" p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, errors {row['errors']}"
        )
    print(
        f"{args.checked} answers identical to the full scan; median {np.median(sizes):.0f}"
        f" crimes per answer; {len(records)} located records in {month}"
    )
    street_p99 = max(r["p99_ms"] for r in rows if r["endpoint"] == "crimes-street")
    print(
        json.dumps(
            {
                "benchmark": "opendata_street",
                "month": month,
                "located_records": len(records),
                "median_crimes_per_answer": float(np.median(sizes)),
                "results": rows,
                "goal_p99_ms": 100,
                "met": street_p99 < 100,
            }
        )
    )


if __name__ == "__main__":
    main()
