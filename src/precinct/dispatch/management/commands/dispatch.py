"""``precinct dispatch import FILE --mapping MAPPING.toml``: load historic 102 records.
``precinct dispatch rollups rebuild [--from DAY --to DAY]``: recompute the response rollups
from the raw calls (all days with calls by default); ``rollups refresh``: the dirty days only.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precinct.core.importing import refusals_as_command_errors
from precinct.core.management import day
from precinct.dispatch import rollups
from precinct.dispatch.importing import import_csv, load_mapping


class Command(BaseCommand):
    help = (
        "102 dispatch records: 'import FILE --mapping MAPPING.toml' (all or nothing); "
        "'rollups rebuild [--from DAY --to DAY]', 'rollups refresh' or 'rollups compact'."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="Import historic calls from a CSV file.")
        load.add_argument("file", type=Path)
        load.add_argument("--mapping", type=Path, required=True, help="Column mapping (TOML).")
        roll = sub.add_parser("rollups", help="Recompute the response rollups.")
        roll.add_argument("what", choices=["rebuild", "refresh", "compact"])
        roll.add_argument("--from", dest="first", type=day, help="First local day (rebuild).")
        roll.add_argument("--to", dest="last", type=day, help="Last local day (rebuild).")

    def handle(self, *args, action, **options):
        if action == "import":
            return self._import(options["file"], options["mapping"])
        if action == "rollups":
            return self._rollups(options["what"], options["first"], options["last"])
        raise CommandError(f"Unknown action {action!r}.")

    def _rollups(self, what: str, first, last):
        started = time.perf_counter()
        if what == "compact":
            periods = rollups.compact_all()
            seconds = time.perf_counter() - started
            self.stdout.write(f"Compacted the rollups of {periods:,} periods in {seconds:.1f} s.")
            return
        if what == "refresh":
            days = rollups.rebuild_dirty()
        elif first is None and last is None:
            days = rollups.rebuild_all()
        elif first is None or last is None or first > last:
            raise CommandError("Give both --from and --to, the first not after the last.")
        else:
            days = rollups.rebuild_range(first=first, last=last)
        seconds = time.perf_counter() - started
        self.stdout.write(f"Rebuilt the rollups of {days:,} days in {seconds:.1f} s.")

    def _import(self, file: Path, mapping_path: Path):
        with refusals_as_command_errors():
            report = import_csv(path=file, mapping=load_mapping(mapping_path))
        rate = report.rows / report.seconds if report.seconds else 0
        self.stdout.write(
            f"Imported {report.rows:,} calls in {report.seconds:.1f} s ({rate:,.0f} rows/s)."
        )
