"""Benchmark: the cost of one accepted appeal in-process — SQL statements, CPU of the Django
process, CPU of its PostgreSQL backend — this checkout side by side with a reference revision.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_bench \\
        .venv/bin/python bench/appeal_intake_cost.py [--before 0fc9f7c] [--rounds 3] [--n 200]

On the database of ``bench/appeals_http.py`` (the demo on the central-Almaty cut is built
if absent). Each round runs each version in a process of its own (the order alternating),
which posts ``--n`` distinct appeals through Django's test client and the whole middleware
stack, each from its own address, and measures per submission: the statements (Django's
``CaptureQueriesContext``, one submission after warm-up), the median wall time, the median
CPU time of the process (``time.process_time``) and the CPU time of its PostgreSQL backend
(``/proc/<pid>/stat``, so the database must run on this machine). Medians over rounds; the
last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from contextlib import ExitStack

from _server import bench_env, ensure_demo, revision_src
from appeals_http import CUT, REFERENCE

# Runs in the measured process, with the version's code on its path.
PROBE = r"""
import json, os, random, statistics, sys, time
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from precinct.territory.models import PopulationPoint

n, space = int(sys.argv[1]), int(sys.argv[2])
points = list(PopulationPoint.objects.values_list("lon", "lat"))
rnd, client, tag = random.Random(space), Client(HTTP_HOST="localhost"), f"c{time.time_ns()}"


def submit(i):
    lon, lat = rnd.choice(points)
    body = {"type": "request", "text": f"Профиль {tag}-{i}: шум во дворе", "category": "noise",
            "lat": lat, "lon": lon, "contact": {"name": "Бенчмарк", "phone": "+7 700 000 00 00"}}
    response = client.post(
        "/api/v1/appeals", json.dumps(body), content_type="application/json",
        headers={"Idempotency-Key": f"{tag}-{i}"},
        REMOTE_ADDR=f"127.{space}.{i // 250 % 250 + 1}.{i % 250 + 1}",
    )
    assert response.status_code == 201, response.content


for i in range(10):
    submit(i)
with CaptureQueriesContext(connection) as queries:
    submit(10)
statements = len(queries.captured_queries)  # before the next request resets the log
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_backend_pid()")
    backend = cursor.fetchone()[0]


def backend_cpu():
    fields = open(f"/proc/{backend}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


start_pg, wall, cpu = backend_cpu(), [], []
for i in range(n):
    t, c = time.perf_counter(), time.process_time()
    submit(100 + i)
    wall.append((time.perf_counter() - t) * 1000)
    cpu.append((time.process_time() - c) * 1000)
print(json.dumps({
    "statements": statements,
    "wall_ms": round(statistics.median(wall), 2),
    "cpu_ms": round(statistics.median(cpu), 2),
    "pg_cpu_ms": round((backend_cpu() - start_pg) * 1000 / n, 2),
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default=REFERENCE)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--n", type=int, default=200, help="submissions per version and round")
    args = parser.parse_args()
    env = bench_env()
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database on this machine")
    ensure_demo(env, "--osm", str(CUT))
    load_start = round(os.getloadavg()[0], 1)
    with ExitStack() as stack:
        envs = {"before": bench_env(stack.enter_context(revision_src(args.before))), "now": env}
        runs = {name: [] for name in envs}
        for round_no in range(args.rounds):
            order = list(envs) if round_no % 2 == 0 else list(reversed(envs))
            for k, name in enumerate(order):
                space = 200 + (round_no * 2 + k) % 50  # addresses of their own per process
                out = subprocess.run(
                    [sys.executable, "-c", PROBE, str(args.n), str(space)],
                    env=envs[name], check=True, capture_output=True, text=True,
                ).stdout  # fmt: skip
                runs[name].append(json.loads(out.strip().splitlines()[-1]))
                print(f"round {round_no + 1}, {name}: {runs[name][-1]}", flush=True)
    result = {
        name: {
            key: statistics.median(r[key] for r in rows)
            for key in ("statements", "wall_ms", "cpu_ms", "pg_cpu_ms")
        }
        for name, rows in runs.items()
    }
    total = {name: r["cpu_ms"] + r["pg_cpu_ms"] for name, r in result.items()}
    ratio = round(total["before"] / total["now"], 2)
    print(
        f"per accepted appeal, median of {args.rounds}: statements {result['before']['statements']}"
        f" → {result['now']['statements']}; CPU (Django + PostgreSQL) {total['before']:.1f} → "
        f"{total['now']:.1f} ms ({ratio}× less)"
    )
    print(
        json.dumps(
            {
                "benchmark": "appeal_intake_cost",
                "reference": args.before,
                "n": args.n,
                "rounds": args.rounds,
                **result,
                "cpu_ratio": ratio,
                "runs": runs,
                "load_average": {"start": load_start, "end": round(os.getloadavg()[0], 1)},
            }
        )
    )


if __name__ == "__main__":
    main()
