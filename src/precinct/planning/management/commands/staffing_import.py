"""``precinct staffing_import FILE.csv``: load inspectors in post per department."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precinct.planning.services import PlanningError, staffing_import_csv


class Command(BaseCommand):
    help = "Load staff numbers per department (department,inspectors[,settlement][,as_of])."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--as-of", type=dt.date.fromisoformat, help="Date of the figures.")
        parser.add_argument("--source", default="", help="Where the figures come from.")

    def handle(self, *args, file: Path, as_of=None, source="", **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: {exc}") from None
        try:
            result = staffing_import_csv(actor=None, text=text, as_of=as_of, source=source)
        except PlanningError as exc:
            raise CommandError(
                f"{file}: nothing loaded.\n"
                + "\n".join(f"  {message}" for _field, message in exc.errors)
            ) from None
        self.stdout.write(f"{file}: {result.created} new, {result.updated} updated.")
