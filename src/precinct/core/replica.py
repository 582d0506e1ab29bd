"""Reads that may leave the primary: an optional read replica for reports and public pages.

A deployment may set ``DATABASE_REPLICA_URL`` (settings.py): a streaming replica of the
primary, which it serves a few moments behind (docs/operations.md, "A read replica").
Nothing goes there unless a view says so. ``reads_from_replica`` marks a view whose reads
may be that far behind: the public pages (neighbourhoods, open data, evaluation, appeal
statistics and proposals) and the reports (102 response measures). Everything else, and
within a marked view

- every write (``db_for_write`` is always the primary),
- every read inside a transaction opened on the primary (a service's write path reads
  what it is about to change, and must see it),
- every read of sign-in, sessions, accounts, tokens, the audit log and the task queue
  (``PRIMARY_ONLY_APPS``: a resident or officer who has just signed in is signed in),

reads from the primary. Without the setting there is no "replica" alias and every read
goes to the primary, marked or not.

A replica that fails is skipped, not fatal: when a marked view cannot connect to it, or a
query on it fails because its connection is gone, the view is answered from the primary
and the replica is left alone for ``PRECINCT_REPLICA_RETRY_SECONDS`` (per process), with a
warning in the log. A marked view only reads, so running it a second time is safe.

Raw SQL takes its connection from the query it runs: ``connections[queryset.db]``.
"""

import contextlib
import contextvars
import functools
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
# Apps whose rows are never read from the replica, even in a marked view.
PRIMARY_ONLY_APPS = frozenset(
    {
        "accounts",
        "admin",
        "audit",
        "auth",
        "axes",
        "contenttypes",
        "django_tasks_database",
        "sessions",
    }
)
# Methods a marked view answers from the replica; any other (a POST) reads the primary.
READ_METHODS = frozenset({"GET", "HEAD"})

_replica_reads = contextvars.ContextVar("precinct_replica_reads", default=False)


# time.monotonic() until which this process reads the primary only (the replica failed).
_replica_down_until = 0.0


def replica_configured() -> bool:
    """Whether this deployment has a read replica (``DATABASE_REPLICA_URL``)."""
    return REPLICA in connections.settings


def replica_usable() -> bool:
    """A replica is configured and has not failed in the last retry period."""
    return replica_configured() and time.monotonic() >= _replica_down_until


def _replica_failed(exc: Exception) -> None:
    """Leave the replica alone for the retry period; the next connection starts afresh."""
    global _replica_down_until
    retry = settings.PRECINCT_REPLICA_RETRY_SECONDS
    _replica_down_until = time.monotonic() + retry
    # Closing a broken connection may fail too; it is dropped either way.
    with contextlib.suppress(DatabaseError):
        connections[REPLICA].close()
    # The error's class only: a driver's message may quote a query and its parameters.
    logger.warning("read replica unavailable (%s); reading the primary for %s s",
                   type(exc).__name__, retry)  # fmt: skip


def _replica_connects() -> bool:
    """Connect to the replica now (cheap when connected), so a dead one fails here."""
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError as exc:
        _replica_failed(exc)
        return False
    return True


def _replica_lost() -> bool:
    """After a failed query: whether it was the replica's connection that broke."""
    replica = connections[REPLICA]
    return replica.connection is not None and not replica.is_usable()


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads in this block may come from the replica (where the router allows)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(view):
    """Mark a view (a page, an API operation) whose GET and HEAD may read from the replica:
    its figures may be as old as the replica's lag. Other methods read the primary."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in READ_METHODS or not replica_usable() or not _replica_connects():
            return view(request, *args, **kwargs)
        try:
            with replica_reads():
                return view(request, *args, **kwargs)
        except DatabaseError as exc:
            if not _replica_lost():
                raise
            _replica_failed(exc)
        return view(request, *args, **kwargs)  # again, on the primary

    return wrapper


class ReplicaRouter:
    """Django's database router (``DATABASE_ROUTERS``): the rules of the module docstring."""

    def db_for_read(self, model, **hints) -> str:
        if (
            _replica_reads.get()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and replica_usable()
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        # Explicit: without it Django writes an instance to the database it was read from.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both aliases hold the same rows: an object read from the replica may be linked
        # to one read from the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # A replica follows the primary's schema by replication; it is never migrated.
        return db != REPLICA


def read_sql(queryset) -> tuple[str, str, tuple]:
    """The alias a queryset is read from, and its SQL and parameters compiled for it: raw
    SQL built on a queryset (plain tuples into numpy) runs where the ORM would run it."""
    alias = queryset.db
    sql, params = queryset.query.get_compiler(using=alias).as_sql()
    return alias, sql, params
