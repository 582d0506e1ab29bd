"""``precinct restore FILE``: put an archive of ``precinct backup`` back in place."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precinct.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore the database and the media directory from an archive of `precinct backup`. "
        "Stop the server and the worker first (see docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The archive written by `precinct backup`.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite a database that already holds precinct's tables.",
        )

    def handle(self, *args, file: Path, replace: bool = False, **options):
        try:
            report = backup_restore(path=file, replace=replace, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored {report.path}: {report.tables} tables, {report.rows} rows, "
            f"{report.media_files} media files; the counts match the manifest."
        )
