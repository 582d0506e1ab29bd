"""Benchmark: POST /api/v1/appeals over HTTP, gunicorn and PostgreSQL (goal ≥ 100/s, p99 < 200 ms).

Run from the project root, against a PostgreSQL database of its own::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_bench \\
        .venv/bin/python bench/appeals_http.py [--seconds 30] [--clients 4] [--workers 3]

Builds the demo on the central-Almaty cut if the database has none (routing needs
precincts), starts gunicorn with the production settings, then keeps ``--clients``
concurrent clients submitting distinct appeals at resident locations (population points,
seeded) for ``--seconds``: every appeal goes through the whole intake (validation,
point-in-polygon routing, deadline, commit, outbox). The per-client rate limit is raised
for the run, as all clients share one address. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import threading
import time

import numpy as np

from _server import ROOT, bench_env, ensure_demo, free_port, population_points, start_server

CUT = ROOT / "tests" / "fixtures" / "almaty_cut.osm.pbf"


def client(port: int, points, stop_at: float, tag: str, out: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    latencies, errors, i = [], 0, 0
    while time.perf_counter() < stop_at:
        lon, lat = points[i % len(points)]
        body = json.dumps(
            {
                "type": "request",
                "text": f"Бенчмарк {tag}-{i}: шум во дворе",
                "category": "noise",
                "lat": lat,
                "lon": lon,
                "contact": {"name": "Бенчмарк", "phone": "+7 700 000 00 00"},
            }
        )
        start = time.perf_counter()
        try:
            conn.request(
                "POST",
                "/api/v1/appeals",
                body,
                {"Content-Type": "application/json", "Idempotency-Key": f"{tag}-{i}"},
            )
            response = conn.getresponse()
            response.read()
            errors += response.status != 201
        except OSError:
            errors += 1
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        latencies.append((time.perf_counter() - start) * 1000)
        i += 1
    out.append((latencies, errors))


def run(port: int, points, clients: int, seconds: float, tag: str) -> dict:
    out: list = []
    stop_at = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=client, args=(port, points[k::clients], stop_at, f"{tag}{k}", out))
        for k in range(clients)
    ]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    latencies = np.concatenate([np.array(o[0]) for o in out])
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": int(latencies.size),
        "per_second": round(latencies.size / elapsed, 1),
        "p50_ms": round(float(np.percentile(latencies, 50)), 1),
        "p99_ms": round(float(np.percentile(latencies, 99)), 1),
        "errors": int(sum(o[1] for o in out)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    env = bench_env(PRECINCT_APPEAL_SUBMISSIONS_PER_HOUR="100000000")
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        print("note: DATABASE_URL is not PostgreSQL; the goal is stated for PostgreSQL")
    ensure_demo(env, "--osm", str(CUT))
    points = random.Random(args.seed).choices(population_points(env), k=20000)
    port = free_port()
    server = start_server(env, port, args.workers)
    tag = f"b{int(time.time())}-"
    try:
        run(port, points, args.clients, 3, tag + "warm")  # warm every worker
        result = run(port, points, args.clients, args.seconds, tag)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"{result['requests']} submissions in {result['seconds']} s from {args.clients} "
        f"clients: {result['per_second']}/s, p50 {result['p50_ms']} ms, "
        f"p99 {result['p99_ms']} ms, {result['errors']} errors"
    )
    print(
        json.dumps(
            {
                "benchmark": "appeals_http",
                "workers": args.workers,
                **result,
                "goal_per_second": 100,
                "goal_p99_ms": 200,
                "machine": f"{os.cpu_count()} cores, shared",
            }
        )
    )


if __name__ == "__main__":
    main()
