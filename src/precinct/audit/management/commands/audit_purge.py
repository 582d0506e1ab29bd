"""``precinct audit_purge [--days N]``: delete audit entries older than their retention.

The default is ``PRECINCT_RETENTION_DAYS["audit_entries"]`` (three years, the general
limitation period of the Civil Code, art. 178; see docs/operations.md, "Retention"). The
purge itself is recorded in the log. The worker's daily retention run does the same.
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from precinct.audit.services import audit_purge


class Command(BaseCommand):
    help = "Delete audit entries older than the audit log's retention period (audited)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days (default: PRECINCT_RETAIN_AUDIT_DAYS).",
        )

    def handle(self, *args, days=None, **options):
        days = settings.PRECINCT_RETENTION_DAYS["audit_entries"] if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1.")
        before = timezone.now() - dt.timedelta(days=days)
        deleted = audit_purge(actor=None, before=before, reason=f"retention of {days} days")
        self.stdout.write(f"{deleted} audit entries older than {before:%Y-%m-%d} deleted")
