"""Benchmark: POST /api/v1/appeals over HTTP, gunicorn and PostgreSQL (goal ≥ 100/s, p99 < 200 ms
at 8 clients), side by side with a reference revision, then Open311 ``GET requests.json``
(goal p99 < 200 ms per page).

Run from the project root, against a PostgreSQL database of its own::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_bench \\
        .venv/bin/python bench/appeals_http.py [--seconds 20] [--clients 8,32] [--workers 3] \\
        [--before 0fc9f7c] [--rounds 3]

Builds the demo on the central-Almaty cut if the database has none (routing needs
precincts), starts gunicorn with the production settings for this checkout and for
``--before`` (another revision's ``src``, unpacked with ``git archive``; same database,
same schema), then for each round, each number of ``--clients`` and each version in
turn (the order alternating between rounds, so that the machine's load falls on both
alike) keeps that many concurrent clients submitting distinct appeals at resident
locations (population points, seeded) for ``--seconds``: every appeal goes through the
whole intake (validation, the per-address limit, point-in-polygon routing, deadline,
commit, outbox). Each submission comes from its own loopback address (127.k.x.y: Linux
routes all of 127/8 to the loopback), as residents do, so the real limit of 20 an hour per
address stays on and is exercised. Medians over the rounds are reported. Then
``--open311`` sequential reads of the Open311 list (one page: the last 90 days, up to its
row limit) from this checkout's server. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import threading
import time
from contextlib import ExitStack

import numpy as np

from _server import (
    ROOT,
    bench_env,
    ensure_demo,
    free_port,
    population_points,
    revision_src,
    start_server,
)

CUT = ROOT / "tests" / "fixtures" / "almaty_cut.osm.pbf"


def address(client_no: int, i: int) -> str:
    """A loopback address of its own for submission ``i`` of client ``client_no``."""
    return f"127.{client_no % 250 + 1}.{i // 250 % 250 + 1}.{i % 250 + 1}"


def client(port: int, points, stop_at: float, tag: str, out: list, client_no: int = 0) -> None:
    latencies, errors, i = [], 0, 0
    while time.perf_counter() < stop_at:
        # gunicorn's sync workers close every connection after the answer: one per request.
        conn = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=10, source_address=(address(client_no, i), 0)
        )
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
        finally:
            conn.close()
        latencies.append((time.perf_counter() - start) * 1000)
        i += 1
    out.append((latencies, errors))


def run(port: int, points, clients: int, seconds: float, tag: str, first: int = 0) -> dict:
    """``clients`` concurrent submitters; client numbers from ``first`` (so that runs use
    addresses of their own and never reach the hourly limit of an earlier run's)."""
    out: list = []
    stop_at = time.perf_counter() + seconds
    threads = [
        threading.Thread(
            target=client,
            args=(port, points[k::clients], stop_at, f"{tag}{k}", out, first + k),
        )
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


def open311_pages(port: int, reads: int) -> dict:
    """``reads`` sequential GETs of the Open311 list: latency per page and its size."""
    latencies, rows = [], 0
    for _ in range(reads):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.perf_counter()
        conn.request("GET", "/open311/v2/requests.json")
        response = conn.getresponse()
        body = response.read()
        latencies.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            raise SystemExit(f"Open311 answered {response.status}")
        rows = len(json.loads(body))
        conn.close()
    return {
        "reads": reads,
        "rows_per_page": rows,
        "p50_ms": round(float(np.percentile(latencies, 50)), 1),
        "p99_ms": round(float(np.percentile(latencies, 99)), 1),
        "goal_p99_ms": 200,
    }


# The reference: main before the intake's statements were cut (14 → 10 per submission).
REFERENCE = "0fc9f7c"


def median_of(runs: list[dict]) -> dict:
    """The median rate, p50 and p99 over rounds, with every round's figures."""
    return {
        "per_second": round(statistics.median(r["per_second"] for r in runs), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 1),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 1),
        "errors": sum(r["errors"] for r in runs),
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", default="8,32", help="comma-separated, e.g. 8,32")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--before", default=REFERENCE, help="revision to compare; none: skip")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--open311", type=int, default=200, help="reads of the Open311 list")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    # The cut's network goes to a folder of the bench's own: the demo build writes the
    # network it imports, and must not replace the one a developer's server uses.
    env = bench_env()
    env.setdefault("PRECINCT_NETWORK_DIR", str(ROOT / "var" / "bench" / "appeals-network"))
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        print("note: DATABASE_URL is not PostgreSQL; the goal is stated for PostgreSQL")
    ensure_demo(env, "--osm", str(CUT))
    points = random.Random(args.seed).choices(population_points(env), k=20000)
    counts = [int(c) for c in args.clients.split(",")]
    tag = f"b{int(time.time())}-"
    load_before = round(os.getloadavg()[0], 1)
    with ExitStack() as stack:
        ports = {"now": start_server_for(stack, env, args.workers)}
        if args.before != "none":
            src = stack.enter_context(revision_src(args.before))
            ports["before"] = start_server_for(stack, bench_env(src), args.workers)
        runs = {(name, c): [] for name in ports for c in counts}
        first = 0
        for name, port in ports.items():  # warm every worker of every server
            run(port, points, max(counts), 3, f"{tag}warm{name}", first)
            first += max(counts)
        for round_no in range(args.rounds):
            order = list(ports) if round_no % 2 == 0 else list(reversed(ports))
            for clients in counts:
                for name in order:
                    result = run(
                        ports[name],
                        points,
                        clients,
                        args.seconds,
                        f"{tag}r{round_no}{name}{clients}-",
                        first,
                    )
                    first += clients
                    runs[name, clients].append(result)
                    print(
                        f"round {round_no + 1}, {name}: {result['requests']} submissions in "
                        f"{result['seconds']} s from {clients} clients: {result['per_second']}/s, "
                        f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
                        f"{result['errors']} errors, load {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )
        listing = open311_pages(ports["now"], args.open311) if args.open311 else None
    submissions = {name: {str(c): median_of(runs[name, c]) for c in counts} for name in ports}
    ratios = {
        str(c): round(
            submissions["now"][str(c)]["per_second"] / submissions["before"][str(c)]["per_second"],
            2,
        )
        for c in counts
        if "before" in submissions
    }
    for c in counts:
        now = submissions["now"][str(c)]
        line = f"{c} clients, median of {args.rounds}: now {now['per_second']}/s, "
        line += f"p99 {now['p99_ms']} ms"
        if "before" in submissions:
            before = submissions["before"][str(c)]
            line += (
                f"; before {before['per_second']}/s, p99 {before['p99_ms']} ms ({ratios[str(c)]}×)"
            )
        print(line)
    if listing:
        print(
            f"Open311 requests.json ({listing['rows_per_page']} rows a page): "
            f"p50 {listing['p50_ms']} ms, p99 {listing['p99_ms']} ms over {listing['reads']} reads"
        )
    print(
        json.dumps(
            {
                "benchmark": "appeals_http",
                "workers": args.workers,
                "seconds": args.seconds,
                "rounds": args.rounds,
                "before": args.before,
                "submissions": submissions,
                "ratio_per_second": ratios,
                "goal_per_second_at_8": 100,
                "goal_p99_ms": 200,
                "open311_requests_json": listing,
                "load_average": {"start": load_before, "end": round(os.getloadavg()[0], 1)},
                "machine": f"{os.cpu_count()} cores, shared",
            }
        )
    )


def start_server_for(stack: ExitStack, env: dict, workers: int) -> int:
    """gunicorn for ``env``'s code on a free port, stopped when ``stack`` closes."""
    port = free_port()
    server = start_server(env, port, workers)

    def stop():
        server.terminate()
        server.wait(timeout=30)

    stack.callback(stop)
    return port


if __name__ == "__main__":
    main()
