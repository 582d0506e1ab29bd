"""``precinct purge_personal_data``: blank what is past retention now (the worker does it
daily); prints the counts per kind, which the audit log records too."""

from django.core.management.base import BaseCommand

from precinct.core.retention import personal_data_purge


class Command(BaseCommand):
    help = "Blank or delete personal data past its retention period (an audited run)."

    def handle(self, *args, **options):
        counts = personal_data_purge(how="command")
        for kind, n in sorted(counts.items()):
            self.stdout.write(f"{kind}: {n}")
