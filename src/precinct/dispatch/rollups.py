"""Response measures computed once: rollups per period, node, priority, area type and hour.

Periods. A day ("d"), a month ("m"), and "c": everything from the first call to the end
of a year, so that any run of whole years is one "c" row minus another, however long the
window (a ten-year national read decodes two rows per key, not ten).

Writing. Every writer of incidents marks the local days whose calls it changed
(``mark_days``, ``mark_calls``) in its own transaction: a durable dirty-day table. The
worker's periodic job ``rebuild_dirty`` (and ``precinct dispatch rollups rebuild``) takes
dirty days, recomputes their day rows from the raw calls and appends the difference
between new and old day rows to the month and to every "c" year from the day's on, as rows
of their own: a rebuild writes the size of its change, not the size of a national month
and year. A key's rows are summed by every reader, and merged into one (``compact``) once
a period has ``COMPACT_AFTER`` of them (in a transaction of its own: the days marked
meanwhile by the services never wait for it). The summaries are fixed-bin counts
(``analytics.sketch``), so subtracting a day's old counts undoes them exactly: new calls,
late arrivals (a call of an old day), corrections and deletions are the same operation.
One rebuild at a time (an advisory lock on PostgreSQL; SQLite has one writer).

Reading. A window [start, end) is its whole local days, read from as few rows as the
calendar allows (days up to a month boundary, months up to a year, whole years as two "c"
rows), plus the partial days at its ends, read from the raw calls. Counts and shares equal the exact
recomputation (``metrics.response_measures(exact=True)``); percentiles are within
``sketch.RELATIVE_ERROR`` of it (exact below ``sketch.EXACT_BELOW`` seconds). A day marked
dirty is read from its stored rows until the worker rebuilds it.

Each row has a 52-bit key packed in one int64 (grain, day number, department, own,
priority, area type, hour + 1) so that grouping is one ``np.unique``. Priority 0 is the
node's total over every priority and area (stored with area "", and for months and "c"
periods without hours), built with the other rows: a read grouped by none of priority,
area and hour (by department, by month) reads these, one row per node and period instead
of eight, and the others never see them.

A rebuild moves its rows through PostgreSQL's binary COPY in both directions, assembled
and taken apart by numpy (``core.pgcopy``), not a Python object per value.

Precinct rows (``PrecinctRollup``, read by ``metrics.area_map``) are kept by the same
machinery in the same transactions: per period, the call's own department, the precinct
its point lies in (placed once, when the day's rows are built: ``territory.geo``'s STRtree,
vectorised), and priority, with exact counts and the summary of total response; their
63-bit key is (grain, day, department, precinct, priority). A precinct is fixed when its
day is built: after precincts are redrawn, ``precinct dispatch rollups rebuild`` places the
calls again (until then a call counts in the precinct it lay in).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from django.db import connection, connections, router, transaction
from django.db.models import BigIntegerField, CharField, Count, Func, Max, Q
from django.db.models.functions import Cast, ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone

from precinct.analytics import sketch
from precinct.core import pgcopy
from precinct.core.replica import read_sql
from precinct.dispatch.measuring import (
    PHASES,
    QUANTILES,
    day_start,
    local_day,
    local_zone,
    measured_calls,
    within_target_cases,
)
from precinct.dispatch.models import Incident, PrecinctRollup, ResponseRollup, RollupDirtyDay
from precinct.territory import geo
from precinct.territory.models import Department

GRAINS = ("d", "m", "c")
DAY, MONTH, CUMULATIVE = range(3)
_GRAIN_CODE = {"d": DAY, "m": MONTH, "c": CUMULATIVE, "y": CUMULATIVE}  # "y": before 0008
# Rows of one key (its base and appended changes) at which a period is compacted, in its
# own transaction after the rebuild's. A month: with the worker's turn every 30 s, about
# every 24 minutes. A "c" period's rows hold everything before them, so merging one
# rewrites the whole history's summaries (46 s for a national year under load): it waits
# for ten times as many changes (four hours at that pace), which readers add up meanwhile.
COMPACT_AFTER = {"m": 48, "c": 480}
AREAS = ("rural", "urban")  # in the order SQL sorts them
# Priority 0 in a ``ResponseRollup`` key is the node's total over every priority and area
# (stored with area "", keyed with area 0): a read grouped by neither (by department, by
# month, or none) reads one row per node and period instead of eight.
TOTAL_AREA = ""
EPOCH = dt.date(1970, 1, 1)
COUNTS = ("calls", "arrived", "with_target", "within_target")
BLOBS = ("handling", "travel", "response")
# Bits of each key field, most significant first.
_FIELDS = (("grain", 2), ("day", 20), ("department", 20), ("own", 1), ("priority", 3),
           ("area", 1), ("hour", 5))  # fmt: skip
# The precinct rows' key: 63 bits. Precinct 0 is "in no precinct"; UNLOCATED "no point".
# Priority 0 is every priority (the page's default map reads a quarter of the rows).
_PRECINCT_FIELDS = (("grain", 2), ("day", 20), ("department", 20), ("precinct", 18),
                    ("priority", 3))  # fmt: skip
OUTSIDE = 0
UNLOCATED = (1 << 18) - 1
ALL_PRIORITIES = 0
DAYS_PER_BATCH = 31


def _pack(fields=_FIELDS, **parts) -> np.ndarray:
    key = np.zeros(np.broadcast(*parts.values()).shape, dtype=np.int64)
    for name, bits in fields:
        value = np.asarray(parts[name], dtype=np.int64) + (1 if name == "hour" else 0)
        key = (key << bits) | value
    return key


def _unpack(key: np.ndarray, fields=_FIELDS) -> dict[str, np.ndarray]:
    out = {}
    for name, bits in reversed(fields):
        out[name] = key & ((1 << bits) - 1)
        key = key >> bits
    if "hour" in out:
        out["hour"] = out["hour"] - 1
    return out


def _day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def _date(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(number))


@dataclass
class Rows:
    """Rollup rows in arrays: sorted unique keys, counts (n × 4), and per phase the pairs
    (row, bin, count) of its summary."""

    key: np.ndarray
    counts: np.ndarray
    phases: tuple

    @staticmethod
    def empty(n_phases: int = 3) -> Rows:
        none = np.zeros(0, dtype=np.int64)
        return Rows(none, np.zeros((0, 4), dtype=np.int64), ((none, none, none),) * n_phases)

    def negated(self) -> Rows:
        return Rows(self.key, -self.counts, tuple((o, b, -c) for o, b, c in self.phases))

    def relabelled(self, grain: int, fields=_FIELDS) -> Rows:
        """The same rows as contributions to the month (1) or year (2) containing them
        (keys may repeat: ``merge`` adds them)."""
        parts = _unpack(self.key, fields)
        starts = [_period_start(_date(d), grain) for d in np.unique(parts["day"])]
        mapping = dict(zip(np.unique(parts["day"]).tolist(), starts, strict=True))
        parts["day"] = np.array([mapping[d] for d in parts["day"].tolist()], dtype=np.int64)
        parts["grain"] = np.full_like(parts["grain"], grain)
        return Rows(_pack(fields, **parts), self.counts, self.phases)

    def moved(self, period: dt.date, fields=_FIELDS) -> Rows:
        """The same rows as contributions to the "c" period starting ``period``."""
        parts = _unpack(self.key, fields)
        parts["grain"] = np.full_like(parts["grain"], CUMULATIVE)
        parts["day"] = np.full_like(parts["day"], _day_number(period))
        return Rows(_pack(fields, **parts), self.counts, self.phases)


def _period_start(day: dt.date, grain: int) -> int:
    if grain == 1:
        day = day.replace(day=1)
    elif grain == 2:
        day = day.replace(month=1, day=1)
    return _day_number(day)


def _union(a: Rows, b: Rows) -> Rows:
    """Two sets of rows with no key in common, as one: the keys sorted, nothing added up
    (``merge`` would sort every pair again to add pairs that never meet)."""
    key = np.concatenate([a.key, b.key])
    order = np.argsort(key, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    phases = tuple(
        (rank[np.concatenate([oa, ob + len(a.key)])], np.concatenate([ba, bb]),
         np.concatenate([ca, cb]))
        for (oa, ba, ca), (ob, bb, cb) in zip(a.phases, b.phases, strict=True)
    )  # fmt: skip
    return Rows(key[order], np.concatenate([a.counts, b.counts])[order], phases)


def merge(parts: list[Rows]) -> Rows:
    """Rows with equal keys added; rows left with nothing (all counts 0) dropped.

    Each part's keys and pairs are in order (or a few ordered runs: relabelled, moved),
    so both sorts merge runs (``sketch.unique_of_runs``): a "c" year of the national
    rebuild adds twelve months to a history of 150 million pairs."""
    unique, inverse = sketch.unique_of_runs(np.concatenate([p.key for p in parts]))
    counts = np.zeros((len(unique), 4), dtype=np.int64)
    np.add.at(counts, inverse, np.concatenate([p.counts for p in parts]))
    offsets = np.cumsum([0] + [len(p.key) for p in parts[:-1]])
    summed = []
    for k in range(len(parts[0].phases)):
        moved = zip(parts, offsets, strict=True)
        owner = np.concatenate([inverse[p.phases[k][0] + off] for p, off in moved])
        bins = np.concatenate([p.phases[k][1] for p in parts])
        cnt = np.concatenate([p.phases[k][2] for p in parts])
        summed.append(sketch.sum_by_owner(owner, bins, cnt, runs=True))
    keep = (counts != 0).any(axis=1)
    for owner, _, _ in summed:
        keep[owner] = True
    return _select(Rows(unique, counts, tuple(summed)), keep)


# --- from raw calls ------------------------------------------------------------------------


class _Epoch(Func):
    """A moment as whole seconds since 1970 UTC, computed by the database's own code."""

    output_field = BigIntegerField()

    def as_sql(self, compiler, connection, **extra):
        template = "CAST(FLOOR(EXTRACT(EPOCH FROM %(expressions)s)) AS BIGINT)"
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # Django's tz-aware Extract runs a Python function per row on SQLite: a partial
        # day's 1,200 calls cost 0.3 s that way. ('%%%%' is '%' once the template and
        # then the SQLite cursor's placeholder conversion have each halved it.)
        return super().as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)",
            **extra,
        )  # fmt: skip


def _local_seconds(epoch: np.ndarray) -> np.ndarray:
    """Seconds since 1970 in local wall time: each moment's offset from UTC looked up once
    per quarter hour present (time zones change offset on quarter hours)."""
    quarter = epoch // 900
    unique, inverse = np.unique(quarter, return_inverse=True)
    tz = local_zone()
    offsets = np.array(
        [dt.datetime.fromtimestamp(int(q) * 900, tz).utcoffset().total_seconds()
         for q in unique.tolist()], dtype=np.int64,
    )  # fmt: skip
    return epoch + offsets[inverse.reshape(-1)]


def _fetch_calls(qs, *, located: bool = False) -> dict[str, np.ndarray]:
    """Per measured call: day number, department, priority, area, hour, phases, within;
    and lon, lat (NaN without them) when ``located``. The local day and hour come from
    the moment in seconds, converted here for all calls at once."""
    columns = qs.annotate(t=_Epoch("received_at"), within=within_target_cases()).values_list(
        "t", "department_id", "priority", "area_type", *PHASES, "within",
        *(("lon", "lat") if located else ()),
    )  # fmt: skip
    alias, sql, params = read_sql(columns)
    table = _numbers(connections[alias], sql, params, 10 if located else 8, text={3: "urban"})
    ints = table[:, :3].astype(np.int64)
    local = _local_seconds(ints[:, 0])
    floats = table[:, 4:]
    out = {
        "day": local // 86400, "hour": (local % 86400) // 3600, "department": ints[:, 1],
        "priority": ints[:, 2], "area": table[:, 3].astype(np.int64),
        "phases": floats[:, :3], "within": floats[:, 3],
    }  # fmt: skip
    if located:
        out.update(lon=floats[:, 4], lat=floats[:, 5])
    return out


def _numbers(db, sql: str, params, width: int, text: dict[int, str]) -> np.ndarray:
    """The rows of ``sql`` (``width`` columns) as float64, NULL as NaN; a text column
    ``i`` of ``text`` as 1 where it equals ``text[i]``, else 0.

    On PostgreSQL the server sends them as one binary COPY of doubles that numpy reads
    in place, with no Python object per value (the time is mostly the server's either
    way: 1.46 s against ``fetchall``'s 1.38 s for a year of 208 thousand calls, measured
    beside other work). Elsewhere, the cursor.
    """
    if db.vendor != "postgresql":
        rows = _rows_of(db, sql, params)
        if not rows:
            return np.zeros((0, width))
        cells = np.array(rows, dtype=object)
        for i, value in text.items():
            cells[:, i] = cells[:, i] == value
        return cells.astype(np.float64)  # None → nan
    names = [f"c{i}" for i in range(width)]
    exprs = [
        f"CAST(CASE WHEN c{i} = %s THEN 1 ELSE 0 END AS DOUBLE PRECISION)" if i in text
        else f"COALESCE(CAST(c{i} AS DOUBLE PRECISION), 'NaN')"
        for i in range(width)
    ]  # fmt: skip
    copy_sql = (
        f"COPY (SELECT {', '.join(exprs)} FROM ({sql}) AS q ({', '.join(names)})) "
        "TO STDOUT (FORMAT BINARY)"
    )
    data, started = bytearray(), time.monotonic()
    with db.cursor() as cursor:
        # Bound here (Django's client-side cursor): COPY takes no parameters of its own.
        bound = cursor.cursor.mogrify(copy_sql, [*(text[i] for i in sorted(text)), *params])
        with cursor.cursor.copy(bound) as copy:
            for block in copy:
                data += block
    if db.queries_logged:  # as Django's cursor would log it (tests count queries per alias)
        db.queries_log.append({"sql": bound, "time": f"{time.monotonic() - started:.3f}"})
    return pgcopy.decode_doubles(data, width)


def _ancestors() -> tuple[dict[int, int], np.ndarray, np.ndarray]:
    """Each department's row in a matrix of the nodes whose subtree holds it (itself, its
    parents, 0 for the country; -1 pads), and whether it has departments under it."""
    chains = {}
    for pk, path in Department.objects.values_list("id", "path"):
        ids = [int(p) for p in path.strip("/").split("/") if p] or [pk]
        chains[pk] = [*reversed(ids), 0]
    width = max((len(c) for c in chains.values()), default=1)
    index = {pk: i for i, pk in enumerate(chains)}
    matrix = np.full((len(chains) + 1, width), -1, dtype=np.int64)
    for pk, chain in chains.items():
        matrix[index[pk], : len(chain)] = chain
    parents = {p for chain in chains.values() for p in chain[1:]}
    has_children = np.array([pk in parents for pk in chains] + [False])
    return index, matrix, has_children


def rows_of_calls(calls: dict[str, np.ndarray]) -> Rows:
    """Day rows of the calls given: each call counts in every subtree holding it and, if
    its department has departments under it, in that department's own rows (a leaf's own
    rows are its subtree's); for its hour and for all hours (-1)."""
    n = len(calls["day"])
    if n == 0:
        return Rows.empty()
    index, matrix, has_children = _ancestors()
    unknown = len(matrix) - 1  # a department deleted since: its own rows and the country's
    matrix[unknown, :2] = [-1, 0]
    dept_row = np.array([index.get(d, unknown) for d in calls["department"].tolist()])
    chain = matrix[dept_row]  # (n, width)
    call_i, level = np.nonzero(chain >= 0)
    node = chain[call_i, level]
    own_i = np.nonzero(has_children[dept_row])[0]
    # (call, node, own) for every membership, then each for its hour and for -1.
    members_call = np.concatenate([own_i, call_i])
    members_node = np.concatenate([calls["department"][own_i], node])
    members_own = np.concatenate([np.ones(len(own_i), np.int64), np.zeros(len(call_i), np.int64)])
    m = len(members_call)
    c = np.concatenate([members_call, members_call])
    hour = np.concatenate([calls["hour"][members_call], np.full(m, -1)])
    key = _pack(grain=0, day=calls["day"][c], department=np.concatenate([members_node] * 2),
                own=np.concatenate([members_own] * 2), priority=calls["priority"][c],
                area=calls["area"][c], hour=hour)  # fmt: skip
    unique, row = np.unique(key, return_inverse=True)
    rows = _rows_of_members(unique, row, calls["phases"][c], calls["within"][c])
    return _union(rows, totals_of(rows))


def totals_of(rows: Rows) -> Rows:
    """Per period, node and hour of ``rows`` (by priority and area), their total over
    priorities and areas: the rows of priority ``ALL_PRIORITIES`` (area 0)."""
    parts = _unpack(rows.key)
    parts["priority"] = np.full_like(parts["priority"], ALL_PRIORITIES)
    parts["area"] = np.zeros_like(parts["area"])
    return merge([Rows(_pack(**parts), rows.counts, rows.phases)])


def _rows_of_members(unique, row, phases_, within) -> Rows:
    """Rows ``unique`` from their members: each member's row, phases (the last is total
    response: "arrived") and within-target flag."""
    per_call = np.column_stack([
        np.ones(len(row)), ~np.isnan(phases_[:, -1]), ~np.isnan(within), np.nan_to_num(within),
    ]).astype(np.int64)  # fmt: skip
    counts = np.zeros((len(unique), 4), dtype=np.int64)
    np.add.at(counts, row, per_call)
    phases = []
    for k in range(phases_.shape[1]):
        has = ~np.isnan(phases_[:, k])
        owner, bins, cnt = sketch.sum_by_owner(
            row[has], sketch.bin_of(phases_[has, k]), np.ones(int(has.sum()), dtype=np.int64)
        )
        phases.append((owner, bins, cnt))
    return Rows(unique, counts, tuple(phases))


def precinct_rows_of_calls(calls: dict[str, np.ndarray]) -> Rows:
    """Day rows by precinct of the calls given (fetched ``located``): each call in its own
    department and the precinct its point lies in now (OUTSIDE, UNLOCATED), once under
    its priority and once under ALL_PRIORITIES."""
    if len(calls["day"]) == 0:
        return Rows.empty(1)
    lon, lat = calls["lon"], calls["lat"]
    found = geo.precinct_ids_at(lon, lat)
    if found.max(initial=0) >= UNLOCATED:
        raise ValueError(f"Precinct ids must stay below {UNLOCATED} for the rollups' key.")
    precinct = np.where(found == geo.NO_PRECINCT, OUTSIDE, found)
    precinct[np.isnan(lon) | np.isnan(lat)] = UNLOCATED
    key = _pack(_PRECINCT_FIELDS, grain=0, day=calls["day"], department=calls["department"],
                precinct=precinct, priority=calls["priority"])  # fmt: skip
    every = _pack(_PRECINCT_FIELDS, grain=0, day=calls["day"], department=calls["department"],
                  precinct=precinct, priority=ALL_PRIORITIES)  # fmt: skip
    unique, row = np.unique(np.concatenate([key, every]), return_inverse=True)
    twice = np.concatenate([calls["phases"][:, 2:]] * 2)
    return _rows_of_members(unique, row.reshape(-1), twice, np.concatenate([calls["within"]] * 2))


# --- stored rows ---------------------------------------------------------------------------


_KEY_FIELDS = ["grain", "period", "department_id", "own", "priority", "area_type"]
BY_HOUR = tuple(f"{b}_by_hour" for b in BLOBS)


def _load(qs, *, all_hours: bool = True, by_hour: bool = True) -> Rows:
    """Stored rows as arrays, merged (sorted by key): see ``_load_parts``."""
    return merge(_load_parts(qs, all_hours=all_hours, by_hour=by_hour))


def _load_parts(qs, *, all_hours: bool = True, by_hour: bool = True) -> list[Rows]:
    """Stored rows as arrays, in parts side by side (a reader's grouping adds them up):
    their all-hours rows (hour -1) and/or their hour rows.

    Day rows keep only the per-hour summaries (their all-hours ones are the sum); months
    and years keep both, so a long window reads the small all-hours summaries only.
    """
    parts = [Rows.empty()]
    longer = _fetch(qs.exclude(grain="d"), [*BLOBS] if all_hours else ["hours", *BY_HOUR])
    if longer and all_hours:
        base, counts, blobs = longer
        phases = tuple(sketch.decode_many(blobs[k]) for k in range(3))
        parts.append(Rows(_pack(**base, hour=-1), counts, phases))
    if longer and by_hour:
        if all_hours:
            longer = _fetch(qs.exclude(grain="d"), ["hours", *BY_HOUR])
        base, _, blobs = longer
        parts.append(_hour_rows(base, blobs[0], blobs[1:]))
    days = _fetch(qs.filter(grain="d"), ["hours", *BY_HOUR])
    if days:
        base, counts, blobs = days
        hourly = _hour_rows(base, blobs[0], blobs[1:])
        if by_hour:
            parts.append(hourly)
        if all_hours:
            phases = tuple(
                (sketch.decode_many(blobs[1 + k])[0], bins, cnt)
                for k, (_, bins, cnt) in enumerate(hourly.phases)
            )
            parts.append(Rows(_pack(**base, hour=-1), counts, phases))
    return parts


def _fetch(qs, blob_fields: list[str]):
    """(key parts, counts, [blobs per field]) of the stored rows of ``qs``; None if none."""
    alias, sql, params = read_sql(qs.values_list(*_KEY_FIELDS, *COUNTS, *blob_fields))
    rows = _rows_of(connections[alias], sql, params)
    if not rows:
        return None
    cols = list(zip(*rows, strict=True))
    base = dict(
        grain=np.array([_GRAIN_CODE[g] for g in cols[0]]),
        day=np.array([_date_number(p) for p in cols[1]]),
        department=np.array(cols[2]), own=np.array(cols[3], dtype=np.int64),
        priority=np.array(cols[4]), area=(np.array(cols[5]) == AREAS[1]).astype(np.int64),
    )  # fmt: skip
    counts = np.array(cols[6:10], dtype=np.int64).T
    return base, counts, [[bytes(b) for b in col] for col in cols[10:]]


def _rows_of(db, sql: str, params) -> list[tuple]:
    """The rows of a query. On PostgreSQL in binary (a ten-year read moves tens of MB of
    summaries, which text would send hex-encoded at twice the size), on a cursor of the
    same connection and so the same transaction and snapshot."""
    if db.vendor != "postgresql":
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import psycopg

    db.ensure_connection()
    started = time.monotonic()
    with psycopg.Cursor(db.connection) as cursor:
        cursor.execute(sql, params, binary=True)
        rows = cursor.fetchall()
    if db.queries_logged:  # as Django's cursor would log it (tests count queries per alias)
        db.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return rows


def _hour_rows(base: dict, hours, joint) -> Rows:
    """The per-hour rows of stored rows: counts per hour present, (hour, bin) pairs."""
    owner_h, _, _ = sketch.decode_many(hours, width=5)
    table = np.frombuffer(b"".join(hours), dtype="<i4").reshape(-1, 5).astype(np.int64)
    hour = table[:, 0]
    number = np.full((len(hours), 24), -1, dtype=np.int64)
    number[owner_h, hour] = np.arange(len(hour))
    key = _pack(**{k: v[owner_h] for k, v in base.items()}, hour=hour)
    phases = []
    for blobs in joint:
        owner, pair_bin, cnt = sketch.decode_many(blobs)
        row = number[owner, pair_bin // sketch.N_BINS]
        phases.append((row, pair_bin % sketch.N_BINS, cnt))
    return Rows(key, table[:, 1:], tuple(phases))


def _date_number(value) -> int:
    if isinstance(value, str):  # SQLite through a raw cursor
        value = dt.date.fromisoformat(value)
    return _day_number(value)


def _blobs(owner, bins, cnt, n: int) -> pgcopy.Packed:
    """One encoded summary per owner 0..n-1 (pairs sorted by owner), packed: the pairs'
    bytes in owner order and each owner's length (no ``bytes`` per row)."""
    order = np.argsort(owner, kind="stable")
    owner, bins, cnt = owner[order], bins[order], cnt[order]
    kept = cnt != 0  # as ``sketch.encode`` keeps them
    sizes = np.bincount(owner[kept], minlength=n)
    return pgcopy.Packed.of(8 * sizes, sketch.encode(bins, cnt))


def _save(rows: Rows) -> None:
    """Store rows: each (period, node, priority, area) once, its hour rows folded in."""
    parts = _unpack(rows.key)
    # A month's or "c" period's totals are stored without hours (a "c" row's summaries
    # per hour are 24 times its size, and no read by hour takes the totals); a day's keep
    # them, being where its summaries over all hours are read from.
    by_hour_total = (parts["priority"] == ALL_PRIORITIES) & (parts["grain"] > DAY)
    if by_hour_total.any():
        rows = _select(rows, ~(by_hour_total & (parts["hour"] >= 0)))
        parts = _unpack(rows.key)
    if not len(rows.key):
        return
    is_all = parts["hour"] < 0
    stored_key = _pack(**{k: v for k, v in parts.items() if k != "hour"}, hour=-1)
    stored, slot = np.unique(stored_key, return_inverse=True)
    n = len(stored)
    assert is_all.sum() == n, "every stored row has its all-hours row"
    counts = np.zeros((n, 4), dtype=np.int64)
    counts[slot[is_all]] = rows.counts[is_all]
    hourly = np.column_stack([parts["hour"], rows.counts])[~is_all].astype("<i4")
    order = np.argsort(slot[~is_all], kind="stable")
    hours = pgcopy.Packed.of(20 * np.bincount(slot[~is_all], minlength=n), hourly[order].tobytes())
    is_day = _unpack(stored)["grain"] == 0
    marginal, joint = [], []
    for owner, bins, cnt in rows.phases:
        on_all = is_all[owner]
        # A day row's summaries over all hours are its hours' sum: stored empty.
        kept = on_all & ~is_day[slot[owner]]
        marginal.append(_blobs(slot[owner[kept]], bins[kept], cnt[kept], n))
        hourly = ~on_all
        pair_bin = parts["hour"][owner[hourly]] * sketch.N_BINS + bins[hourly]
        joint.append(_blobs(slot[owner[hourly]], pair_bin, cnt[hourly], n))
    key = _unpack(stored)
    area = np.array([a.encode() for a in AREAS], dtype=object)[key["area"]]
    area[key["priority"] == ALL_PRIORITIES] = TOTAL_AREA.encode()
    _insert(ResponseRollup, [
        ("varchar", _GRAIN_BYTES[key["grain"]]), ("date", key["day"]),
        ("int4", key["department"]), ("bool", key["own"]), ("int2", key["priority"]),
        ("varchar", area), *(("int4", counts[:, k]) for k in range(len(COUNTS))),
        *(("bytea", m) for m in marginal), ("bytea", hours), *(("bytea", j) for j in joint),
    ])  # fmt: skip


_GRAIN_BYTES = np.array([g.encode() for g in GRAINS], dtype=object)


# --- stored precinct rows ------------------------------------------------------------------

_PRECINCT_KEY = ["grain", "period", "department_id", "precinct_id", "priority"]


def _load_precincts(qs) -> Rows:
    """Stored precinct rows as arrays (keys in the order stored: a reader groups them).

    The period comes as text, parsed for all rows at once: a ten-year read of a city is
    tens of thousands of rows, and a date object per row cost as much as the query."""
    columns = qs.annotate(period_text=Cast("period", CharField())).values_list(
        "grain", "period_text", *_PRECINCT_KEY[2:], *COUNTS, "response"
    )
    alias, sql, params = read_sql(columns)
    rows = _rows_of(connections[alias], sql, params)
    if not rows:
        return Rows.empty(1)
    cols = list(zip(*rows, strict=True))
    precinct = np.array(cols[3], dtype=np.int64)
    precinct[precinct < 0] = UNLOCATED
    grain = np.array(cols[0])
    key = _pack(
        _PRECINCT_FIELDS, grain=(grain == "m") + 2 * (grain == "c"),
        day=np.array(cols[1], dtype="datetime64[D]").astype(np.int64),
        department=np.array(cols[2]), precinct=precinct, priority=np.array(cols[4]),
    )  # fmt: skip
    counts = np.array(cols[5:9], dtype=np.int64).T
    phase = sketch.decode_many([bytes(b) for b in cols[9]])
    return Rows(key, counts, (phase,))


def _save_precincts(rows: Rows) -> None:
    if not len(rows.key):
        return
    key = _unpack(rows.key, _PRECINCT_FIELDS)
    precinct = np.where(key["precinct"] == UNLOCATED, -1, key["precinct"])
    blobs = _blobs(*rows.phases[0], len(rows.key))
    _insert(PrecinctRollup, [
        ("varchar", _GRAIN_BYTES[key["grain"]]), ("date", key["day"]),
        ("int4", key["department"]), ("int4", precinct), ("int2", key["priority"]),
        *(("int4", rows.counts[:, k]) for k in range(len(COUNTS))), ("bytea", blobs),
    ])  # fmt: skip


@dataclass(frozen=True)
class _Table:
    """A kind of rollup rows: how they are built from calls, loaded, stored and relabelled."""

    model: type
    fields: tuple
    build: object  # calls (fetched located) → day Rows
    load_parts: object  # queryset → list[Rows]
    save: object  # Rows → None
    phases: int

    def empty(self) -> Rows:
        return Rows.empty(self.phases)

    def columns(self) -> list[str]:
        return [f.column for f in self.model._meta.concrete_fields if not f.primary_key]


def _insert(model, columns: list[tuple[str, object]]) -> None:
    """Rows of ``model`` given by column, in the order of its columns after the id, as
    (kind, values) (``core.pgcopy``'s kinds: a date as a day number). One binary COPY
    on PostgreSQL (a rebuild writes millions of rows), batched inserts elsewhere."""
    names = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    assert len(names) == len(columns), f"{len(columns)} columns for {model.__name__}"
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in names)
    n = len(columns[0][1])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN (FORMAT BINARY)") as copy:
                for block in pgcopy.encode(columns, n):
                    copy.write(block)
            return
        python = [_python_values(kind, values) for kind, values in columns]
        marks = ", ".join(["%s"] * len(names))
        records = zip(*python, strict=True)
        cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", records)


def _python_values(kind: str, values) -> list:
    if kind == "date":
        return [_date(d) for d in np.asarray(values).tolist()]
    if kind == "bool":
        return [bool(v) for v in np.asarray(values).tolist()]
    if kind == "varchar":
        return [v.decode() for v in values]
    if kind == "bytea":
        return values.values() if isinstance(values, pgcopy.Packed) else list(values)
    return np.asarray(values).tolist()


TABLES = (
    _Table(ResponseRollup, _FIELDS, rows_of_calls, _load_parts, _save, 3),
    _Table(PrecinctRollup, _PRECINCT_FIELDS, precinct_rows_of_calls,
           lambda qs: [_load_precincts(qs)], _save_precincts, 1),
)  # fmt: skip


# --- maintenance ---------------------------------------------------------------------------


def mark_days(days) -> None:
    """Mark local days dirty, in the caller's transaction. An upsert (not "do nothing"): it
    locks the mark until the caller commits, so a rebuild that takes the mark waits for the
    change it must see."""
    now = timezone.now()
    marks = [RollupDirtyDay(day=d, marked_at=now) for d in sorted(set(days))]
    RollupDirtyDay.objects.bulk_create(
        marks, update_conflicts=True, unique_fields=["day"], update_fields=["marked_at"]
    )


def mark_incident(incident: Incident) -> None:
    mark_days([local_day(incident.received_at)])


def mark_calls(qs) -> None:
    """Mark the days of every call of ``qs`` (an import, a bulk change) dirty."""
    tz = local_zone()
    found = (
        qs.annotate(
            y=ExtractYear("received_at", tzinfo=tz),
            m=ExtractMonth("received_at", tzinfo=tz),
            d=ExtractDay("received_at", tzinfo=tz),
        )
        .values_list("y", "m", "d")
        .distinct()
        .order_by()
    )
    mark_days(dt.date(y, m, d) for y, m, d in found)


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('precinct.dispatch.rollups'))")


def rebuild_dirty(*, max_batches: int | None = None) -> int:
    """Rebuild dirty days, a month at most per transaction; the number of days rebuilt.
    Then a month or "c" period that has gathered ``COMPACT_AFTER`` rows of a key is
    compacted, in a transaction of its own (the dirty-day marks the rebuild took are
    released first: a service marking today's calls never waits for a compaction).

    The periodic job of every worker (``PRECINCT_PERIODIC_JOBS``): safe from several at once.
    """
    done, batches = 0, 0
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            _lock()
            first = RollupDirtyDay.objects.order_by("day").values_list("day", flat=True).first()
            if first is None:
                break
            month_end = _next_month(first)
            days = list(
                RollupDirtyDay.objects.filter(day__lt=month_end)
                .order_by("day").values_list("day", flat=True)[:DAYS_PER_BATCH]
            )  # fmt: skip
            RollupDirtyDay.objects.filter(day__in=days).delete()
            _rebuild_days(days)
        with transaction.atomic():
            _lock()
            _compact_crowded(min(days))
        done += len(days)
        batches += 1
    return done


def rebuild_range(*, first: dt.date, last: dt.date) -> int:
    """Recompute every day from ``first`` to ``last`` (inclusive) from the raw calls."""
    days = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
    with transaction.atomic():
        mark_days(days)
    return rebuild_dirty()


def rebuild_all() -> int:
    """Recompute every rollup from the raw calls, a month at a time, each row written once
    (the command's default, and what the demo runs); the number of days covered."""
    calls = Incident.objects.filter(duplicate_of=None).order_by("received_at")
    # Read ahead on a connection of its own only where that connection sees what this one
    # sees: PostgreSQL, called outside any transaction (a caller's uncommitted calls would
    # be invisible to it).
    ahead = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        _lock()
        RollupDirtyDay.objects.all().delete()
        for table in TABLES:
            table.model.objects.all().delete()
        first = calls.values_list("received_at", flat=True).first()
        if first is None:
            return 0
        last = local_day(calls.reverse().values_list("received_at", flat=True).first())
        # Per table: everything before this year, and this year's months so far.
        so_far, year_parts = [table.empty() for table in TABLES], [[] for _ in TABLES]
        for month, calls_of_month in _calls_by_month(local_day(first), last, ahead=ahead):
            following = _next_month(month)
            year = month.replace(month=1)
            for i, table in enumerate(TABLES):
                days = table.build(calls_of_month)
                months = merge([days.relabelled(MONTH, table.fields)])
                table.save(days)
                table.save(months)
                year_parts[i].append(months.moved(year, table.fields))
                if following.month == 1 or following > last:
                    so_far[i] = merge([so_far[i].moved(year, table.fields), *year_parts[i]])
                    table.save(so_far[i])
                    year_parts[i].clear()
    return (last - local_day(first)).days + 1


def _next_month(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s."""
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _calls_by_month(first: dt.date, last: dt.date, *, ahead: bool) -> Iterator[tuple]:
    """(month, its calls fetched located) from the month of ``first`` to that of ``last``.
    With ``ahead``, each next month is fetched on a thread with its own connection while
    the caller builds and stores the rows of this one: the server's query and the
    numpy work overlap (a national month's read is about 2 s of the server's)."""
    months = [first.replace(day=1)]
    while _next_month(months[-1]) <= last:
        months.append(_next_month(months[-1]))

    def fetch(month: dt.date) -> dict:
        qs = measured_calls(start=day_start(month), end=day_start(_next_month(month)))
        return _fetch_calls(qs, located=True)

    if not ahead:
        yield from ((month, fetch(month)) for month in months)
        return
    with ThreadPoolExecutor(max_workers=1) as reader:
        try:
            pending = reader.submit(fetch, months[0])
            for k, month in enumerate(months):
                calls = pending.result()
                if k + 1 < len(months):
                    pending = reader.submit(fetch, months[k + 1])
                yield month, calls
        finally:
            reader.submit(connections.close_all).result()  # the reader thread's own


def _rebuild_days(days: list[dt.date]) -> None:
    """New day rows from the raw calls; their difference from the old ones appended to the
    month and the "c" years holding them. ``days`` lie in one month."""
    calls = _fetch_calls(
        measured_calls(start=day_start(min(days)), end=day_start(max(days) + dt.timedelta(1))),
        located=True,
    )
    wanted = np.isin(calls["day"], [_day_number(d) for d in days])
    calls = {k: v[wanted] for k, v in calls.items()}
    for table in TABLES:
        new = table.build(calls)
        stored_days = table.model.objects.filter(grain="d", period__in=days)
        delta = merge([new, *(p.negated() for p in table.load_parts(stored_days))])
        stored_days.delete()
        table.save(new)
        if len(delta.key):
            _append(table, merge([delta.relabelled(MONTH, table.fields)]), min(days))


def _append(table: _Table, change: Rows, day: dt.date) -> None:
    """A month's change, as rows of their own: in the month and in every "c" year from the
    day's year to the last (years missing between them first filled, see ``_fill_years``)."""
    table.save(change)
    year = day.replace(month=1, day=1)
    for period in _fill_years(table, year):
        table.save(change.moved(period, table.fields))


def _fill_years(table: _Table, year: dt.date) -> list[dt.date]:
    """The "c" periods from ``year`` to the last one there is (at least ``year``), each
    that had no rows given a copy of the last year's before it, if any (so a year with no
    calls still holds everything before it)."""
    stored = table.model.objects.filter(grain=GRAINS[CUMULATIVE])
    have = set(stored.values_list("period", flat=True).distinct().order_by())
    periods = [dt.date(y, 1, 1) for y in range(year.year, max([year, *have]).year + 1)]
    for period in periods:
        if period not in have:
            before = max((p for p in have if p < period), default=None)
            if before is not None:
                _copy_period(table, before, period)
                have.add(period)
    return periods


def _copy_period(table: _Table, source: dt.date, target: dt.date) -> None:
    """The "c" rows of ``source`` copied to ``target``, in the database (no decoding)."""
    name = connection.ops.quote_name(table.model._meta.db_table)
    columns = table.columns()
    chosen = ", ".join("%s" if c == "period" else connection.ops.quote_name(c) for c in columns)
    listed = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {name} ({listed}) SELECT {chosen} FROM {name} "
            "WHERE grain = %s AND period = %s",
            [target, GRAINS[CUMULATIVE], source],
        )


def _compact_crowded(day: dt.date) -> None:
    """Compact the month of ``day`` and its "c" years if one of their keys has gathered
    ``COMPACT_AFTER`` rows. The country's rows (department 0) take every change, so
    their count is the most any key has."""
    year = day.replace(month=1, day=1)
    counted = (
        ResponseRollup.objects.filter(department_id=0, own=False)
        .filter(Q(grain="m", period=day.replace(day=1)) | Q(grain="c", period__gte=year))
        .values("grain", "period", "priority", "area_type")
        .annotate(n=Count("id"))
        .values_list("grain", "period", "n")
    )
    crowded = {(g, p) for g, p, n in counted if n >= COMPACT_AFTER[g]}
    for grain, period in sorted(crowded):
        compact(grain=grain, period=period)


def compact(*, grain: str, period: dt.date) -> None:
    """Merge the rows of each key of one month or "c" period into one (keys left with no
    calls removed). In the caller's transaction."""
    for table in TABLES:
        stored = table.model.objects.filter(grain=grain, period=period)
        merged = merge([table.empty(), *table.load_parts(stored)])
        stored.delete()
        table.save(merged)


def compact_all() -> int:
    """Compact every month and "c" period with a key of several rows; how many."""
    with transaction.atomic():
        _lock()
        periods = set()
        for table in TABLES:
            key = [f for f in table.columns() if f in {*_KEY_FIELDS, *_PRECINCT_KEY}]
            periods |= set(
                table.model.objects.exclude(grain="d").values(*key).annotate(n=Count("id"))
                .filter(n__gt=1).values_list("grain", "period").distinct().order_by()
            )  # fmt: skip
        for grain, period in sorted(periods):
            compact(grain=grain, period=period)
    return len(periods)


# --- reading -------------------------------------------------------------------------------


def _whole_days(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    """[first, stop) of the local days wholly inside [start, end)."""
    first = local_day(start)
    if day_start(first) < start:
        first += dt.timedelta(days=1)
    stop = local_day(end)
    return first, max(first, stop)


# A plan of reads: {(grain, first period, stop period or None for "c"): sign}.
Plan = dict[tuple[str, dt.date, dt.date | None], int]
# Rough size of a row's per-hour summaries, a day's as 1: what a plan costs to decode.
_ROW_COST = {"d": 1, "m": 8, "c": 12}


def _segments(first: dt.date, stop: dt.date, last_year: dt.date | None) -> tuple[Q, Q | None]:
    """The rows covering the days [first, stop), to add and to subtract (None: nothing).

    Forwards: the days to a month's start, the months and the days again. With "c"
    rows (``last_year`` given; None for a grouping by month, or none stored), the cheaper
    of that and everything before ``stop`` minus everything before ``first``, each the
    "c" row of its year less the days and months after it, or of the year before plus
    those before it (whole years in the middle of a window are then one "c" row minus
    another). So the last ten years to yesterday are one "c" row less a day or two, not
    ten years of months."""
    plan = _within(first, stop)
    if last_year is not None:
        prefix = _combined(_before(stop, last_year), _before(first, last_year), -1)
        if all(abs(sign) <= 1 for sign in prefix.values()):
            plan = min(plan, prefix, key=_cost)
    add, subtract = Q(pk__in=[]), None
    for (grain, lo, hi), sign in plan.items():
        if grain == "c":
            q = Q(grain="c", period=lo)
        else:
            q = Q(grain=grain, period__gte=lo, period__lt=hi)
        if sign > 0:
            add |= q
        elif sign < 0:
            subtract = q if subtract is None else subtract | q
    return add, subtract


def _within(first: dt.date, stop: dt.date, sign: int = 1) -> Plan:
    """[first, stop) as days to a month's start, whole months, then days."""
    plan, day = {}, first
    while day < stop:
        month_end = _next_month(day)
        if day.day == 1 and month_end <= stop:
            end = stop.replace(day=1)
            plan[("m", day, end)] = sign
        else:
            end = min(month_end, stop)
            plan[("d", day, end)] = sign
        day = end
    return plan


def _before(day: dt.date, last_year: dt.date) -> Plan:
    """Everything before ``day``: the "c" row of the year before plus the days and months
    of its year up to it, or the "c" row of its year less those from it on, the cheaper.
    (A "c" period after the last is the last: no calls were stored after it.)"""
    year = dt.date(day.year, 1, 1)
    forwards = {("c", min(dt.date(day.year - 1, 1, 1), last_year), None): 1, **_within(year, day)}
    backwards = {
        ("c", min(year, last_year), None): 1,
        **_within(day, dt.date(day.year + 1, 1, 1), sign=-1),
    }
    return min(forwards, backwards, key=_cost)


def _combined(plan: Plan, other: Plan, sign: int) -> Plan:
    out = dict(plan)
    for term, s in other.items():
        out[term] = out.get(term, 0) + sign * s
    return {term: s for term, s in out.items() if s}


def _cost(plan: Plan) -> int:
    def rows(grain, lo, hi):
        if grain == "c":
            return 1
        if grain == "m":
            return (hi.year - lo.year) * 12 + hi.month - lo.month
        return (hi - lo).days

    return sum(_ROW_COST[t[0]] * rows(*t) for t, s in plan.items() if s)


def _last_year(model, years: bool) -> dt.date | None:
    """The last "c" period of ``model`` when whole years are to be read from them."""
    if not years:
        return None
    return model.objects.filter(grain="c").aggregate(last=Max("period"))["last"]


def measures(*, department, start, end, group_by, priority=None) -> list[dict]:
    """``metrics.response_measures`` from the rollups and the partial days at the ends.

    A day marked dirty (its calls changed, the worker has not rebuilt it yet) is read
    raw: its stored day rows are subtracted from the rollups and its calls added, so a
    call taken a second ago is counted. One snapshot for all the reads.
    """
    first, stop = _whole_days(start, end)
    own, hours = "department" in group_by, "hour" in group_by
    totals = priority is None and not {"priority", "area_type", "hour"} & set(group_by)
    parts = [Rows.empty()]
    raw = [(start, end)] if first >= stop else [(start, day_start(first)), (day_start(stop), end)]
    with _snapshot():
        if first < stop:
            scope = Q(own=own)
            if own:  # a leaf's own rows are its subtree's
                leaves = _subtree(department).filter(children__isnull=True)
                scope = Q(own=True, department_id__in=_subtree(department).values("id")) | Q(
                    own=False, department_id__in=leaves.values("id")
                )
            else:
                scope &= Q(department_id=department.id if department else 0)
            if totals:
                scope &= Q(priority=ALL_PRIORITIES)
            else:
                scope &= Q(priority=priority) if priority is not None else Q(priority__gt=0)
            last_year = _last_year(ResponseRollup, years="month" not in group_by)
            add, subtract = _segments(first, stop, last_year)
            stored = ResponseRollup.objects.filter(scope)
            parts += _load_parts(stored.filter(add), all_hours=not hours, by_hour=hours)
            if subtract is not None:
                before = _load_parts(stored.filter(subtract), all_hours=not hours, by_hour=hours)
                parts += [p.negated() for p in before]
            dirty = list(
                RollupDirtyDay.objects.filter(day__gte=first, day__lt=stop)
                .order_by("day").values_list("day", flat=True)
            )  # fmt: skip
            if dirty:
                stale = stored.filter(grain="d", period__in=dirty)
                stale_rows = _load_parts(stale, all_hours=not hours, by_hour=hours)
                parts += [p.negated() for p in stale_rows]
                raw += [(day_start(d), day_start(d + dt.timedelta(days=1))) for d in dirty]
        for a, b in raw:
            if a < b:
                parts.append(
                    _edge_rows(department, a, b, priority, own=own, hours=hours, totals=totals)
                )
    return _grouped(parts, group_by)


@dataclass
class PrecinctTotals:
    """Per precinct code (a precinct id, OUTSIDE or UNLOCATED; sorted): the four counts
    (n × 4: calls, arrived, with target, within target) and the dense summary of total
    response (n × ``sketch.N_BINS``)."""

    precinct: np.ndarray
    counts: np.ndarray
    response: np.ndarray


def precinct_totals(*, department, start, end, priority=None) -> PrecinctTotals:
    """The calls of the department's subtree received in [start, end), by the precinct
    they lie in: from the precinct rollups and the partial days at the ends, dirty days
    read raw, in one snapshot, as ``measures`` reads."""
    first, stop = _whole_days(start, end)
    parts = [Rows.empty(1)]
    raw = [(start, end)] if first >= stop else [(start, day_start(first)), (day_start(stop), end)]
    with _snapshot():
        if first < stop:
            scope = Q()
            if department is not None:
                scope &= Q(department_id__in=_subtree(department).values("id"))
            scope &= Q(priority=ALL_PRIORITIES if priority is None else priority)
            stored = PrecinctRollup.objects.filter(scope)
            add, subtract = _segments(first, stop, _last_year(PrecinctRollup, years=True))
            parts.append(_load_precincts(stored.filter(add)))
            if subtract is not None:
                parts.append(_load_precincts(stored.filter(subtract)).negated())
            dirty = list(
                RollupDirtyDay.objects.filter(day__gte=first, day__lt=stop)
                .order_by("day").values_list("day", flat=True)
            )  # fmt: skip
            if dirty:
                parts.append(_load_precincts(stored.filter(grain="d", period__in=dirty)).negated())
                raw += [(day_start(d), day_start(d + dt.timedelta(days=1))) for d in dirty]
        for a, b in raw:
            if a < b:
                qs = measured_calls(start=a, end=b)
                if department is not None:
                    qs = qs.filter(department__path__startswith=department.path)
                if priority is not None:
                    qs = qs.filter(priority=priority)
                rows = precinct_rows_of_calls(_fetch_calls(qs, located=True))
                wanted = ALL_PRIORITIES if priority is None else priority
                of_priority = _unpack(rows.key, _PRECINCT_FIELDS)["priority"] == wanted
                parts.append(_select(rows, of_priority))
    parts = [p for p in parts if len(p.key)]
    if not parts:
        none = np.zeros(0, dtype=np.int64)
        return PrecinctTotals(none, np.zeros((0, 4), np.int64), np.zeros((0, sketch.N_BINS)))
    label = np.concatenate([_unpack(p.key, _PRECINCT_FIELDS)["precinct"] for p in parts])
    precinct, group_of = np.unique(label, return_inverse=True)
    group_of = group_of.reshape(-1)
    counts = np.zeros((len(precinct), 4), dtype=np.int64)
    np.add.at(counts, group_of, np.concatenate([p.counts for p in parts]))
    response = np.zeros((len(precinct), sketch.N_BINS))
    start_at = 0
    for part in parts:  # each part's pairs straight into the dense summaries
        mine = group_of[start_at : start_at + len(part.key)]
        start_at += len(part.key)
        owner, bins, cnt = part.phases[0]
        response += sketch.dense(mine[owner], bins, cnt, len(precinct))
    some = counts[:, 0] > 0  # a precinct whose calls all lie before the window: none
    return PrecinctTotals(precinct[some], counts[some], response[some])


@contextmanager
def _snapshot():
    """A transaction whose reads all see one state of the database (PostgreSQL's
    repeatable read; SQLite's read transaction is one snapshot already), on the database
    the rollups are read from (a replica's, in a view marked ``reads_from_replica``)."""
    alias = router.db_for_read(ResponseRollup)
    outermost = not connections[alias].in_atomic_block
    with transaction.atomic(using=alias):
        if connections[alias].vendor == "postgresql" and outermost:
            with connections[alias].cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _subtree(department):
    found = Department.objects.all()
    if department is not None:
        found = found.filter(path__startswith=department.path)
    return found


def _edge_rows(department, start, end, priority, *, own: bool, hours: bool, totals: bool) -> Rows:
    """Rows of the calls of [start, end) read raw: those a rollup query would read (the
    totals over priorities and areas, or the rows by priority and area)."""
    qs = measured_calls(start=start, end=end)
    if department is not None:
        qs = qs.filter(department__path__startswith=department.path)
    if priority is not None:
        qs = qs.filter(priority=priority)
    rows = rows_of_calls(_fetch_calls(qs))
    parts = _unpack(rows.key)
    if own:  # own rows, and the subtree rows of the leaves
        leaves = _subtree(department).filter(children__isnull=True).values_list("id", flat=True)
        keep = (parts["own"] == 1) | np.isin(parts["department"], list(leaves))
    else:
        keep = (parts["own"] == 0) & (parts["department"] == (department.id if department else 0))
    keep &= (parts["hour"] >= 0) == hours
    keep &= (parts["priority"] == ALL_PRIORITIES) == totals
    return _select(rows, keep)


def _select(rows: Rows, keep: np.ndarray) -> Rows:
    if keep.all():  # most merges keep every row: no pass over millions of pairs
        return rows
    renumber = np.cumsum(keep) - 1
    phases = []
    for owner, bins, cnt in rows.phases:
        alive = keep[owner]
        phases.append((renumber[owner[alive]], bins[alive], cnt[alive]))
    return Rows(rows.key[keep], rows.counts[keep], tuple(phases))


def _grouped(parts: list[Rows], group_by: tuple[str, ...]) -> list[dict]:
    """Rows in parts added up by ``group_by``: each part's pairs go straight into the
    groups' summaries (no concatenation of millions of pairs first)."""
    parts = [p for p in parts if len(p.key)]
    n = sum(len(p.key) for p in parts)
    if group_by and n:
        table = np.concatenate([_labels(p.key, group_by) for p in parts])
        groups, group_of = np.unique(table, axis=0, return_inverse=True)
        group_of = group_of.reshape(-1)
    else:
        groups = np.zeros((1 if n else 0, len(group_by)), dtype=np.int64)
        group_of = np.zeros(n, dtype=np.int64)
    counts = np.zeros((len(groups), 4), dtype=np.int64)
    dense = [np.zeros((len(groups), sketch.N_BINS)) for _ in PHASES]
    start = 0
    for part in parts:
        mine = group_of[start : start + len(part.key)]
        start += len(part.key)
        np.add.at(counts, mine, part.counts)
        for summary, (o, b, c) in zip(dense, part.phases, strict=True):
            summary += sketch.dense(mine[o], b, c, len(groups))
    out = []
    for g, labels_g in enumerate(groups):
        if counts[g, 0] <= 0:  # its calls all lie before the window (a "c" row subtracted)
            continue
        row = {name: _label(name, int(v)) for name, v in zip(group_by, labels_g, strict=True)}
        calls, arrived, with_target, within = (int(v) for v in counts[g])
        row.update(calls=calls, arrived=arrived, with_target=with_target,
                   within_target=within if with_target else None)  # fmt: skip
        for phase, summary in zip(PHASES, dense, strict=True):
            for q, value in zip(QUANTILES, sketch.percentiles_of(summary[g], QUANTILES),
                                strict=True):  # fmt: skip
                row[f"{phase}_p{round(q * 100)}"] = value
        row["share_within_target"] = within / with_target if with_target else None
        out.append(row)
    return out


def _labels(key: np.ndarray, group_by: tuple[str, ...]) -> np.ndarray:
    """Each row's values of the ``group_by`` fields, one column per field."""
    parts = _unpack(key)
    labels = {
        "priority": parts["priority"], "hour": parts["hour"], "department": parts["department"],
        "area_type": parts["area"], "month": _month_numbers(parts["day"]),
    }  # fmt: skip
    return np.column_stack([labels[g] for g in group_by])


def _month_numbers(day: np.ndarray) -> np.ndarray:
    return day.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _label(name: str, value: int):
    if name == "area_type":
        return AREAS[value]
    if name == "month":
        month = np.datetime64(value, "M").astype("datetime64[D]").item()
        return day_start(month)
    return value
