"""``precinct crime import-form1m DIR``, ``import-population CSV``, ``import-departments CSV``,
``import-records FILE --mapping MAPPING.toml`` and ``map-points`` (rebuild the anonymous
map points of every region)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precinct.core.importing import refusals_as_command_errors
from precinct.crime import importer, services
from precinct.crime.demo import demo_records
from precinct.territory.models import Region


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
        rec = sub.add_parser("import-records", help="Street-level offence records (all or none).")
        rec.add_argument("file", type=Path)
        rec.add_argument("--mapping", type=Path, required=True, help="Column mapping (TOML).")
        sub.add_parser("map-points", help="Rebuild the anonymous map points, move the records.")
        demo = sub.add_parser(
            "demo-records", help="Add the demo's generated records to a demo built without them."
        )
        demo.add_argument("--seed", type=int, default=1)

    def handle(self, *args, action, **options):
        if action == "import-records":
            return self._import_records(options["file"], options["mapping"])
        if action == "demo-records":
            for line in demo_records(seed=options["seed"]):
                self.stdout.write(line)
            return
        if action == "map-points":
            for region in Region.objects.all():
                r = services.map_points_rebuild(region=region)
                self.stdout.write(
                    f"{region}: {r['points']} map points, {r['published']} published; "
                    f"{r['records']} records moved."
                )
            return
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

    def _import_records(self, file: Path, mapping_path: Path):
        with refusals_as_command_errors():
            mapping = importer.read_mapping(mapping_path)
            report = importer.offence_records_import(path=file, mapping=mapping)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.rows:,} offence records in {report.seconds:.1f} s."
            )
        )
