"""Benchmark: one page of Open311 ``requests.json`` / ``requests.xml`` (1,000 rows), this tree's
code side by side with another revision's (goal p99 < 200 ms per page over HTTP).

In-process (the view's own cost, apart from the server's), against that revision's
``appeals/open311.py`` on a throw-away database::

    PYTHONPATH=src .venv/bin/python bench/open311_page.py [--against main] [--reads 12] [--profile]

Over HTTP (``--http``): gunicorn with the production settings for this checkout and for
the revision's whole ``src`` (unpacked with ``git archive``), on the database of
``DATABASE_URL`` (the demo on the central-Almaty cut is built if absent; run
``bench/appeals_http.py`` first for a page of recent appeals), ``--reads`` sequential GETs
of ``requests.json`` each, p50 and p99 per version::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_bench \\
        .venv/bin/python bench/open311_page.py --http [--against 0fc9f7c] [--reads 200]

Both versions answer the same requests on the same database in alternation (so the
machine's load hits both alike), and their bodies are checked identical. The last line is
one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack

import numpy as np

from _django import ROOT, test_database
from _server import bench_env, ensure_demo, free_port, revision_src, start_server

sys.path.insert(0, str(ROOT))


def revision_module(rev: str):
    """``appeals/open311.py`` as it was at ``rev``, loaded as a module of its own."""
    source = subprocess.run(
        ["git", "show", f"{rev}:src/precinct/appeals/open311.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = os.path.join(tempfile.mkdtemp(), "open311_before.py")
    with open(path, "w") as f:
        f.write(source)
    spec = importlib.util.spec_from_file_location("open311_before", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed(n: int) -> None:
    """``n`` public requests over the last days: mixed statuses, categories, addresses."""
    from django.utils import timezone
    from tests.factories import build_territory

    from precinct.appeals.models import Appeal, Category, Channel

    t = build_territory()
    categories = list(Category.objects.filter(is_active=True).exclude(service="internal-security"))
    statuses = ["registered", "in_progress", "forwarded", "answered", "closed"]
    now = timezone.now().replace(microsecond=0)
    rows = []
    for i in range(n):
        at = now - dt.timedelta(minutes=7 * i + 1)
        status = statuses[i % len(statuses)]
        rows.append(
            Appeal(
                registration_number=f"2026-{i:07d}",
                tracking_code=f"bench-{i}",
                type="request" if i % 3 else "complaint",
                channel=Channel.WEB,
                category=categories[i % len(categories)],
                text="Шумят во дворе",
                lat=43.24 + i * 1e-5,
                lon=76.90 + i * 1e-5,
                address=f"ул. Абая, д. {i % 200 + 1}, кв. {i % 50 + 1}",
                department=t.district_a,
                status=status,
                forwarded_to="акимат" if status == "forwarded" else "",
                registered_at=at,
                answered_at=at + dt.timedelta(days=2) if status in ("answered", "closed") else None,
                closed_at=at + dt.timedelta(days=3) if status == "closed" else None,
                due_date=(at + dt.timedelta(days=15)).date(),
                extended=i % 7 == 0,
            )
        )
    Appeal.objects.bulk_create(rows)


def over_http(against: str, reads: int, workers: int) -> dict:
    """``reads`` GETs of the JSON page from each version's gunicorn, alternating."""
    env = bench_env()
    ensure_demo(env, "--osm", str(ROOT / "tests" / "fixtures" / "almaty_cut.osm.pbf"))
    load_start = round(os.getloadavg()[0], 1)
    with ExitStack() as stack:
        ports = {}
        for name, version_env in (
            ("before", bench_env(stack.enter_context(revision_src(against)))),
            ("now", env),
        ):
            port = free_port()
            server = start_server(version_env, port, workers)
            stack.callback(server.wait, timeout=30)
            stack.callback(server.terminate)
            ports[name] = port

        def get(port: int) -> tuple[float, bytes]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            start = time.perf_counter()
            conn.request("GET", "/open311/v2/requests.json")
            response = conn.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - start) * 1000
            conn.close()
            if response.status != 200:
                raise SystemExit(f"Open311 answered {response.status}")
            return elapsed, body

        bodies = {name: get(port)[1] for name, port in ports.items()}  # and warm-ups
        assert bodies["before"] == bodies["now"], "the bodies differ"
        times = {name: [] for name in ports}
        for i in range(reads):
            order = list(ports) if i % 2 == 0 else list(reversed(ports))
            for name in order:
                times[name].append(get(ports[name])[0])
    result = {
        name: {
            "p50_ms": round(float(np.percentile(t, 50)), 1),
            "p99_ms": round(float(np.percentile(t, 99)), 1),
        }
        for name, t in times.items()
    }
    return {
        "http": True,
        "workers": workers,
        "rows": len(json.loads(bodies["now"])),
        "bytes": len(bodies["now"]),
        **result,
        "ratio_p50": round(result["before"]["p50_ms"] / result["now"]["p50_ms"], 2),
        "goal_p99_ms": 200,
        "load_average": {"start": load_start, "end": round(os.getloadavg()[0], 1)},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", default="main", help="the revision to compare with")
    parser.add_argument("--reads", type=int, default=12)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="cProfile this tree's JSON page")
    parser.add_argument("--http", action="store_true", help="over HTTP, gunicorn per version")
    parser.add_argument("--workers", type=int, default=3, help="--http: gunicorn workers")
    args = parser.parse_args()
    if args.http:
        result = over_http(args.against, args.reads, args.workers)
        print(
            f"Open311 requests.json over HTTP, {result['rows']} rows, {args.reads} reads each: "
            f"now p50 {result['now']['p50_ms']} ms, p99 {result['now']['p99_ms']} ms; "
            f"{args.against} p50 {result['before']['p50_ms']} ms, "
            f"p99 {result['before']['p99_ms']} ms"
        )
        print(json.dumps({"benchmark": "open311_page", "against": args.against, **result}))
        return
    with test_database():
        from django.test import RequestFactory

        from precinct.appeals import open311 as current

        before = revision_module(args.against)
        seed(args.rows)
        factory = RequestFactory()
        views = {"before": before.requests, "now": current.requests}
        result = {}
        for fmt in ("json", "xml"):
            bodies = {
                k: v(factory.get(f"/open311/v2/requests.{fmt}"), fmt=fmt).content
                for k, v in views.items()
            }
            assert bodies["before"] == bodies["now"], f"{fmt}: the bodies differ"
            assert bodies["now"].count(b"service_request_id") >= args.rows, "not a full page"
            times = {k: [] for k in views}
            for i in range(args.reads + 3):
                for name, view in views.items():
                    start = time.perf_counter()
                    view(factory.get(f"/open311/v2/requests.{fmt}"), fmt=fmt)
                    if i >= 3:  # warm-ups
                        times[name].append((time.perf_counter() - start) * 1000)
            med = {k: statistics.median(v) for k, v in times.items()}
            result[fmt] = {
                "before_median_ms": round(med["before"], 1),
                "now_median_ms": round(med["now"], 1),
                "ratio": round(med["before"] / med["now"], 2),
                "bytes": len(bodies["now"]),
            }
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            current.requests(factory.get("/open311/v2/requests.json"), fmt="json")
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        print(
            json.dumps(
                {
                    "benchmark": "open311_page",
                    "rows": args.rows,
                    "reads": args.reads,
                    "against": args.against,
                    **result,
                    "load_average": round(os.getloadavg()[0], 1),
                }
            )
        )


if __name__ == "__main__":
    main()
