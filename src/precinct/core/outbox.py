"""The durable outbox, written once: every message precinct sends leaves through it.

A message is a row (the truth); a django-tasks task is only its wake-up call. A task
claims its row under a lease (``leased_until``, renewed by a heartbeat while the gateway
works), records the outcome, and on failure re-enqueues itself after a growing delay; a
worker killed mid-send leaves a lease that expires, and the worker's periodic sweep
re-enqueues every pending row nobody holds whose task is lost. The gateway is handed the
row's ``idempotency_key`` and sends a key once, so a message re-sent after a kill reaches
its reader once.

An app's outbox table is a model with ``OutboxMessage`` among its bases and a ``state``
field whose ``State`` choices have at least ``PENDING``, ``SENT`` and ``FAILED``. The app
wraps the model in an ``Outbox`` (the state changes, each one conditional UPDATE, so two
workers, or a worker and the sweep, never both think they hold a row) and, in its
``tasks.py``, gives an ``OutboxSender`` its ``@task`` and its ``deliver`` callable (the
sending, the retries and the sweep). Appeals' notifications and alerts' mails are the
two users. Logs name the row, never the recipient or the text.
"""

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)


def new_idempotency_key() -> str:
    """A key no other message of any installation has: the gateways send each key once."""
    return uuid.uuid4().hex


class OutboxMessage(models.Model):
    """The columns every outbox row has: attempts, lease, key, latest task and outcome."""

    attempts = models.PositiveSmallIntegerField(default=0)
    # When the current task is due (creation, a retry's backoff, or the sweep's re-enqueue).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True, default=new_idempotency_key)
    leased_until = models.DateTimeField(null=True, blank=True)
    # The latest task enqueued for it: the sweep leaves a message alone while it waits.
    task_id = models.CharField(max_length=64, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


def _free(now: dt.datetime) -> Q:
    return Q(leased_until__isnull=True) | Q(leased_until__lt=now)


def _one(message: int | str) -> Q:
    """A row by its idempotency key, or by its id."""
    if isinstance(message, str):
        return Q(idempotency_key=message)
    return Q(pk=message)


class Outbox:
    """The state changes of one outbox table.

    ``names_by`` is what a sending task is given to name its row: ``"idempotency_key"``
    or ``"pk"`` (a claim accepts either). ``settings_name`` names the settings dict that
    holds ``NOTIFY_LEASE_SECONDS``, ``NOTIFY_BACKOFF_SECONDS``, ``NOTIFY_MAX_ATTEMPTS``
    and ``NOTIFY_STALE_SECONDS``; it is read on every use, so a changed setting applies.
    """

    def __init__(self, model: type[OutboxMessage], *, names_by: str, settings_name: str):
        if names_by not in ("idempotency_key", "pk"):
            raise ValueError(f"names_by must be 'idempotency_key' or 'pk', not {names_by!r}")
        self.model = model
        self.names_by = names_by
        self.settings_name = settings_name

    def setting(self, name: str) -> Any:
        return getattr(settings, self.settings_name)[name]

    @property
    def pending(self) -> str:
        return self.model.State.PENDING

    def lease_length(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.setting("NOTIFY_LEASE_SECONDS"))

    def backoff(self, attempts: int) -> dt.timedelta:
        """30 s, 1 min, 2 min, 4 min … after the 1st, 2nd, 3rd failure (base configurable)."""
        base = self.setting("NOTIFY_BACKOFF_SECONDS")
        return dt.timedelta(seconds=base * 2 ** max(attempts - 1, 0))

    def name_of(self, row: OutboxMessage) -> int | str:
        """What a sending task is given for this row."""
        return getattr(row, self.names_by)

    def claim(self, message: int | str, *, now: dt.datetime) -> OutboxMessage | None:
        """Take a due pending row for one attempt, or None (sent, given up, cancelled,
        held, not due). ``message`` is the row's idempotency key, or its id."""
        due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        one = _one(message)
        taken = self.model.objects.filter(_free(now), due, one, state=self.pending).update(
            leased_until=now + self.lease_length(), attempts=F("attempts") + 1
        )
        return self.model.objects.get(one) if taken else None

    def lease_renew(self, pk: int) -> bool:
        """Push the lease of a row being sent further out; False if it is no longer held."""
        now = timezone.now()
        return bool(
            self.model.objects.filter(pk=pk, state=self.pending).update(
                leased_until=now + self.lease_length()
            )
        )

    @contextmanager
    def lease_kept(self, pk: int):
        """Renew the lease every third of its length while the body runs (a heartbeat).

        The heartbeat has its own database connection; if the process dies, renewals stop
        and the lease expires, which is the point.
        """
        stop = threading.Event()
        every = self.lease_length().total_seconds() / 3

        def beat():
            try:
                while not stop.wait(every):
                    self.lease_renew(pk)
            finally:
                connection.close()

        name = f"lease-{self.model._meta.model_name}-{pk}"
        heart = threading.Thread(target=beat, name=name, daemon=True)
        heart.start()
        try:
            yield
        finally:
            stop.set()
            heart.join()

    def sent(self, pk: int, *, now: dt.datetime) -> None:
        self.model.objects.filter(pk=pk, state=self.pending).update(
            state=self.model.State.SENT, sent_at=now, leased_until=None
        )

    def failed(self, pk: int, *, error: str, retry_at: dt.datetime | None) -> str:
        """Record a failed attempt: pending again from ``retry_at``, or failed for good
        (None); returns the row's new state."""
        state = self.pending if retry_at else self.model.State.FAILED
        self.model.objects.filter(pk=pk, state=self.pending).update(
            state=state, last_error=error[:200], next_attempt_at=retry_at, leased_until=None
        )
        return state

    def task_set(self, message: int | str, *, task_id: str) -> None:
        """Note the latest task enqueued for a row (named as its tasks name it)."""
        self.model.objects.filter(**{self.names_by: message}).update(task_id=task_id)

    def stale(self, *, now: dt.datetime, limit: int = 1000) -> list[tuple[int, str]]:
        """Pending rows nobody holds, due for longer than the grace: (id, latest task id).

        Whether their task still waits in the queue is for the caller to ask the queue.
        """
        grace = dt.timedelta(seconds=self.setting("NOTIFY_STALE_SECONDS"))
        return list(
            self.model.objects.filter(
                _free(now), state=self.pending, next_attempt_at__lte=now - grace
            )
            .order_by("next_attempt_at")
            .values_list("pk", "task_id")[:limit]
        )

    def due_again(self, ids: list[int], *, now: dt.datetime) -> list[int | str]:
        """Mark rows due now (their task is re-enqueued), skipping any claimed meanwhile;
        returns their names (what a sending task is given)."""
        with transaction.atomic():
            free = dict(
                self.model.objects.select_for_update(skip_locked=True)
                .filter(_free(now), pk__in=ids, state=self.pending)
                .values_list("pk", self.names_by)
            )
            self.model.objects.filter(pk__in=free).update(next_attempt_at=now)
        return list(free.values())


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class OutboxSender:
    """Sending one outbox's rows at least once, each once: the body of the app's ``@task``
    (``send``), its retries with backoff, the enqueueing and the worker's sweep.

    ``task`` is the app's django-tasks task, which takes a row's name and returns
    ``sender.send(name)``; ``deliver`` hands one row to its gateway and raises on failure;
    ``label`` names a row in the logs ("notification").
    """

    outbox: Outbox
    task: Any
    deliver: Callable[[Any], None]
    label: str

    def send(self, message: int | str) -> str:
        """Send one row; on failure re-enqueue its task after a growing delay, or give up
        after ``NOTIFY_MAX_ATTEMPTS``. Returns "sent", "pending", "failed" or "skipped".

        django-tasks has no retries of its own, so the attempt count and the next attempt
        live in the row, and a failed attempt enqueues the next one with ``run_after``.
        """
        row = self.outbox.claim(message, now=timezone.now())
        if row is None:
            return "skipped"
        try:
            with self.outbox.lease_kept(row.pk):
                self.deliver(row)
        except Exception as exc:  # any gateway failure is retried
            return self._failed(row, exc)
        self.outbox.sent(row.pk, now=timezone.now())
        return "sent"

    def _failed(self, row: OutboxMessage, exc: Exception) -> str:
        error = type(exc).__name__
        if row.attempts >= self.outbox.setting("NOTIFY_MAX_ATTEMPTS"):
            log.warning("%s %s failed for good after %s attempts", self.label, row.pk, row.attempts)
            return self.outbox.failed(row.pk, error=error, retry_at=None)
        retry_at = timezone.now() + self.outbox.backoff(row.attempts)
        with transaction.atomic():
            state = self.outbox.failed(row.pk, error=error, retry_at=retry_at)
            self.enqueue([self.outbox.name_of(row)], run_after=retry_at)
        log.info(
            "%s %s failed (attempt %s), retry at %s",
            self.label,
            row.pk,
            row.attempts,
            retry_at.isoformat(),
        )
        return state

    def enqueue(self, names: Iterable[int | str], *, run_after: dt.datetime | None = None) -> None:
        """Enqueue sending tasks for stored rows (by their names) and note each task's id on
        its row: with the database queue in the caller's transaction, with Redis once it
        commits (a task must not find its row missing; a kill between the commit and the
        enqueue loses the task, never the row: the sweep finds it)."""
        names = list(names)
        sender = self.task.using(run_after=run_after) if run_after else self.task

        def enqueue():
            for name in names:
                result = sender.enqueue(name)
                self.outbox.task_set(name, task_id=result.id)

        if settings.PRECINCT_QUEUE == "database":
            enqueue()
        else:
            transaction.on_commit(enqueue)

    def sweep(self) -> int:
        """Re-enqueue pending rows nobody holds whose task is overdue and no longer in the
        queue (lost with a killed worker, or a Redis enqueue lost after its commit). A row
        whose task still waits (a long queue) is left alone, so a backlog is not
        multiplied. Returns how many were re-enqueued."""
        now = timezone.now()
        stale = self.outbox.stale(now=now)
        waiting = self._waiting_tasks([task_id for _, task_id in stale if task_id])
        lost = [pk for pk, task_id in stale if task_id not in waiting]
        with transaction.atomic():
            names = self.outbox.due_again(lost, now=now)
            self.enqueue(names)
        if names:
            log.info("outbox sweep re-enqueued %s %s rows", len(names), self.label)
        return len(names)

    def _waiting_tasks(self, task_ids: list[str]) -> set[str]:
        """The tasks among these still queued (or scheduled): a worker will run them.

        A task a worker has started is not counted: its row's lease says whether that
        worker lives, and only rows with a free lease are asked about.
        """
        if settings.PRECINCT_QUEUE == "database":
            ids = [task_id for task_id in task_ids if _is_uuid(task_id)]  # Redis ids are not
            queued = DBTaskResult.objects.filter(id__in=ids, status=TaskResultStatus.READY)
            return {str(pk) for pk in queued.values_list("id", flat=True)}
        waiting = set()
        for task_id in task_ids:
            try:
                status = self.task.get_result(task_id).status
            except TaskResultDoesNotExist:
                continue
            if status == TaskResultStatus.READY:
                waiting.add(task_id)
        return waiting
