"""``precinct worker``: run the background worker of the configured queue."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker (database queue by default, Redis in production)."

    def add_arguments(self, parser):
        parser.add_argument("--max-tasks", type=int, help="Stop after this many tasks.")
        parser.add_argument("--interval", type=float, default=0.5, help="Polling, seconds.")

    def handle(self, *args, max_tasks=None, interval=0.5, **options):
        queues = settings.TASK_QUEUES
        if settings.PRECINCT_QUEUE == "redis":
            extra = ["--max-jobs", str(max_tasks)] if max_tasks else []
            call_command("rqworker", *queues, "--job-class", "django_tasks_rq.Job", *extra)
            return
        extra = ["--max-tasks", str(max_tasks)] if max_tasks else []
        call_command(
            "db_worker",
            "--queue-name",
            ",".join(queues),
            "--interval",
            str(interval),
            "--no-startup-delay",
            *extra,
        )
