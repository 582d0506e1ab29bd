"""``precinct appeals escalate|requeue``: periodic upkeep of appeals (run from cron)."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from precinct.appeals.models import Notification
from precinct.appeals.services import appeals_escalate_overdue
from precinct.appeals.tasks import send_notification


class Command(BaseCommand):
    help = "escalate: overdue appeals to heads; requeue: outbox messages whose task was lost."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["escalate", "requeue"])

    def handle(self, *args, action, **options):
        if action == "escalate":
            n = appeals_escalate_overdue(now=timezone.now())
            self.stdout.write(f"{n} overdue appeals escalated")
            return
        stale = timezone.now() - dt.timedelta(minutes=10)
        ids = list(
            Notification.objects.filter(
                state=Notification.State.PENDING, next_attempt_at__lt=stale
            ).values_list("id", flat=True)[:10000]
        )
        for pk in ids:
            send_notification.enqueue(pk)
        self.stdout.write(f"{len(ids)} notifications re-enqueued")
