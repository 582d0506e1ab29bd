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

Raw SQL takes its connection from the query it runs: ``connections[queryset.db]``.
"""

import contextvars
import functools
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

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


def replica_configured() -> bool:
    """Whether this deployment has a read replica (``DATABASE_REPLICA_URL``)."""
    return REPLICA in connections.settings


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
        if request.method not in READ_METHODS:
            return view(request, *args, **kwargs)
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Django's database router (``DATABASE_ROUTERS``): the rules of the module docstring."""

    def db_for_read(self, model, **hints) -> str:
        if (
            _replica_reads.get()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and replica_configured()
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
