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
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
PRECINCT = [sys.executable, "-m", "precinct.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_demo(env: dict) -> None:
    """Migrate and build the demo if this environment has none yet."""
    subprocess.run([*PRECINCT, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([*PRECINCT, "demo", "build", "--if-absent"], env=env, check=True)


def resident_points(env: dict, n: int, seed: int) -> list[tuple[float, float]]:
    """``n`` population points drawn with the seed (weighted by nothing: every street)."""
    script = (
        "import django, json; django.setup()\n"
        "from precinct.territory.models import PopulationPoint\n"
        "print(json.dumps(list(PopulationPoint.objects.values_list('lon', 'lat'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    )
    points = json.loads(out.stdout)
    return random.Random(seed).sample(points, min(n, len(points)))


def start_server(env: dict, port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "precinct.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


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
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "precinct.settings"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    ensure_demo(env)
    points = resident_points(env, args.requests, args.seed)
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
