"""``precinct worker``: run the background worker of the configured queue.

Beside the queue it runs the periodic jobs of ``PRECINCT_PERIODIC_JOBS`` (the outbox
sweep, the retention purge) in a thread of its own (``core/periodic.py``).
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from precinct.core.periodic import PeriodicJobs


class Command(BaseCommand):
    help = "Run the background worker (database queue by default, Redis in production)."

    def add_arguments(self, parser):
        parser.add_argument("--max-tasks", type=int, help="Stop after this many tasks.")
        parser.add_argument("--interval", type=float, default=0.5, help="Polling, seconds.")
        parser.add_argument(
            "--no-periodic",
            action="store_false",
            dest="periodic",
            help="Do not run the periodic jobs (another worker runs them).",
        )

    def handle(self, *args, max_tasks=None, interval=0.5, periodic=True, **options):
        jobs = PeriodicJobs(settings.PRECINCT_PERIODIC_JOBS) if periodic else None
        if jobs:
            jobs.start()
        try:
            self._consume(max_tasks, interval)
        finally:
            if jobs:
                jobs.stop()

    def _consume(self, max_tasks, interval):
        queues = settings.TASK_QUEUES
        if settings.PRECINCT_QUEUE == "redis":
            extra = ["--max-jobs", str(max_tasks)] if max_tasks else []
            # Tasks run in this process (SimpleWorker), not in a child forked per task: a
            # fork while the periodic thread holds a lock can hang the child for good.
            # The scheduler moves tasks enqueued with run_after (a retry's backoff) onto
            # the queue when due; without it they would wait for the outbox sweep.
            call_command(
                "rqworker",
                *queues,
                "--job-class",
                "django_tasks_rq.Job",
                "--worker-class",
                "rq.SimpleWorker",
                "--with-scheduler",
                *extra,
            )
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
