"""Benchmark: the 102 response map by precinct (``dispatch.metrics.area_map``) for a year.

Run from the project root (SQLite by default; ``DATABASE_URL=postgres://…`` for PostgreSQL)::

    .venv/bin/python bench/area_map.py [--incidents 50000] [--precincts 300] [--repeat 5]

A synthetic city like the demo's: 8 districts and ``--precincts`` precincts whose polygons
are unions of the Voronoi cells of 30,000 random "street nodes" (the demo builds them the
same way, so their borders are as jagged), and a year of closed calls spread over the
city, one in 50 without coordinates and one in 50 outside every precinct. Times
``area_map`` for the city department and for its busiest district (the STRtree already
built, as in a warm web worker), its parts, the page's other (SQL) measures, and the
whole measures page as the city's head sees it. ``area_map`` reads the precinct rollups
(built first, as the worker keeps them); ``bench/measures_precincts.py`` sets it against
the raw read. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from _django import test_database
from _machine import machine

CITY = (76.80, 43.15, 77.05, 43.35)  # lon/lat box, ~20 x 22 km


def _median_ms(fn, repeat: int) -> dict:
    """Median and best of ``repeat`` runs: on a shared 2-core machine the best shows the
    cost of the work, the median what a user meets under the load of the moment."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return {"median": round(float(np.median(times)), 1), "best": round(min(times), 1)}


def _sql_measures(metrics, department, period) -> None:
    metrics.response_measures(department=department, **period)
    metrics.response_measures(department=department, group_by=("hour",), priority=1, **period)


def _territory(n_precincts: int, rng):
    """The city department, 8 districts (vertical strips) and jagged precinct polygons."""
    import shapely

    from precinct.analytics.partition import dissolve, voronoi_cells
    from precinct.territory import services as territory
    from precinct.territory.models import Department, Provenance, Region

    region = Region.objects.create(code="almaty", kind=Region.Kind.CITY, name="Алматы")
    city = territory.department_create(region=region, parent=None, kind=Department.Kind.CITY,
                                       code="dp", name="ДП")  # fmt: skip
    edges = np.linspace(CITY[0], CITY[2], 9)
    districts = [
        territory.department_create(region=region, parent=city, kind="district", code=f"d{i}",
                                    name=f"District {i}")
        for i in range(8)
    ]  # fmt: skip
    area = shapely.box(*CITY)
    lon = rng.uniform(CITY[0], CITY[2], 30_000)
    lat = rng.uniform(CITY[1], CITY[3], 30_000)
    seeds = rng.choice(len(lon), n_precincts, replace=False)
    nearest = np.argmin((lon[:, None] - lon[seeds]) ** 2 + (lat[:, None] - lat[seeds]) ** 2, axis=1)
    polygons = dissolve(voronoi_cells(lon, lat, area), nearest, n_precincts)
    for k, polygon in enumerate(polygons):
        x = shapely.centroid(polygon).x
        district = districts[min(int(np.searchsorted(edges, x)) - 1, 7)]
        territory.precinct_create(department=district, number=k + 1, geometry=polygon,
                                  residents=7000, source=Provenance.GENERATED)  # fmt: skip
    return city, districts


def _calls(districts, n: int, rng) -> None:
    """A year of closed calls; departments by strip, as the import would set them."""
    import datetime as dt

    from django.utils import timezone

    from precinct.dispatch.models import Category, Incident

    categories = list(Category.objects.all())
    now = timezone.now()
    edges = np.linspace(CITY[0], CITY[2], 9)
    lon = rng.uniform(CITY[0], CITY[2], n)
    lat = rng.uniform(CITY[1], CITY[3], n)
    lon[::50] = CITY[2] + 0.05  # outside every precinct
    strip = np.clip(np.searchsorted(edges, lon) - 1, 0, 7)
    handling = rng.lognormal(np.log(120), 0.5, n).astype(int) + 5
    travel = rng.lognormal(np.log(600), 0.6, n).astype(int) + 30
    rows = []
    for i in range(n):
        located = i % 50 != 25
        received = now - dt.timedelta(seconds=int(rng.integers(60, 365 * 86400)))
        rows.append(Incident(
            department=districts[strip[i]], category=categories[i % len(categories)],
            priority=int(rng.integers(1, 5)), area_type="urban", state="closed",
            source="imported", lon=float(lon[i]) if located else None,
            lat=float(lat[i]) if located else None, received_at=received,
            dispatched_at=received + dt.timedelta(seconds=int(handling[i])),
            on_scene_at=received + dt.timedelta(seconds=int(handling[i] + travel[i])),
            handling_seconds=int(handling[i]), travel_seconds=int(travel[i]),
            response_seconds=int(handling[i] + travel[i]),
        ))  # fmt: skip
    Incident.objects.bulk_create(rows, batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=50_000)
    parser.add_argument("--precincts", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()

    with test_database() as connection:
        from django.db.models import Count
        from django.test import Client
        from django.utils import timezone

        from precinct.accounts.models import Role
        from precinct.accounts.services import staff_user_create
        from precinct.dispatch import metrics
        from precinct.dispatch.models import Incident
        from precinct.territory import geo

        rng = np.random.default_rng(11)
        city, districts = _territory(args.precincts, rng)
        _calls(districts, args.incidents, rng)
        from precinct.dispatch import rollups

        rollups.rebuild_all()  # area_map reads the precinct rollups (as the worker keeps them)
        busiest = max(
            districts,
            key=lambda d: Incident.objects.filter(department=d).aggregate(n=Count("id"))["n"],
        )
        end = timezone.now() + timezone.timedelta(seconds=1)
        start = end - timezone.timedelta(days=366)
        period = {"start": start, "end": end}
        geo.precinct_id_at(76.9, 43.25)  # builds the STRtree once, as a warm worker has it

        def fetch():
            return metrics._located_responses(city, start, end, None)

        lon, lat, _, _ = fetch()
        figures = {
            "database": connection.vendor,
            "incidents": args.incidents,
            "precincts": args.precincts,
            "area_map_city_ms": _median_ms(
                lambda: metrics.area_map(department=city, **period), args.repeat
            ),
            "area_map_district_ms": _median_ms(
                lambda: metrics.area_map(department=busiest, **period), args.repeat
            ),
            "district_incidents": Incident.objects.filter(department=busiest).count(),
            "fetch_ms": _median_ms(fetch, args.repeat),
            # The page's other measures (by priority, emergencies by hour), for comparison.
            "sql_measures_ms": _median_ms(lambda: _sql_measures(metrics, city, period), 3),
            "strtree_ms": _median_ms(lambda: geo.precinct_ids_at(lon, lat), args.repeat),
        }
        head = staff_user_create(username="head", password="bench-password-1", role=Role.HEAD,
                                 department=city)  # fmt: skip
        client = Client()
        client.force_login(head)
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            cProfile.runctx("client.get('/dispatch/measures/')", globals(), locals(),
                            "/tmp/measures.prof")  # fmt: skip
            pstats.Stats("/tmp/measures.prof").sort_stats("cumtime").print_stats(40)
            return
        body = client.get("/dispatch/measures/").content
        figures["page_ms"] = _median_ms(lambda: client.get("/dispatch/measures/"), args.repeat)
        figures["page_kib"] = round(len(body) / 1024, 1)
        figures.update(machine())
        city_ms, district_ms = figures["area_map_city_ms"], figures["area_map_district_ms"]
        print(
            f"area_map, {args.incidents} calls, {args.precincts} precincts on "
            f"{connection.vendor}: city median {city_ms['median']} ms (best {city_ms['best']}; "
            f"fetch {figures['fetch_ms']['median']}, STRtree {figures['strtree_ms']['median']}), "
            f"busiest district median {district_ms['median']} ms; measures page median "
            f"{figures['page_ms']['median']} ms (of which the SQL measures "
            f"{figures['sql_measures_ms']['median']} ms), {figures['page_kib']} KiB"
        )
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
