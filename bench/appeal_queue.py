"""Benchmark: the department queue page with 100,000 appeals in the database (p99 < 150 ms).

Run from the project root (SQLite by default; set DATABASE_URL for PostgreSQL)::

    PRECINCT_VAR_DIR=/tmp/var-queue-bench .venv/bin/python bench/appeal_queue.py \\
        [--appeals 100000] [--requests 200]

Creates (once) a city with three district departments and ``--appeals`` appeals spread
over them and over a year (most closed, the rest open, some overdue), then renders the
head's queue page — first page, the "overdue" filter, a search and a later page — through
Django's test client in this process (server time without the HTTP hop), and counts the
queries of each. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "precinct.settings")


def setup_data(n: int):
    from django.core.management import call_command
    from django.utils import timezone
    from shapely.geometry import box

    from precinct.accounts.models import User
    from precinct.accounts.services import staff_user_create
    from precinct.appeals.models import Appeal, Category
    from precinct.territory import services
    from precinct.territory.models import Region

    call_command("migrate", "--noinput", verbosity=0)
    head = User.objects.filter(username="bench-head").first()
    if head is not None and Appeal.objects.count() >= n:
        return head
    region = Region.objects.create(code="bench", kind=Region.Kind.CITY, name="Бенч")
    city = services.department_create(
        region=region, parent=None, kind="regional", code="bench-city", name="ДП Бенч"
    )
    districts = [
        services.department_create(
            region=region,
            parent=city,
            kind="district",
            code=f"bench-{k}",
            name=f"УП {k}",
            geometry=box(76 + k / 10, 43, 76.1 + k / 10, 43.1),
        )
        for k in range(3)
    ]
    head = staff_user_create(
        username="bench-head", password="bench-password-1", role="head", department=districts[0]
    )
    categories = list(Category.objects.all())
    rng = np.random.default_rng(1)
    now = timezone.now()
    rows = []
    for i in range(n):
        reg = now - dt.timedelta(minutes=int(rng.integers(0, 365 * 24 * 60)))
        due = reg.date() + dt.timedelta(days=21)
        closed = due < now.date() and rng.random() < 0.97
        rows.append(
            Appeal(
                registration_number=f"B-{i:07d}",
                tracking_code=f"bench{i:010d}",
                type="request",
                channel="web",
                category=categories[i % len(categories)],
                text="Бенчмарк",
                department=districts[i % 3],
                contact_name="Бенч",
                contact_phone="+77000000000",
                registered_at=reg,
                due_date=due,
                status="closed" if closed else "registered",
            )
        )
    Appeal.objects.bulk_create(rows, batch_size=5000)
    return head


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appeals", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from precinct.appeals.models import Appeal

    settings.ALLOWED_HOSTS = ["testserver"]
    t0 = time.perf_counter()
    head = setup_data(args.appeals)
    setup_s = time.perf_counter() - t0
    client = Client()
    client.force_login(head)
    pages = {
        "first page": "/appeals/staff/",
        "overdue": "/appeals/staff/?overdue=1",
        "search": "/appeals/staff/?q=B-00012&status=",
        "page 20": "/appeals/staff/?page=20",
    }
    results = {}
    for name, url in pages.items():
        client.get(url)  # warm
        queries = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            assert client.get(url).status_code == 200
        times = []
        for _ in range(args.requests):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        results[name] = {
            "queries": len(queries),
            "p50_ms": round(statistics.median(times), 1),
            "p99_ms": round(float(np.percentile(times, 99)), 1),
        }
        print(f"{name}: {results[name]}")
    print(
        json.dumps(
            {
                "benchmark": "appeal_queue",
                "appeals": Appeal.objects.count(),
                "database": connection.vendor,
                "setup_s": round(setup_s, 1),
                "pages": results,
                "goal_p99_ms": 150,
                "machine": f"{os.cpu_count()} cores, shared",
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
