"""Benchmark: GET /api/v1/locate over HTTP against the demo, served by gunicorn.

Run from the project root::

    .venv/bin/python bench/locate_http.py [--requests 1000] [--workers 2] [--seed 7]

Uses the demo database and network of the environment (``PRECINCT_VAR_DIR``, default
``var/``), building the demo first if it is absent. Starts gunicorn with the production
settings on a free loopback port, warms every worker, then times requests to random
residents' locations (population points, seeded): once from one client, once from two
clients at a time (the machine has two cores). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import numpy as np

from _server import bench_env, ensure_demo, free_port, population_points, start_server


def run_client(port: int, points: list[tuple[float, float]]) -> tuple[list[float], int]:
    """Latencies in ms of sequential requests on one keep-alive connection, and errors."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    latencies, errors = [], 0
    for lon, lat in points:
        start = time.perf_counter()
        conn.request("GET", "/api/v1/locate?" + urlencode({"lat": lat, "lon": lon}))
        response = conn.getresponse()
        response.read()
        latencies.append((time.perf_counter() - start) * 1000)
        errors += response.status != 200
    return latencies, errors


def measure(port: int, points, clients: int) -> dict:
    chunks = [points[i::clients] for i in range(clients)]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    env = bench_env()
    ensure_demo(env)
    everyone = population_points(env)
    points = random.Random(args.seed).sample(everyone, min(args.requests, len(everyone)))
    port = free_port()
    server = start_server(env, port, args.workers)
    try:
        run_client(port, points[:100])  # warm every worker: graph load and JIT cache
        run_client(port, points[:100])
        single = measure(port, points, 1)
        pair = measure(port, points, 2)
    finally:
        server.terminate()
        server.wait(timeout=30)
    for row in (single, pair):
        print(
            f"{row['clients']} client(s): {row['requests']} requests, p50 {row['p50_ms']} ms,"
            f" p99 {row['p99_ms']} ms, {row['errors']} errors"
        )
    print(
        json.dumps(
            {
                "benchmark": "locate_http",
                "workers": args.workers,
                "one_client": single,
                "two_clients": pair,
                "goal_p99_ms": 50,
                "machine": f"{os.cpu_count()} cores",
            }
        )
    )


if __name__ == "__main__":
    main()
