"""``precinct crime import-form1m DIR``, ``import-population CSV``, ``import-departments CSV``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precinct.crime import services


class Command(BaseCommand):
    help = "Official crime statistics: Form 1-M workbooks, population, department counts."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        f1m = sub.add_parser("import-form1m", help="Import a folder of Form 1-M workbooks.")
        f1m.add_argument("directory", type=Path)
        f1m.add_argument("--period", default=services.DEFAULT_PERIOD)
        pop = sub.add_parser("import-population", help="Region,Total,Males,Females CSV.")
        pop.add_argument("file", type=Path)
        dep = sub.add_parser("import-departments", help="Department counts CSV.")
        dep.add_argument("file", type=Path)

    def handle(self, *args, action, **options):
        try:
            if action == "import-form1m":
                r = services.crime_import_form1m(
                    directory=options["directory"], period_label=options["period"]
                )
                msg = f"Imported {r['rows']} rows of {r['regions']} regions for “{r['period']}”."
            elif action == "import-population":
                n = services.population_import(path=options["file"])
                msg = f"Imported the population of {n} regions."
            else:
                n = services.department_counts_import(path=options["file"])
                msg = f"Imported {n} department counts."
        except services.CrimeImportError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(msg))
