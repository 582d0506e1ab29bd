"""``precinct dispatch import FILE --mapping MAPPING.toml``: load historic 102 records."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precinct.core.importing import refusals_as_command_errors
from precinct.dispatch.importing import import_csv, load_mapping


class Command(BaseCommand):
    help = "102 dispatch records: 'import FILE --mapping MAPPING.toml' (all or nothing)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="Import historic calls from a CSV file.")
        load.add_argument("file", type=Path)
        load.add_argument("--mapping", type=Path, required=True, help="Column mapping (TOML).")

    def handle(self, *args, action, **options):
        if action == "import":
            return self._import(options["file"], options["mapping"])
        raise CommandError(f"Unknown action {action!r}.")

    def _import(self, file: Path, mapping_path: Path):
        with refusals_as_command_errors():
            report = import_csv(path=file, mapping=load_mapping(mapping_path))
        rate = report.rows / report.seconds if report.seconds else 0
        self.stdout.write(
            f"Imported {report.rows:,} calls in {report.seconds:.1f} s ({rate:,.0f} rows/s)."
        )
