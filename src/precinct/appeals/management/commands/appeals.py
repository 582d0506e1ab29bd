"""``precinct appeals escalate|requeue|upkeep``: periodic upkeep of appeals.

``escalate`` sends overdue open appeals, and appeals outside the police's competence not
forwarded by their forward date, to their heads (once each), ``requeue`` runs the
outbox sweep once (the worker runs it every ``NOTIFY_SWEEP_SECONDS`` anyway: pending
messages nobody holds whose task is overdue are enqueued again), ``upkeep --every SECONDS``
does both in a loop (started by ``bin/serve`` beside the worker; use cron instead if you
prefer).

``rollups rebuild [--from DAY --to DAY]`` recomputes the appeal rollups from the raw
appeals (every day by default), ``rollups refresh`` the dirty days only (the worker's
periodic job), ``rollups check [--from DAY --to DAY]`` recomputes the measures exactly
from the raw appeals and compares them with those read from the rollups (exit 1 if any
differs).
"""

import datetime as dt
import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from precinct.appeals import metrics, rollups
from precinct.appeals.services import appeals_escalate_overdue, appeals_escalate_unforwarded
from precinct.appeals.tasks import notifications_sweep
from precinct.core.management import day


def escalate_all() -> str:
    """Both escalations, as one line for the log."""
    now = timezone.now()
    overdue = appeals_escalate_overdue(now=now)
    unforwarded = appeals_escalate_unforwarded(now=now)
    return f"{overdue} overdue appeals escalated, {unforwarded} unforwarded appeals escalated"


class Command(BaseCommand):
    help = (
        "escalate overdue appeals; requeue lost notifications; upkeep: both, repeatedly; "
        "rollups rebuild|refresh|check [--from DAY --to DAY]: the appeal measures' rollups."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["escalate", "requeue", "upkeep", "rollups"])
        parser.add_argument("what", nargs="?", choices=["rebuild", "refresh", "check"])
        parser.add_argument("--every", type=int, default=3600, help="upkeep: seconds apart")
        parser.add_argument("--from", dest="first", type=day, help="rollups: first local day")
        parser.add_argument("--to", dest="last", type=day, help="rollups: last local day")

    def handle(self, *args, action, every=3600, what=None, first=None, last=None, **options):
        if action == "rollups":
            return self._rollups(what, first, last)
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

    def _rollups(self, what, first, last):
        if what is None:
            raise CommandError("Say what: 'rollups rebuild', 'rollups refresh' or 'rollups check'.")
        if (first is None) != (last is None) or (first and first > last):
            raise CommandError("Give both --from and --to, the first not after the last.")
        started = time.perf_counter()
        if what == "check":
            return self._check(first, last)
        if what == "refresh":
            days = rollups.rebuild_dirty()
        elif first is None:
            days = rollups.rebuild_all()
        else:
            days = rollups.rebuild_range(first=first, last=last)
        seconds = time.perf_counter() - started
        self.stdout.write(f"Rebuilt the appeal rollups of {days:,} days in {seconds:.1f} s.")

    def _check(self, first, last):
        """The measures of the window read both ways; the groups that differ, if any."""
        last = last or timezone.localdate()
        first = first or last - dt.timedelta(days=365)
        differ = []
        for group_by in (None, "type", "category_id"):
            kw = dict(start=first, end=last, group_by=group_by)
            rolled = metrics.department_measures(**kw)
            exact = metrics.department_measures(**kw, exact=True)
            if not metrics.same_measures(rolled, exact):
                differ.append(group_by or "department")
        for name in ("public_counts_by_precinct", "answer_counts_by_place"):
            function = getattr(metrics, name)
            rolled = function(start=first, end=last)
            if not metrics.same_measures(rolled, function(start=first, end=last, exact=True)):
                differ.append(name)
        line = {"from": first.isoformat(), "to": last.isoformat(), "differ": differ}
        self.stdout.write(json.dumps(line))
        if differ:
            raise CommandError("The rollups differ from the exact measures: rebuild them.")
