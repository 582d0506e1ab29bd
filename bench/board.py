"""Benchmark: the 102 live board's refresh with 500 open incidents.

Run from the project root (SQLite by default; ``DATABASE_URL=postgres://…`` for PostgreSQL)::

    .venv/bin/python bench/board.py [--incidents 500] [--units 120] [--requests 200]

Times the htmx fragment ``/dispatch/board/live/`` through Django's test client, signed in
as an operator of the city department (the whole request: session, query, template).
The number of queries is printed as well (a test holds it fixed). The last line is one
JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from _django import test_database
from _machine import machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=500)
    parser.add_argument("--units", type=int, default=120)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    with test_database() as connection:
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from precinct.accounts.models import Role
        from precinct.accounts.services import staff_user_create
        from precinct.dispatch import services
        from precinct.dispatch.models import Category, Incident, Unit
        from precinct.territory import services as territory
        from precinct.territory.models import Department, Region

        region = Region.objects.create(code="almaty", kind=Region.Kind.CITY, name="Алматы")
        city = territory.department_create(region=region, parent=None, kind=Department.Kind.CITY,
                                           code="dp", name="ДП")  # fmt: skip
        districts = [
            territory.department_create(region=region, parent=city, kind="district",
                                        code=f"d{i}", name=f"District {i}")
            for i in range(8)
        ]  # fmt: skip
        operator = staff_user_create(username="op", password="bench-password-1",
                                     role=Role.OPERATOR, department=city)  # fmt: skip
        rng = np.random.default_rng(5)
        units = [
            services.unit_create(actor=None, department=districts[i % 8], callsign=f"U{i:03d}",
                                 lon=76.9, lat=43.25)
            for i in range(args.units)
        ]  # fmt: skip
        categories = list(Category.objects.all())
        now = timezone.now()
        incidents = Incident.objects.bulk_create(
            Incident(
                department=districts[i % 8], category=categories[i % len(categories)],
                priority=int(rng.integers(1, 5)), lon=76.9, lat=43.25,
                received_at=now - timezone.timedelta(seconds=int(rng.integers(0, 3600))),
            )
            for i in range(args.incidents)
        )  # fmt: skip
        for incident, unit in zip(incidents, units[: args.units // 2], strict=False):
            services.assignment_create(actor=operator, incident=incident, unit_id=unit.id)

        client = Client()
        client.force_login(operator)
        url = "/dispatch/board/live/"
        for _ in range(5):
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url).content
        queries = len(ctx.captured_queries)
        assert body.count(b"data-incident=") == args.incidents
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            cProfile.runctx("client.get(url)", globals(), locals(), "/tmp/board.prof")
            pstats.Stats("/tmp/board.prof").sort_stats("tottime").print_stats(20)
            return
        ms = []
        for _ in range(args.requests):
            start = time.perf_counter()
            client.get(url)
            ms.append((time.perf_counter() - start) * 1000)
        figures = {
            "database": connection.vendor,
            "open_incidents": args.incidents,
            "units": Unit.objects.count(),
            "requests": args.requests,
            "queries": queries,
            "p50_ms": round(float(np.percentile(ms, 50)), 2),
            "p99_ms": round(float(np.percentile(ms, 99)), 2),
            "response_kib": round(len(body) / 1024, 1),
            **machine(),
        }
        print(
            f"board refresh with {args.incidents} open incidents on {connection.vendor}: "
            f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, {queries} queries"
        )
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
