"""``precinct demo build --seed N``: build the demo city from real Almaty data."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precinct.demo.builder import (
    DemoInputError,
    NetworkImportError,
    build_demo,
    default_inputs,
    demo_exists,
)
from precinct.demo.inputs import DemoInputs


class Command(BaseCommand):
    help = "Build the demo city (Almaty) from the shared open data."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build", help="Build the demo city.")
        build.add_argument("--seed", type=int, default=1, help="Seed of every random choice.")
        build.add_argument("--if-absent", action="store_true", help="Do nothing if built.")
        build.add_argument("--osm", type=Path, help="OSM PBF extract (default: Almaty).")
        build.add_argument("--boundaries", type=Path, help="geoBoundaries ADM2 GeoJSON.")
        build.add_argument("--population", type=Path, help="city_population.csv.")

    def handle(self, *args, action, **options):
        if demo_exists():
            if options["if_absent"]:
                self.stdout.write("The demo city is already built.")
                return
            raise CommandError("The database already holds a territory; use a fresh database.")
        defaults = default_inputs()
        inputs = DemoInputs(
            osm=options["osm"] or defaults.osm,
            boundaries=options["boundaries"] or defaults.boundaries,
            population_csv=options["population"] or defaults.population_csv,
        )
        try:
            report = build_demo(seed=options["seed"], inputs=inputs, log=self.stdout.write)
        except (DemoInputError, NetworkImportError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        for line in report.lines:
            self.stdout.write("  " + line)
        if report.password_generated:
            self.stdout.write(
                self.style.WARNING(
                    f"Demo password (shown once; set PRECINCT_DEMO_PASSWORD to choose it): "
                    f"{report.password}"
                )
            )
        self.stdout.write(self.style.SUCCESS("Demo city built."))
