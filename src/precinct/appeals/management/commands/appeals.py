"""``precinct appeals escalate|requeue|upkeep``: periodic upkeep of appeals.

``escalate`` sends overdue open appeals, and appeals outside the police's competence not
forwarded by their forward date, to their heads (once each), ``requeue`` runs the
outbox sweep once (the worker runs it every ``NOTIFY_SWEEP_SECONDS`` anyway: pending
messages nobody holds whose task is overdue are enqueued again), ``upkeep --every SECONDS``
does both in a loop (started by ``bin/serve`` beside the worker; use cron instead if you
prefer).
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from precinct.appeals.services import appeals_escalate_overdue, appeals_escalate_unforwarded
from precinct.appeals.tasks import notifications_sweep


def escalate_all() -> str:
    """Both escalations, as one line for the log."""
    now = timezone.now()
    overdue = appeals_escalate_overdue(now=now)
    unforwarded = appeals_escalate_unforwarded(now=now)
    return f"{overdue} overdue appeals escalated, {unforwarded} unforwarded appeals escalated"


class Command(BaseCommand):
    help = "escalate overdue appeals; requeue lost notifications; upkeep: both, repeatedly."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["escalate", "requeue", "upkeep"])
        parser.add_argument("--every", type=int, default=3600, help="upkeep: seconds apart")

    def handle(self, *args, action, every=3600, **options):
        if action == "escalate":
            self.stdout.write(escalate_all())
        elif action == "requeue":
            self.stdout.write(f"{notifications_sweep()} notifications re-enqueued")
        else:
            while True:
                close_old_connections()
                self.stdout.write(f"{escalate_all()}, {notifications_sweep()} re-enqueued")
                self.stdout.flush()
                time.sleep(max(every, 1))
