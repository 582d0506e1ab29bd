"""``precinct open311-key create NAME``: print a new Open311 API key (stored hashed)."""

from django.core.management.base import BaseCommand, CommandError

from precinct.appeals.open311 import key_create


class Command(BaseCommand):
    help = "Create an API key for an Open311 client that posts service requests."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("name")

    def handle(self, *args, action, name, **options):
        if not name.strip():
            raise CommandError("NAME: give the client's name")
        self.stdout.write(key_create(name=name.strip()))
