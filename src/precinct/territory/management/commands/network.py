"""``precinct network import FILE [FILE...] [--region CODE]``: the regions' road networks."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precinct.analytics.network import NetworkImportError
from precinct.territory.network import network_dir
from precinct.territory.network_import import legacy_network_left, networks_import


class Command(BaseCommand):
    help = (
        "Import OpenStreetMap PBF extracts into the regions' walking and driving networks: "
        "each extract goes to the regions whose area it overlaps, cut by region, or to the "
        "region given with --region."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import .osm.pbf extracts (a country's or regions').")
        imp.add_argument("files", type=Path, nargs="+", metavar="FILE")
        imp.add_argument("--region", help="The Region code the one extract belongs to.")

    def handle(self, *args, action, files: list[Path], region: str | None, **options):
        try:
            written = networks_import(files, region=region, log=self.stdout.write)
        except NetworkImportError as exc:
            raise CommandError(str(exc)) from None
        names = ", ".join(r.region for r in written)
        self.stdout.write(self.style.SUCCESS(f"Saved {names} to {network_dir()}"))
        if legacy_network_left():
            self.stdout.write(
                f"Note: the network imported before regions (walk.npz, drive.npz in "
                f"{network_dir()}) still serves points outside the imported regions and "
                "the pages that draw the whole deployment on one network (coverage, patrol "
                "sizing); delete those files once every region is imported."
            )
