"""Benchmark: import 1,000,000 historic 102 records from CSV into PostgreSQL.

Run from the project root with a PostgreSQL server (Django creates and drops a test
database ``test_<name>``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/precinct_bench \\
        .venv/bin/python bench/dispatch_import.py [--rows 1000000]

The CSV (generated with numpy, ISO times in UTC, one row in 20 without an arrival) is
imported through ``precinct.dispatch.importing.import_csv``, exactly what
``precinct dispatch import`` runs: read and check every row while ``COPY`` streams the
checked ones, commit. On PostgreSQL the same file is then imported again, side by side,
into the table as it was before migration dispatch/0003 (per-row foreign keys and their
indexes): the reference for the ratio. The last line is one JSON object; the goal is
≥ 50,000 rows/s.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from _django import test_database
from _machine import machine

MAPPING = """
[columns]
received = "received"
dispatched = "dispatched"
en_route = "en_route"
on_scene = "on_scene"
closed = "closed"
priority = "priority"
type = "type"
lat = "lat"
lon = "lon"

[defaults]
department = "bench"
"""


def write_csv(path: Path, rows: int, seed: int) -> None:
    """A year of calls: received uniform, phases from lognormal durations."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2025-01-01T00:00:00")
    received = start + rng.integers(0, 365 * 86400, rows).astype("timedelta64[s]")
    handling = rng.lognormal(4.5, 0.5, rows).astype("timedelta64[s]")
    turnout = rng.lognormal(3.8, 0.4, rows).astype("timedelta64[s]")
    travel = rng.lognormal(6.3, 0.6, rows).astype("timedelta64[s]")
    scene = rng.lognormal(7.3, 0.5, rows).astype("timedelta64[s]")
    dispatched = received + handling
    en_route = dispatched + turnout
    on_scene = en_route + travel
    closed = on_scene + scene

    def iso(values):
        return np.datetime_as_string(values, unit="s", timezone="UTC")

    columns = [iso(received), iso(dispatched), iso(en_route), iso(on_scene), iso(closed)]
    columns[3][::20] = ""  # no arrival recorded
    priority = rng.integers(1, 5, rows).astype(str)
    types = np.array(["violence", "crash", "public_order", "domestic", "theft_report"])
    kind = types[rng.integers(0, len(types), rows)]
    lat = np.char.mod("%.5f", rng.uniform(43.15, 43.35, rows))
    lon = np.char.mod("%.5f", rng.uniform(76.75, 77.10, rows))
    with open(path, "w", encoding="utf-8") as out:
        out.write("received,dispatched,en_route,on_scene,closed,priority,type,lat,lon\n")
        out.writelines(
            ",".join(row) + "\n" for row in zip(*columns, priority, kind, lat, lon, strict=True)
        )


# The reference: the incident table as it was before migration dispatch/0003, with a
# foreign-key constraint checking every row and an index per foreign key and on state.
PER_ROW_SCHEMA = [
    "DROP TRIGGER dispatch_incident_references_insert ON dispatch_incident",
    "ALTER TABLE dispatch_incident ADD CONSTRAINT ref_department FOREIGN KEY (department_id) "
    "REFERENCES territory_department (id) DEFERRABLE INITIALLY DEFERRED",
    "ALTER TABLE dispatch_incident ADD CONSTRAINT ref_category FOREIGN KEY (category_id) "
    "REFERENCES dispatch_category (id) DEFERRABLE INITIALLY DEFERRED",
    "CREATE INDEX ref_department_idx ON dispatch_incident (department_id)",
    "CREATE INDEX ref_category_idx ON dispatch_incident (category_id)",
    "CREATE INDEX ref_state_idx ON dispatch_incident (state, received_at)",
]


def timed_import(csv_path: Path, mapping_path: Path, rows: int) -> dict:
    """Import the file into an empty incident table; the figures of that run."""
    from precinct.dispatch.importing import import_csv, load_mapping
    from precinct.dispatch.models import Incident

    start = time.perf_counter()
    report = import_csv(path=csv_path, mapping=load_mapping(mapping_path))
    seconds = time.perf_counter() - start
    stored = Incident.objects.count()
    assert stored == rows == report.rows, (stored, report.rows)
    return {
        "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds),
        "check_s": round(report.check_seconds, 2), "write_s": round(report.write_seconds, 2),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        csv_path, mapping_path = Path(tmp) / "calls.csv", Path(tmp) / "mapping.toml"
        write_csv(csv_path, args.rows, args.seed)
        mapping_path.write_text(MAPPING, encoding="utf-8")
        with test_database() as connection:
            from precinct.territory import services as territory
            from precinct.territory.models import Region

            region = Region.objects.create(code="almaty", kind=Region.Kind.CITY, name="Алматы")
            territory.department_create(region=region, parent=None, kind="city", code="bench",
                                        name="Bench")  # fmt: skip
            if os.environ.get("BENCH_PROFILE"):
                profile(csv_path, mapping_path)
                return
            ours = timed_import(csv_path, mapping_path, args.rows)
            reference = None
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("TRUNCATE dispatch_incident CASCADE")
                    for sql in PER_ROW_SCHEMA:
                        cursor.execute(sql)
                reference = timed_import(csv_path, mapping_path, args.rows)
        csv_mib = round(csv_path.stat().st_size / 2**20, 1)
    figures = {
        "database": connection.vendor, "rows": args.rows, "csv_mib": csv_mib, **ours,
        "per_row_fk": reference,
        "speedup_vs_per_row_fk": reference and round(reference["seconds"] / ours["seconds"], 2),
        "goal_rows_per_s": 50_000,
        **machine(),
    }  # fmt: skip
    print(f"imported {args.rows:,} rows into {figures['database']} in {ours['seconds']:.1f} s: "
          f"{ours['rows_per_s']:,} rows/s")  # fmt: skip
    if reference:
        print(f"the same with per-row foreign keys (schema before dispatch/0003): "
              f"{reference['seconds']:.1f} s, {reference['rows_per_s']:,} rows/s")  # fmt: skip
    print(json.dumps(figures))


def profile(csv_path: Path, mapping_path: Path) -> None:
    import cProfile
    import pstats

    from precinct.dispatch.importing import import_csv, load_mapping

    code = "import_csv(path=csv_path, mapping=load_mapping(mapping_path))"
    names = {"import_csv": import_csv, "load_mapping": load_mapping}
    paths = {"csv_path": csv_path, "mapping_path": mapping_path}
    cProfile.runctx(code, names, paths, "/tmp/imp.prof")
    pstats.Stats("/tmp/imp.prof").sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
