"""``precinct appeals escalate|requeue|upkeep``: periodic upkeep of appeals.

``escalate`` sends overdue open appeals, and appeals outside the police's competence not
forwarded by their forward date, to their heads (once each), ``requeue`` re-enqueues
outbox messages whose task was lost, ``upkeep --every SECONDS`` does both in a loop (started
by ``bin/serve`` beside the worker; use cron instead if you prefer).
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from precinct.appeals.models import Notification
from precinct.appeals.services import appeals_escalate_overdue, appeals_escalate_unforwarded
from precinct.appeals.tasks import send_notification


def requeue_lost(*, older_than: dt.timedelta = dt.timedelta(minutes=10)) -> int:
    """Pending messages whose attempt is long due: their task was lost, enqueue again."""
    stale = timezone.now() - older_than
    ids = list(
        Notification.objects.filter(
            state=Notification.State.PENDING, next_attempt_at__lt=stale
        ).values_list("id", flat=True)[:10000]
    )
    for pk in ids:
        send_notification.enqueue(pk)
    return len(ids)


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
            self.stdout.write(f"{requeue_lost()} notifications re-enqueued")
        else:
            while True:
                close_old_connections()
                self.stdout.write(f"{escalate_all()}, {requeue_lost()} re-enqueued")
                self.stdout.flush()
                time.sleep(max(every, 1))
