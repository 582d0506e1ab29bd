"""``precinct backup FILE``: the database and the media directory in one archive, online."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from precinct.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write the database (PostgreSQL or SQLite, while the server runs) and the media "
        "directory to one archive with a manifest (see docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The archive to write, e.g. backup.tar.gz.")

    def handle(self, *args, file: Path, **options):
        if not file.parent.is_dir():
            raise CommandError(f"{file.parent}: no such directory.")
        try:
            report = backup_create(path=file, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Wrote {report.path}: {report.vendor}, {report.tables} tables, {report.rows} rows, "
            f"{report.media_files} media files ({report.media_bytes} bytes)."
        )
