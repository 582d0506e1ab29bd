"""Appeal measures computed once: rollups per local day and cell, read by every page.

What is stored. One ``AppealRollup`` row per local day and cell (department, precinct,
category, type, complaint about an officer or not, registered at a reception or not, and
for answers the working days to answer): the counts of the appeals registered that day
(received, forwarded, forwarded by their date, reopened, extended), answered that day
(answered, on time) and rated that day (rated, sum of ratings, rated 4 or 5). Only the
appeal's own department is stored: nothing is copied into the rows of the departments
above it (a subtree is a list of department ids at read time), and there is no per-hour
data (no page reads appeals by hour). Working days to answer are small integers, so their
histogram (the ``working_days`` column) is exact: the median read from it equals the
exact median (``analytics.sketch.percentiles_of`` over bins that hold one integer each).

Size. An appeal counts in at most three rows (the days it was registered, answered and
rated), and at ~270 appeals a day over 120 departments, their precincts, 10 categories and
5 types the cells rarely meet, so there are about as many rows as events:
``bench/appeal_measures.py`` measured 2.26 rows per appeal (1 registered + 0.89 answered +
0.36 rated, few merged) taking 0.65 of the bytes of an appeal table whose appeals have a
five-letter text and no contact (real appeals are wider, so the ratio is lower). The rows
are narrow (no text, no personal data, no copies for the departments above, nothing per
hour: the dispatch rollups' 2.7× the raw bytes came from those); a coarser grain would not
help at this density (a month's cells are nearly as many as its events), and a narrower
key would lose a reader.

Writing. Every write of an appeal that changes a measure marks the local days it touches
(before and after the change) in its own transaction (``models.mark_rollup_days`` from
``Appeal.save``, the queryset's ``update`` and ``bulk_create``, and deletion): a mark is a
row of its own, never updated, so concurrent writers do not wait on each other. The
worker's periodic job ``rebuild_dirty`` (and ``precinct appeals rollups rebuild|refresh``)
takes dirty days, deletes their marks, then recomputes their rows from the raw appeals in
one ``INSERT … SELECT`` (a mark committed after that delete stays for the next turn): new
appeals, late arrivals, an answer changed, an extension, a deletion are the same
operation. Raw SQL writers (bulk loads) mark the days themselves or run a rebuild.

Reading. A window's days are read from the stored rows, except the days marked dirty and
not rebuilt yet, which are computed from the raw appeals in the same snapshot: a change is
counted the moment it is committed. The sums equal the exact recomputation
(``metrics.*(exact=True)``), the oracle of the tests.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, connections, router, transaction
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from precinct.appeals.models import (
    Appeal,
    AppealRollup,
    AppealRollupDirtyDay,
    Channel,
    Status,
    mark_rollup_days,
)

KEYS = ("day", "department_id", "precinct_id", "category_id", "type", "officer", "reception",
        "working_days")  # fmt: skip
COUNTS = ("received", "forwarded", "forwarded_on_time", "reopened", "extended", "answered",
          "answered_on_time", "rated", "rating_sum", "rated_good")  # fmt: skip
DAYS_PER_BATCH = 31
mark_days = mark_rollup_days


def _zone():
    return timezone.get_current_timezone()


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=_zone())


def _events():
    """Per kind of event: the time it happened, which appeals have it, what it counts."""
    forwarded = Q(status=Status.FORWARDED)
    in_time = forwarded & Q(forward_due_date__gte=TruncDate("closed_at", tzinfo=_zone()))
    return {
        "registered": ("registered_at", Q(), {
            "received": Count("id"),
            "forwarded": Count("id", filter=forwarded),
            "forwarded_on_time": Count("id", filter=in_time),
            "reopened": Count("id", filter=Q(reopened_count__gt=0)),
            "extended": Count("id", filter=Q(extended=True)),
        }),
        "answered": ("answered_at", Q(), {
            "answered": Count("id"),
            "answered_on_time": Count("id", filter=Q(answered_on_time=True)),
        }),
        "rated": ("rated_at", Q(rating__isnull=False), {
            "rated": Count("id"),
            "rating_sum": Sum("rating"),
            "rated_good": Count("id", filter=Q(rating__gte=4)),
        }),
    }  # fmt: skip


@dataclass(frozen=True)
class Scope:
    """Which appeals a reader counts: each field narrows (None: no condition)."""

    departments: tuple[int, ...] | None = None
    precinct: int | None = None
    with_precinct: bool | None = None
    officer: bool | None = None
    reception: bool | None = None
    categories: tuple[int, ...] | None = None  # those counted (an appeal without: not)

    def on_rollups(self) -> Q:
        q = self._shared()
        if self.officer is not None:
            q &= Q(officer=self.officer)
        if self.reception is not None:
            q &= Q(reception=self.reception)
        return q

    def on_appeals(self) -> Q:
        q = self._shared()
        if self.officer is not None:
            q &= Q(about_officer__isnull=not self.officer)
        if self.reception is not None:
            q &= Q(channel=Channel.RECEPTION) if self.reception else ~Q(channel=Channel.RECEPTION)
        return q

    def _shared(self) -> Q:
        """The conditions on fields a rollup row and an appeal both have."""
        q = Q()
        if self.departments is not None:
            q &= Q(department_id__in=self.departments)
        if self.precinct is not None:
            q &= Q(precinct_id=self.precinct)
        if self.with_precinct is not None:
            q &= Q(precinct_id__isnull=not self.with_precinct)
        if self.categories is not None:
            q &= Q(category_id__in=self.categories)
        return q


def _ranges(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days as [first, stop) runs."""
    runs: list[list[dt.date]] = []
    for d in sorted(set(days)):
        if runs and runs[-1][1] == d:
            runs[-1][1] = d + dt.timedelta(days=1)
        else:
            runs.append([d, d + dt.timedelta(days=1)])
    return [(a, b) for a, b in runs]


def raw_rows(days: list[dt.date], keys: tuple[str, ...], scope: Scope = Scope()) -> dict:
    """{key values: counts} of the appeals' events on ``days``, from the raw appeals: three
    GROUP BY queries (registered, answered, rated), added up by key."""
    acc: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    runs = _ranges(days)
    if not runs:
        return acc
    for kind, (field, extra, aggregates) in _events().items():
        when = Q(pk__in=[])
        for a, b in runs:
            when |= Q(**{f"{field}__gte": day_start(a), f"{field}__lt": day_start(b)})
        qs = Appeal.objects.filter(when & extra & scope.on_appeals())
        named = {
            "day": TruncDate(field, tzinfo=_zone()),
            "officer": ExpressionWrapper(Q(about_officer__isnull=False), BooleanField()),
            "reception": ExpressionWrapper(Q(channel=Channel.RECEPTION), BooleanField()),
            "working_days": F("working_days_to_answer"),
        }
        annotated = set(named)
        if kind != "answered":
            named.pop("working_days")
        wanted = {k: v for k, v in named.items() if k in keys}
        grouped = [k for k in keys if k in wanted or k not in annotated]
        for r in _grouped(qs.annotate(**wanted), grouped, aggregates):
            row = acc[tuple(r.get(k) for k in keys)]
            for name in aggregates:
                row[name] += int(r[name] or 0)
    return acc


def _stored_rows(first: dt.date, last: dt.date, keys, scope: Scope, skip) -> dict:
    """{key values: counts} summed by the database over the stored rows of the days from
    ``first`` to ``last`` but ``skip``."""
    qs = AppealRollup.objects.filter(scope.on_rollups(), day__gte=first, day__lte=last)
    if skip:
        qs = qs.exclude(day__in=skip)
    sums = {c: Sum(c) for c in COUNTS}
    out = {}
    for r in _grouped(qs, keys, sums):
        if any(r[c] for c in COUNTS):
            out[tuple(r[k] for k in keys)] = {c: int(r[c] or 0) for c in COUNTS}
    return out


def _grouped(qs, keys, aggregates) -> list[dict]:
    """One GROUP BY (one row of totals when there are no keys: ``values()`` would group by
    every column)."""
    if not keys:
        return [qs.aggregate(**aggregates)]
    return list(qs.values(*keys).annotate(**aggregates).order_by())


def rows(*, start: dt.date, end: dt.date, keys: tuple[str, ...], scope: Scope = Scope()) -> dict:
    """{key values: counts} of the days from ``start`` to ``end`` (both included): the
    stored rows, and the dirty days computed from the raw appeals, in one snapshot."""
    with _snapshot():
        dirty = list(
            AppealRollupDirtyDay.objects.filter(day__gte=start, day__lte=end)
            .order_by("day").values_list("day", flat=True).distinct()
        )  # fmt: skip
        out = _stored_rows(start, end, keys, scope, dirty)
        for key, counts in raw_rows(dirty, keys, scope).items():
            row = out.setdefault(key, dict.fromkeys(COUNTS, 0))
            for c in COUNTS:
                row[c] += counts[c]
    return out


@contextmanager
def _snapshot():
    """A transaction whose reads all see one state of the database (PostgreSQL's
    repeatable read; SQLite's read transaction is one snapshot already), on the database
    the rollups are read from (a replica's, in a view marked ``reads_from_replica``).
    Inside a caller's transaction, that transaction."""
    alias = router.db_for_read(AppealRollup)
    if connections[alias].in_atomic_block:
        yield
        return
    with transaction.atomic(using=alias):
        if connections[alias].vendor == "postgresql":
            with connections[alias].cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


# --- maintenance ---------------------------------------------------------------------------


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('precinct.appeals.rollups'))")


_COLUMNS = [*KEYS, *COUNTS]


def _insert_from_appeals(days: list[dt.date]) -> None:
    """The rows of ``days`` computed and written by the database in one statement:
    ``INSERT … SELECT`` over the three event queries (``raw_rows``'s, with every key and
    count) ``UNION ALL``-ed and summed by key. Nothing passes through Python."""
    runs = _ranges(days)
    if not runs:
        return
    parts, params = [], []
    for kind, (field, extra, aggregates) in _events().items():
        when = Q(pk__in=[])
        for a, b in runs:
            when |= Q(**{f"{field}__gte": day_start(a), f"{field}__lt": day_start(b)})
        working_days = (
            F("working_days_to_answer") if kind == "answered" else Cast(Value(None), IntegerField())
        )
        zeros = {c: Value(0, IntegerField()) for c in COUNTS if c not in aggregates}
        qs = (
            Appeal.objects.filter(when & extra)
            .annotate(
                day=TruncDate(field, tzinfo=_zone()),
                officer=ExpressionWrapper(Q(about_officer__isnull=False), BooleanField()),
                reception=ExpressionWrapper(Q(channel=Channel.RECEPTION), BooleanField()),
                working_days=working_days,
            )
            .values(*KEYS)
            .annotate(**aggregates, **zeros)
            .order_by()
            .values_list(*KEYS, *COUNTS)
        )
        sql, p = qs.query.sql_with_params()
        named = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
        parts.append(f"SELECT {named} FROM ({sql}) {kind}")  # the columns by name
        params += p
    quote = connection.ops.quote_name
    keys = ", ".join(quote(k) for k in KEYS)
    sums = ", ".join(f"SUM({quote(c)})" for c in COUNTS)
    columns = ", ".join(quote(c) for c in _COLUMNS)
    table = quote(AppealRollup._meta.db_table)
    union = " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {keys}, {sums} FROM ({union}) events "
            f"GROUP BY {keys}",
            params,
        )


def _rebuild_days(days: list[dt.date]) -> None:
    AppealRollup.objects.filter(day__in=days).delete()
    _insert_from_appeals(days)


def rebuild_dirty(*, max_batches: int | None = None) -> int:
    """Rebuild dirty days, a month's worth at most per transaction; the number rebuilt.

    The periodic job of every worker (``PRECINCT_PERIODIC_JOBS``): safe from several at once.
    """
    done, batches = 0, 0
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            _lock()
            days = list(
                AppealRollupDirtyDay.objects.order_by("day")
                .values_list("day", flat=True).distinct()[:DAYS_PER_BATCH]
            )  # fmt: skip
            if not days:
                break
            # The marks go before the appeals are read: a mark committed later stays.
            AppealRollupDirtyDay.objects.filter(day__in=days).delete()
            _rebuild_days(days)
        done += len(days)
        batches += 1
    return done


def rebuild_range(*, first: dt.date, last: dt.date) -> int:
    """Recompute every day from ``first`` to ``last`` (inclusive) from the raw appeals."""
    days = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
    with transaction.atomic():
        mark_days(days)
    return rebuild_dirty()


def _span() -> tuple[dt.date, dt.date] | None:
    """The first and last local day any appeal counts in."""
    found = Appeal.objects.aggregate(
        first=Min("registered_at"), a=Max("registered_at"), b=Max("answered_at"),
        c=Max("rated_at"),
    )  # fmt: skip
    if found["first"] is None:
        return None
    last = max(t for t in (found["a"], found["b"], found["c"]) if t is not None)
    return timezone.localtime(found["first"]).date(), timezone.localtime(last).date()


def rebuild_all() -> int:
    """Recompute every rollup from the raw appeals, a month at a time, each row written once
    (the command's default, what the demo and the bench run); the number of days covered."""
    with transaction.atomic():
        _lock()
        AppealRollupDirtyDay.objects.all().delete()
        AppealRollup.objects.all().delete()
        span = _span()
        if span is None:
            return 0
        first, last = span
        month = first.replace(day=1)
        while month <= last:
            following = (month + dt.timedelta(days=32)).replace(day=1)
            days = [month + dt.timedelta(days=k) for k in range((following - month).days)]
            _insert_from_appeals(days)
            month = following
    return (last - first).days + 1
