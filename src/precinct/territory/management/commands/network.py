"""``precinct network import FILE``: build the walking and driving graphs from OSM."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from precinct.analytics.network import NetworkImportError, import_networks


class Command(BaseCommand):
    help = "Import an OpenStreetMap PBF extract into the walking and driving networks."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import an .osm.pbf extract.")
        imp.add_argument("file", type=Path)

    def handle(self, *args, action, file: Path, **options):
        try:
            report = import_networks(
                file,
                settings.PRECINCT_NETWORK_DIR,
                walk_speed_kmh=settings.PRECINCT_WALK_SPEED_KMH,
            )
        except NetworkImportError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Walking: {report.walk_nodes} nodes, {report.walk_edges} edges, "
            f"{report.walk_km:.0f} km. Driving: {report.drive_nodes} nodes, "
            f"{report.drive_edges} edges, {report.drive_km:.0f} km."
        )
        self.stdout.write(self.style.SUCCESS(f"Saved to {report.walk_path.parent}"))
