"""Benchmark: one page of Open311 ``requests.json`` / ``requests.xml`` (1,000 rows) in-process,
this tree's code side by side with another revision's ``appeals/open311.py`` (goal p99 < 200 ms
per page over HTTP; this isolates the view's own cost from the server's).

    PYTHONPATH=src .venv/bin/python bench/open311_page.py [--against main] [--reads 12] [--profile]

Both versions answer the same requests on the same database in alternation (so the
machine's load hits both alike), and their bodies are checked identical. The last line is
one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from _django import ROOT, test_database

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", default="main", help="the revision to compare with")
    parser.add_argument("--reads", type=int, default=12)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="cProfile this tree's JSON page")
    args = parser.parse_args()
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
