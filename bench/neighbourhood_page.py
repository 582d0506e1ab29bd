"""Benchmark: a precinct's neighbourhood page over HTTP on the demo, served by gunicorn,
side by side with two pages of the same precincts measured in the same run.

Run from the project root (on a copy of the demo database)::

    DATABASE_URL=postgres://…/precinct_demo_copy .venv/bin/python bench/neighbourhood_page.py \
        [--requests 1000] [--workers 2] [--seed 7]

Starts gunicorn with the production settings on a free loopback port and times GET
``/neighbourhoods/<department code>/<number>/`` for precincts picked at random (seeded),
from one client on one keep-alive connection. The references, the same precincts in the
same run: the locate result a resident opens the page from (``/territory/locate/result/``
at one of the precinct's residents' points), and the staff workspace page of the precinct
(``/workspace/precincts/<id>/``, as the demo's administrator: a session is opened for him
in the database, no password is used), which computes the same kind of figures on every
request. Before timing, every worker serves pages until each has computed the figures
once (the first page of a process computes them; its time is reported as ``cold_ms``).
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import time

import numpy as np

from _server import bench_env, ensure_demo, free_port, start_server

GOAL_P99_MS = 100


def precincts(env: dict) -> list[dict]:
    """Every precinct: its page, one resident point inside it, its workspace."""
    script = (
        "import django, json; django.setup()\n"
        "from precinct.territory.models import PopulationPoint, Precinct\n"
        "points = {}\n"
        "for pk, lon, lat in PopulationPoint.objects.exclude(precinct=None)"
        ".order_by('precinct_id', 'id').values_list('precinct_id', 'lon', 'lat'):\n"
        "    points.setdefault(pk, (lon, lat))\n"
        "rows = [{'id': p.id, 'page': f'/neighbourhoods/{p.department.code}/{p.number}/',"
        " 'point': points[p.id]} for p in Precinct.objects.select_related('department')"
        " if p.id in points]\n"
        "print(json.dumps(rows))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


def admin_session(env: dict) -> str:
    """A session of the demo's administrator, written the way a sign-in writes it."""
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from precinct.accounts.models import User\n"
        "user = User.objects.get(username='demo-admin')\n"
        "s = SessionStore()\n"
        "s[SESSION_KEY] = str(user.pk)\n"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "s[HASH_SESSION_KEY] = user.get_session_auth_hash()\n"
        "s.create()\n"
        "print(s.session_key)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def run(port: int, paths: list[str], headers: dict) -> tuple[list[float], int]:
    """Latencies in ms of sequential GETs on one keep-alive connection, and errors."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies, errors = [], 0
    for path in paths:
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        latencies.append((time.perf_counter() - start) * 1000)
        errors += response.status != 200
    return latencies, errors


def summary(latencies: list[float], errors: int) -> dict:
    a = np.array(latencies)
    return {
        "requests": int(a.size),
        "p50_ms": round(float(np.percentile(a, 50)), 2),
        "p99_ms": round(float(np.percentile(a, 99)), 2),
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--reference-requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    env = bench_env()
    ensure_demo(env)
    everyone = precincts(env)
    rng = random.Random(args.seed)
    picked = [rng.choice(everyone) for _ in range(args.requests)]
    cookie = {"Cookie": f"sessionid={admin_session(env)}", "Accept-Language": "ru"}
    plain = {"Accept-Language": "ru"}
    pages = [p["page"] for p in picked]
    refs = picked[: args.reference_requests]
    locate = [f"/territory/locate/result/?lon={p['point'][0]}&lat={p['point'][1]}" for p in refs]
    workspace = [f"/workspace/precincts/{p['id']}/" for p in refs]
    port = free_port()
    server = start_server(env, port, args.workers)
    try:
        # Each worker computes the figures on its first page: warm them all.
        warm, _ = run(port, pages[: 10 * args.workers], plain)
        run(port, locate[:20], plain)
        run(port, workspace[:10], cookie)
        load_before = os.getloadavg()[0]
        neighbourhood = summary(*run(port, pages, plain))
        located = summary(*run(port, locate, plain))
        staff = summary(*run(port, workspace, cookie))
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(timeout=30)
    for name, row in (("neighbourhood", neighbourhood), ("locate result", located),
                      ("workspace", staff)):  # fmt: skip
        print(f"{name}: {row['requests']} requests, p50 {row['p50_ms']} ms,"
              f" p99 {row['p99_ms']} ms, {row['errors']} errors")  # fmt: skip
    print(
        json.dumps(
            {
                "benchmark": "neighbourhood_page",
                "workers": args.workers,
                "precincts": len(everyone),
                "neighbourhood": neighbourhood,
                "cold_ms": round(max(warm), 1),
                "reference_locate_result": located,
                "reference_workspace": staff,
                "p99_ratio_workspace": round(staff["p99_ms"] / neighbourhood["p99_ms"], 2),
                "goal_p99_ms": GOAL_P99_MS,
                "load_average": [round(load_before, 2), round(load_after, 2)],
                "machine": f"{os.cpu_count()} cores",
            }
        )
    )


if __name__ == "__main__":
    main()
