"""Periodic jobs run by ``precinct worker`` beside the queue (``PRECINCT_PERIODIC_JOBS``).

The outbox sweep and the retention purge must run wherever a worker runs, with no cron to
set up: the worker starts a daemon thread that calls each job (a dotted path, so core
names no app) every so many seconds, the first time right at start. Every worker runs
them; the jobs are safe to run from several workers at once. A failing job is logged (by
the exception's class, never its message, which may quote personal data) and tried again
at its next turn: the worker keeps consuming the queue.
"""

import logging
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections, connection
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class PeriodicJobs:
    def __init__(self, jobs: dict[str, float], *, clock: Callable[[], float] = time.monotonic):
        self.jobs = {name: float(every) for name, every in jobs.items()}
        self.clock = clock
        self.next_run = dict.fromkeys(self.jobs, clock())
        self.stopped = threading.Event()

    def run_due(self) -> list[str]:
        """Run each job whose turn has come; the names of those that ran."""
        ran = []
        for name, every in self.jobs.items():
            if self.clock() < self.next_run[name]:
                continue
            self.next_run[name] = self.clock() + every
            close_old_connections()
            try:
                import_string(name)()
            except Exception as exc:  # a failed turn is retried at the next one
                log.error("periodic job %s failed: %s", name, type(exc).__name__)
            ran.append(name)
        return ran

    def _loop(self) -> None:
        try:
            while not self.stopped.is_set():
                self.run_due()
                wait = min(self.next_run.values(), default=self.clock() + 1) - self.clock()
                self.stopped.wait(max(wait, 0.1))
        finally:
            connection.close()

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._loop, name="periodic-jobs", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.stopped.set()
