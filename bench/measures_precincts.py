"""Benchmark: the 102 measures page over a city's ten years on SQLite, its precinct map
read from the precinct rollups against the raw-read reference.

Run from the project root (SQLite by default; ``DATABASE_URL=postgres://…`` for PostgreSQL)::

    .venv/bin/python bench/measures_precincts.py [--calls-per-year 450000] [--years 10]
        [--precincts 300] [--repeat 7] [--raw-repeat 3]

A synthetic city like ``bench/area_map.py``'s (8 districts, ``--precincts`` jagged
precincts) and ``--years`` of closed calls ending now, at ``--calls-per-year`` (Almaty's
demo demand is ≈454,000 a year): the distributions of ``bench/_national.py``'s generator
(log-normal handling and travel, 5 % without an arrival, priorities 25/30/35/10 %, one call
in four rural), whose SQL is PostgreSQL's own, so here they are drawn with numpy and
inserted with plain ``INSERT``s; one call in 50 without coordinates, one in 50 in no
precinct. The rollups are built with the command's code (``rollups.rebuild_all``). Then,
side by side:

- the measures page as the city's head opens it for ten years
  (``/dispatch/measures/?days=3650``, the Django test client), exactly as users get it;
- ``metrics.area_map`` for the city from the rollups against ``area_map(exact=True)``
  (the raw read, the product's exact recomputation and the previous path), and the
  page's two other measures (by priority, emergencies by hour) on their own. No product
  module is replaced: the page is timed only as it is;
- maintenance: a late day (calls of a day five years back, inserted as an import does)
  rebuilt by the worker's job; the largest percentile difference of the map from the raw
  one, relative to ``sketch.RELATIVE_ERROR``; counts must be identical.

The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time

import numpy as np

from _django import test_database
from _machine import machine
from area_map import CITY, _territory

ALMATY_UTC_OFFSET = dt.timedelta(hours=5)
CHUNK = 200_000


def _median_ms(fn, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return {"median": round(float(np.median(times)), 1), "best": round(min(times), 1)}


def _times(base: np.datetime64, seconds: np.ndarray, suffix: str) -> list[str]:
    """UTC moments as the database's text: SQLite's as Django writes it (naive UTC)."""
    moments = base + np.round(seconds * 1e6).astype("timedelta64[us]")
    text = np.char.replace(np.datetime_as_string(moments, unit="us"), "T", " ")
    return [t + suffix for t in text.tolist()]


def _or_none(values: np.ndarray, present: np.ndarray) -> list:
    return [v if p else None for v, p in zip(values.tolist(), present.tolist(), strict=True)]


def _insert_calls(connection, districts, n: int, start: dt.datetime, end: dt.datetime, rng):
    """``n`` closed calls received in [start, end), in chunks, as plain rows."""
    from precinct.dispatch.models import Category, Incident

    category = Category.objects.get(code="other").id
    edges = np.linspace(CITY[0], CITY[2], 9)
    ids = np.array([d.id for d in districts])
    table = Incident._meta.db_table
    columns = ["department_id", "category_id", "priority", "area_type", "state", "source",
               "lon", "lat", "place", "caller_phone", "text", "received_at", "dispatched_at",
               "on_scene_at", "closed_at", "handling_seconds", "travel_seconds",
               "response_seconds"]  # fmt: skip
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")  # fmt: skip
    base = np.datetime64(start.astimezone(dt.UTC).replace(tzinfo=None), "us")
    suffix = "" if connection.vendor == "sqlite" else "+00:00"
    span = (end - start).total_seconds()
    done = 0
    while done < n:
        m = min(CHUNK, n - done)
        received = np.sort(rng.uniform(0, span, m))
        lon = rng.uniform(CITY[0], CITY[2], m)
        lat = rng.uniform(CITY[1], CITY[3], m)
        lon[rng.random(m) < 0.02] = CITY[2] + 0.05  # in no precinct
        department = ids[np.clip(np.searchsorted(edges, lon) - 1, 0, 7)]
        located = rng.random(m) >= 0.02
        u = rng.random(m)
        priority = np.select([u < 0.25, u < 0.55, u < 0.9], [1, 2, 3], 4)
        handling = np.maximum(5, np.round(np.exp(np.log(90) + 0.7 * rng.standard_normal(m))))
        travel = np.maximum(30, np.round(np.exp(np.log(600) + 0.8 * rng.standard_normal(m))))
        arrived = rng.random(m) >= 0.05
        area = np.where(rng.random(m) < 0.25, "rural", "urban")
        on_scene = _times(base, received + handling + travel, suffix)
        rows = zip(
            department.tolist(), [category] * m, priority.tolist(), area.tolist(),
            ["closed"] * m, ["imported"] * m,
            _or_none(lon, located), _or_none(lat, located),
            [""] * m, [""] * m, [""] * m,
            _times(base, received, suffix), _times(base, received + handling, suffix),
            [t if a else None for t, a in zip(on_scene, arrived.tolist(), strict=True)],
            _times(base, received + handling + np.where(arrived, travel, 0) + 1800, suffix),
            handling.astype(int).tolist(),
            _or_none(travel.astype(int), arrived),
            _or_none((handling + travel).astype(int), arrived),
            strict=True,
        )  # fmt: skip
        if connection.vendor == "sqlite":  # the driver's own executemany: no per-row wrapper
            connection.connection.executemany(sql.replace("%s", "?"), rows)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(sql, list(rows))
        done += m


def _compare(rolled: dict, exact: dict) -> tuple[bool, float]:
    """Counts identical everywhere; the largest percentile error relative to the value."""
    pairs = [(rolled["outside"], exact["outside"])]
    by_id = {r["precinct_id"]: r for r in exact["precincts"]}
    pairs += [(r, by_id[r["precinct_id"]]) for r in rolled["precincts"]]
    same = rolled["unlocated"] == exact["unlocated"] and len(by_id) == len(rolled["precincts"])
    worst = 0.0
    for r, e in pairs:
        same &= all(r[k] == e[k] for k in ("calls", "arrived", "with_target", "within_target"))
        for q in ("p50", "p90"):
            got, want = r[f"response_seconds_{q}"], e[f"response_seconds_{q}"]
            same &= (got is None) == (want is None)
            if want:
                worst = max(worst, abs(got - want) / want)
    return bool(same), worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls-per-year", type=int, default=450_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--precincts", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--raw-repeat", type=int, default=3)
    args = parser.parse_args()

    with test_database() as connection:
        from django.db import transaction
        from django.test import Client
        from django.utils import timezone

        from precinct.accounts.models import Role
        from precinct.accounts.services import staff_user_create
        from precinct.analytics import sketch
        from precinct.dispatch import metrics, rollups
        from precinct.dispatch.models import Incident, PrecinctRollup, ResponseRollup
        from precinct.territory import geo

        rng = np.random.default_rng(15)
        city, districts = _territory(args.precincts, rng)
        n = args.calls_per_year * args.years
        now = timezone.now()
        first = now - dt.timedelta(days=round(365.25 * args.years) + 1)
        t0 = time.perf_counter()
        with transaction.atomic():
            _insert_calls(connection, districts, n, first, now - dt.timedelta(minutes=1), rng)
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        rollups.rebuild_all()
        build_s = time.perf_counter() - t0
        geo.precinct_id_at(76.9, 43.25)  # the STRtree built once, as a warm worker has it

        days = round(365.25 * args.years) - 1
        end = timezone.now()
        window = {"department": city, "start": end - dt.timedelta(days=days), "end": end}
        head = staff_user_create(username="head", password="bench-password-1", role=Role.HEAD,
                                 department=city)  # fmt: skip
        client = Client()
        client.force_login(head)
        url = f"/dispatch/measures/?days={days}"
        assert client.get(url).status_code == 200

        def others():
            metrics.response_measures(department=city, start=window["start"], end=end)
            metrics.response_measures(department=city, start=window["start"], end=end,
                                      group_by=("hour",), priority=1)  # fmt: skip

        if os.environ.get("BENCH_PROFILE"):  # where the page's time goes, then stop
            import cProfile
            import pstats

            for what in ("metrics.area_map(**window)", "client.get(url)"):
                cProfile.runctx(what, globals(), locals(), "/tmp/measures_precincts.prof")
                stats = pstats.Stats("/tmp/measures_precincts.prof")
                stats.sort_stats("cumtime").print_stats(35)
            return

        figures = {
            "database": connection.vendor, "calls": Incident.objects.count(),
            "years": args.years, "precincts": args.precincts, "window_days": days,
            "load_s": round(load_s, 1), "rollups_build_s": round(build_s, 1),
            "precinct_rollup_rows": PrecinctRollup.objects.count(),
            "response_rollup_rows": ResponseRollup.objects.count(),
            "page_ms": _median_ms(lambda: client.get(url), args.repeat),
            "area_map_ms": _median_ms(lambda: metrics.area_map(**window), args.repeat),
            "other_measures_ms": _median_ms(others, args.repeat),
            "area_map_raw_ms": _median_ms(
                lambda: metrics.area_map(**window, exact=True), args.raw_repeat
            ),
        }  # fmt: skip
        same, worst = _compare(metrics.area_map(**window), metrics.area_map(**window, exact=True))
        figures["counts_identical"] = same
        figures["worst_relative_percentile_error"] = round(worst, 5)
        figures["stated_bound"] = round(sketch.RELATIVE_ERROR, 5)

        # A late day: five years back, a day's calls arrive (an import), the worker's job.
        late_start = (end - dt.timedelta(days=5 * 365)).replace(hour=0, minute=0, second=0)
        before = set(Incident.objects.values_list("id", flat=True).order_by("-id")[:1])
        with transaction.atomic():
            _insert_calls(connection, districts, args.calls_per_year // 365, late_start,
                          late_start + dt.timedelta(days=1), rng)  # fmt: skip
            rollups.mark_calls(Incident.objects.filter(id__gt=max(before)))
        t0 = time.perf_counter()
        rollups.rebuild_dirty()
        figures["late_day_rebuild_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        same, _ = _compare(metrics.area_map(**window), metrics.area_map(**window, exact=True))
        figures["counts_identical_after_late_day"] = same
        figures["area_map_vs_raw"] = round(
            figures["area_map_raw_ms"]["median"] / figures["area_map_ms"]["median"], 1
        )
        figures.update(machine())
        print(
            f"{figures['calls']:,} calls over {args.years} years, {args.precincts} precincts on "
            f"{connection.vendor} (load {figures['load_s']} s, rollups {build_s:.0f} s): "
            f"measures page median {figures['page_ms']['median']} ms; area_map "
            f"{figures['area_map_ms']['median']}"
            f" ms (raw {figures['area_map_raw_ms']['median']} ms); other measures "
            f"{figures['other_measures_ms']['median']} ms"
        )
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
