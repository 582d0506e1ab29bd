"""Response-time measures of the 102 service, computed in the database.

``response_measures`` reads the rollups (``dispatch.rollups``: computed once per day,
month and year, exact counts, percentiles within a stated error); with ``exact=True`` it
recomputes them from the raw calls as described below, the oracle of the rollups' tests.

Per group (department, priority, hour of day in Almaty time, month or area type): the
number of calls, the 50th and 90th percentiles of call handling (received → dispatched),
travel (dispatched → on scene) and total response (received → on scene), and the share of
calls with a target that were reached within it.

Percentiles are ``percentile_cont`` (linear interpolation between the two nearest ranks):
PostgreSQL computes it natively. SQLite has no ordered-set aggregates, so there the same
definition is computed by the database with window functions: each value's rank
``ROW_NUMBER()`` and its group's ``COUNT(*)`` in a subquery, then per group the values at
ranks ⌊1 + f(n−1)⌋ and the next one, interpolated. Both give identical numbers (a test
holds them against numpy's ``method="linear"``).

Duplicates (calls linked to an incident already open) are not counted: they would count
one response twice.

``demand_by_zone_hour`` gives patrol sizing (planning) the emergency calls per department
and hour of the day, counted by the database.

The map by precinct (``area_map``) reads the precinct rollups (``rollups.precinct_totals``:
each call placed in a precinct once, when its day's rows were built). Incidents carry no
precinct, and neither database can test a point against a polygon without a spatial
extension, so its exact recomputation (``exact=True``) fetches the period's points and
assigns them in Python with the cached STRtree of precincts (``territory.geo``); the
within-target flag still comes from the database, by the same ``CASE`` as here. So do
``recent_calls_in_precinct`` (an inspector's workspace: the newest calls in his precinct)
and ``response_summary`` (one precinct, or a whole city).
"""

import datetime as dt
import math
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import connection, connections
from django.db.models import Aggregate, Count, F, FloatField, Min, Sum
from django.db.models.functions import ExtractHour, ExtractMonth, ExtractYear, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.analytics import funnel, sketch
from precinct.analytics.dispatch import percentiles
from precinct.core.replica import read_sql
from precinct.dispatch import rollups
from precinct.dispatch.measuring import PHASES, QUANTILES, within_target_cases
from precinct.dispatch.models import Incident
from precinct.territory import geo
from precinct.territory.models import Department, Precinct

# Below this many values a precinct's percentile or share is not shown: with three calls
# one slow arrival makes a precinct look like the city's worst.
MIN_SAMPLE = 5


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(f) WITHIN GROUP (ORDER BY expr)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def _group_expressions() -> dict:
    tz = ZoneInfo(settings.TIME_ZONE)
    return {
        "department": F("department_id"),
        "priority": F("priority"),
        "area_type": F("area_type"),
        "hour": ExtractHour("received_at", tzinfo=tz),
        "month": TruncMonth("received_at", tzinfo=tz),
    }


_within_target_cases = within_target_cases


def incidents_for_measures(
    *, department: Department | None, start: dt.datetime, end: dt.datetime,
    priority: int | None = None,
):  # fmt: skip
    """The incidents measured: received in [start, end), in the department's subtree."""
    qs = Incident.objects.filter(received_at__gte=start, received_at__lt=end, duplicate_of=None)
    if department is not None:
        qs = qs.filter(department__path__startswith=department.path)
    if priority is not None:
        qs = qs.filter(priority=priority)
    return qs


def response_measures(
    *,
    department: Department | None,
    start: dt.datetime,
    end: dt.datetime,
    group_by: tuple[str, ...] = ("priority",),
    priority: int | None = None,
    exact: bool = False,
) -> list[dict]:
    """Counts, p50/p90 of each phase and share within target, per group, sorted by group.

    Read from the rollups (``dispatch.rollups``): counts and shares as the exact
    recomputation, percentiles within ``analytics.sketch.RELATIVE_ERROR`` of it (exact
    below ``sketch.EXACT_BELOW`` seconds). ``exact=True`` recomputes from the raw calls:
    the oracle of the tests and of ``precinct dispatch rollups check``.
    """
    expressions = _group_expressions()
    unknown = set(group_by) - set(expressions)
    if unknown:
        raise ValueError(
            _("Unknown grouping %(unknown)s; use %(known)s.")
            % {"unknown": ", ".join(sorted(unknown)), "known": ", ".join(sorted(expressions))}
        )
    if not exact:
        return rollups.measures(
            department=department, start=start, end=end, group_by=tuple(group_by),
            priority=priority,
        )  # fmt: skip
    return _exact_measures(department, start, end, tuple(group_by), priority)


def _exact_measures(department, start, end, group_by, priority) -> list[dict]:
    expressions = _group_expressions()
    keys = {f"g_{name}": expressions[name] for name in group_by}
    base = incidents_for_measures(
        department=department, start=start, end=end, priority=priority
    ).annotate(**keys, within=_within_target_cases())
    aggregates = {
        "calls": Count("id"),
        "arrived": Count("response_seconds"),
        "with_target": Count("within"),
        "within_target": Sum("within"),
    }
    native = connection.vendor == "postgresql"
    if native:
        for phase in PHASES:
            for q in QUANTILES:
                aggregates[f"{phase}_p{round(q * 100)}"] = PercentileCont(phase, q)
    if keys:
        rows = list(base.values(*keys).annotate(**aggregates).order_by(*keys))
    else:  # no grouping: one row over every call (``values()`` alone would group by row)
        totals = base.aggregate(**aggregates)
        rows = (
            [{**totals, "within_target": totals["within_target"] or 0}] if totals["calls"] else []
        )
    if not native:
        for phase in PHASES:
            by_group = _window_percentiles(base, list(keys), phase)
            for row in rows:
                values = by_group.get(tuple(row[k] for k in keys), {})
                for q in QUANTILES:
                    name = f"{phase}_p{round(q * 100)}"
                    row[name] = values.get(name)
    out = []
    for row in rows:
        result = {name: row.pop(f"g_{name}") for name in group_by}
        result.update(row)
        share = row["within_target"] / row["with_target"] if row["with_target"] else None
        result["share_within_target"] = share
        out.append(result)
    return out


def demand_by_zone_hour(
    *, days: int = 365, priority: int = 1, now: dt.datetime | None = None
) -> dict[int, list[float]]:
    """Mean calls per hour for each hour of the day (Almaty time), per department.

    The calls of ``priority`` (1: the emergencies patrol sizing is for) received in the
    last ``days`` days, duplicates excluded, counted per department and hour by the
    database, then divided by the days observed: from the first such call to ``now``
    (whole days, at least one), so a 102 service imported last month is not diluted
    over a year. ``{}`` when there is no such call.
    """
    end = now or timezone.now()
    calls = Incident.objects.filter(
        received_at__gte=end - dt.timedelta(days=days),
        received_at__lt=end,
        priority=priority,
        duplicate_of=None,
    )
    first = calls.aggregate(first=Min("received_at"))["first"]
    if first is None:
        return {}
    observed = max(1, math.ceil((end - first) / dt.timedelta(days=1)))
    counts = (
        calls.annotate(hour=_group_expressions()["hour"])
        .values("department_id", "hour")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[int, list[float]] = {}
    for row in counts:
        hours = out.setdefault(row["department_id"], [0.0] * 24)
        hours[row["hour"]] = row["n"] / observed
    return out


def calls_by_precinct_month(
    *, start: dt.date, end: dt.date, category_codes: list[str] | None = None
) -> list[dict]:
    """102 calls per precinct and month (Almaty time), received from ``start`` to ``end``
    (both days included), of the categories ``category_codes`` (None: all), duplicates
    left out: rows ``{"precinct_id", "month" (its first day), "calls"}`` sorted by
    precinct and month. Calls outside every precinct or without coordinates are left out;
    a precinct and month without calls has no row.

    Incidents carry no precinct: the database hands over each call's point and month
    number, the cached STRtree (``territory.geo``) finds the precinct, as in ``area_map``,
    and numpy counts the pairs."""
    tz = ZoneInfo(settings.TIME_ZONE)
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    qs = Incident.objects.filter(received_at__gte=lo, received_at__lt=hi, duplicate_of=None)
    if category_codes is not None:
        qs = qs.filter(category__code__in=category_codes)
    # Months as integers (year * 12 + month - 1): both databases return plain numbers.
    month = ExtractYear("received_at", tzinfo=tz) * 12 + ExtractMonth("received_at", tzinfo=tz)
    alias, sql, params = read_sql(qs.annotate(m=month - 1).values_list("lon", "lat", "m"))
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        table = np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 3)
    precinct = geo.precinct_ids_at(table[:, 0], table[:, 1])
    inside = precinct != geo.NO_PRECINCT
    if not inside.any():
        return []
    months = table[inside, 2].astype(np.int64)
    first = int(months.min())
    span = int(months.max()) - first + 1
    ids, which = np.unique(precinct[inside], return_inverse=True)
    counts = np.bincount(which * span + (months - first), minlength=len(ids) * span)
    return [
        {
            "precinct_id": int(ids[k // span]),
            "month": dt.date((first + k % span) // 12, (first + k % span) % 12 + 1, 1),
            "calls": int(counts[k]),
        }
        for k in np.flatnonzero(counts)
    ]


def _window_percentiles(base, keys: list[str], phase: str) -> dict:
    """percentile_cont of ``phase`` per group with window functions (portable SQL)."""
    inner = base.filter(**{f"{phase}__isnull": False}).values(*keys, phase).order_by()
    alias, sql, params = read_sql(inner)
    quoted = [connection.ops.quote_name(k) for k in keys]
    value = connection.ops.quote_name(phase)
    partition = f"PARTITION BY {', '.join(quoted)}" if quoted else ""
    picks = []
    for q in QUANTILES:
        pos = f"(1 + {q!r} * (n - 1))"
        lo = f"CAST({pos} AS INTEGER)"
        at_lo = f"MAX(CASE WHEN rn = {lo} THEN v END)"
        at_hi = f"MAX(CASE WHEN rn = {lo} + 1 THEN v END)"
        frac = f"MAX({pos} - {lo})"
        picks.append(f"{at_lo} + {frac} * (COALESCE({at_hi}, {at_lo}) - {at_lo})")
    group_cols = ", ".join(quoted)
    select_keys = f"{group_cols}, " if quoted else ""
    group_clause = f"GROUP BY {group_cols}" if quoted else ""
    query = (
        f"SELECT {select_keys}{', '.join(picks)} FROM ("
        f"SELECT {select_keys}{value} AS v, "
        f"ROW_NUMBER() OVER ({partition} ORDER BY {value}) AS rn, "
        f"COUNT(*) OVER ({partition}) AS n FROM ({sql}) base"
        f") ranked {group_clause}"
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    names = [f"{phase}_p{round(q * 100)}" for q in QUANTILES]
    result = {}
    for row in rows:
        group = tuple(_from_db(k, v) for k, v in zip(keys, row[: len(keys)], strict=True))
        result[group] = {
            n: (None if v is None else float(v))
            for n, v in zip(names, row[len(keys) :], strict=True)
        }
    return result


def _from_db(key: str, value):
    """SQLite hands back truncated months as text; match the ORM's datetimes."""
    if key == "g_month" and isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
        return parsed
    return value


def area_map(
    *, department: Department | None, start: dt.datetime, end: dt.datetime,
    priority: int | None = None, exact: bool = False,
) -> dict:  # fmt: skip
    """Total response per precinct of the department's subtree, for a map and a table.

    ``precincts``: one row per precinct (worst median first, then those with too few
    responses to show). ``outside``: calls placed outside every precinct of the subtree.
    ``unlocated``: calls without coordinates. A row has ``calls``, ``arrived``,
    ``with_target``, ``within_target``, the p50/p90 of total response and the share within
    target; a statistic over fewer than MIN_SAMPLE values is None (``too_few`` says so).
    A precinct's share within target comes with its funnel limits and position
    (``_add_within_target_limits``).
    ``priority`` keeps that priority's calls only (all priorities mixed favour precincts
    with fewer low-priority calls).

    Read from the precinct rollups: counts and shares as the exact recomputation,
    percentiles within ``analytics.sketch.RELATIVE_ERROR`` of it. ``exact=True`` places
    the window's raw calls in the precincts now: the oracle of the tests.
    """
    precincts = Precinct.objects.select_related("department").order_by("id")
    if department is not None:
        precincts = precincts.filter(department__path__startswith=department.path)
    precincts = list(precincts)
    ids = np.array([p.id for p in precincts], dtype=np.int64)
    # Group k < len(ids) is the k-th precinct, len(ids) outside them, len(ids) + 1 unlocated.
    if exact:
        lon, lat, response, within = _located_responses(department, start, end, priority)
        group = _position_in(ids, geo.precinct_ids_at(lon, lat))
        group[np.isnan(lon) | np.isnan(lat)] = len(ids) + 1
        rows = _group_rows(group, len(ids) + 2, response, within)
    else:
        rows = _rolled_group_rows(department, start, end, priority, ids)
    _add_within_target_limits(rows[: len(ids)], overall=rows)
    for row, precinct in zip(rows[: len(ids)], precincts, strict=True):
        row.update(precinct_id=precinct.id, name=str(precinct))
    return {
        "precincts": sorted(rows[: len(ids)], key=_worst_first),
        "outside": rows[len(ids)],
        "unlocated": rows[len(ids) + 1]["calls"],
    }


def _rolled_group_rows(department, start, end, priority, ids: np.ndarray) -> list[dict]:
    """``_group_rows`` of area_map's groups from the precinct rollups: a precinct not of
    the scope (a call of the scope placed in a neighbour's precinct, or a precinct since
    deleted) is outside."""
    totals = rollups.precinct_totals(department=department, start=start, end=end, priority=priority)
    group = _position_in(ids, totals.precinct)
    group[totals.precinct == rollups.UNLOCATED] = len(ids) + 1
    n_groups = len(ids) + 2
    counts = np.zeros((n_groups, 4), dtype=np.int64)
    np.add.at(counts, group, totals.counts)
    # Summaries added by sorted runs of a group (``np.add.at`` on rows of 2,767 bins is slow).
    order = np.argsort(group, kind="stable")
    present, starts = np.unique(group[order], return_index=True)
    summary = np.zeros((n_groups, totals.response.shape[1]))
    if len(order):
        summary[present] = np.add.reduceat(totals.response[order], starts, axis=0)
    rows = []
    for k in range(n_groups):
        calls, arrived, with_target, within = (int(v) for v in counts[k])
        enough = arrived >= MIN_SAMPLE
        p50, p90 = sketch.percentiles_of(summary[k], QUANTILES) if enough else (None, None)
        rows.append({
            "calls": calls, "arrived": arrived, "with_target": with_target,
            "within_target": within, "response_seconds_p50": p50,
            "response_seconds_p90": p90,
            "share_within_target": within / with_target if with_target >= MIN_SAMPLE else None,
            "too_few": not enough,
        })  # fmt: skip
    return rows


def _located_responses(department, start, end, priority) -> tuple[np.ndarray, ...]:
    """lon, lat, total response (s) and within-target flag (1/0) per call; NaN for NULL."""
    qs = incidents_for_measures(department=department, start=start, end=end, priority=priority)
    return _responses_of(qs)


def _responses_of(qs) -> tuple[np.ndarray, ...]:
    """lon, lat, total response and within-target flag of the incidents of ``qs``."""
    columns = qs.annotate(within=_within_target_cases()).values_list(
        "lon", "lat", "response_seconds", "within"
    )
    # The cursor's plain tuples: the ORM's per-row converters cost as much as the query.
    alias, sql, params = read_sql(columns)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        table = np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 4)
    return table[:, 0], table[:, 1], table[:, 2], table[:, 3]


def _position_in(ids: np.ndarray, found: np.ndarray) -> np.ndarray:
    """Each found id's position in the sorted ``ids``; len(ids) where it is not among them."""
    pos = np.searchsorted(ids, found)
    known = pos < len(ids)
    known[known] = ids[pos[known]] == found[known]
    return np.where(known, pos, len(ids))


def _group_rows(group, n_groups: int, response, within) -> list[dict]:
    """Counts, percentiles (as percentile_cont) and share within target per group."""
    arrived = ~np.isnan(response)
    targeted = ~np.isnan(within)
    calls = np.bincount(group, minlength=n_groups)
    n_arrived = np.bincount(group[arrived], minlength=n_groups)
    n_target = np.bincount(group[targeted], minlength=n_groups)
    n_within = np.bincount(group[targeted], weights=within[targeted], minlength=n_groups)
    order = np.argsort(group[arrived], kind="stable")
    by_group = np.split(response[arrived][order], np.cumsum(n_arrived)[:-1])
    rows = []
    for k in range(n_groups):
        enough = n_arrived[k] >= MIN_SAMPLE
        p50, p90 = percentiles(by_group[k]) if enough else (None, None)
        share = n_within[k] / n_target[k] if n_target[k] >= MIN_SAMPLE else None
        rows.append({
            "calls": int(calls[k]), "arrived": int(n_arrived[k]),
            "with_target": int(n_target[k]), "within_target": int(n_within[k]),
            "response_seconds_p50": p50, "response_seconds_p90": p90,
            "share_within_target": share, "too_few": not enough,
        })  # fmt: skip
    return rows


def _add_within_target_limits(rows: list[dict], *, overall: list[dict]) -> None:
    """Add to each row the 95 % and 99.8 % funnel limits of its share within target.

    The limits are binomial, for the row's number of calls with a target, around the
    share of all the ``overall`` rows' calls (the whole area shown: precincts, outside and
    unlocated calls); ``within_target_position`` says "within", "above_95", "above_998",
    "below_95" or "below_998" (above is better), and is "" where no share is shown.
    """
    with_target = sum(r["with_target"] for r in overall)
    centre = sum(r["within_target"] for r in overall) / with_target if with_target else None
    shown = [r for r in rows if r["share_within_target"] is not None and centre is not None]
    for r in rows:
        r.update(
            within_target_centre=centre, within_target_low_95=None,
            within_target_high_95=None, within_target_low_998=None,
            within_target_high_998=None, within_target_position="",
        )  # fmt: skip
    if not shown:
        return
    n = np.array([r["with_target"] for r in shown], dtype=np.float64)
    l95, l998 = (funnel.proportion_limits(n, centre, level) for level in funnel.LEVELS)
    position = funnel.position([r["share_within_target"] for r in shown], l95, l998)
    for i, r in enumerate(shown):
        r.update(
            within_target_low_95=float(l95.low[i]), within_target_high_95=float(l95.high[i]),
            within_target_low_998=float(l998.low[i]),
            within_target_high_998=float(l998.high[i]),
            within_target_position=str(position[i]),
        )  # fmt: skip


def _worst_first(row: dict) -> tuple:
    p50 = row["response_seconds_p50"]
    return (p50 is None, -(p50 or 0), -row["calls"], row["name"])


# The calls fetched (newest first) to find a precinct's recent ones: a bounding box holds
# a few neighbours' calls too, which the polygon test then drops.
RECENT_CANDIDATES = 500


def recent_calls_in_precinct(
    *, precinct_id: int, since: dt.datetime, limit: int = 10
) -> list[dict]:
    """The newest calls placed inside a precinct since ``since`` (duplicates left out):
    when, what (category and priority), where (the place as the operator wrote it), state,
    and the response time once a unit arrived. The caller's phone and words stay out.

    Incidents carry no precinct: the candidates within the precinct's bounding box are
    tested against its polygon (``territory.geo``), as in ``area_map``.
    """
    precinct = Precinct.objects.get(pk=precinct_id)
    if precinct.min_lon is None:
        return []
    candidates = list(
        Incident.objects.filter(
            received_at__gte=since, duplicate_of=None,
            lon__gte=precinct.min_lon, lon__lte=precinct.max_lon,
            lat__gte=precinct.min_lat, lat__lte=precinct.max_lat,
        )
        .select_related("category")
        .only("id", "received_at", "priority", "state", "place", "response_seconds", "lon",
              "lat", "category__name", "category__name_kk", "category__name_en")
        .order_by("-received_at", "-id")[:RECENT_CANDIDATES]
    )  # fmt: skip
    lon = np.array([c.lon for c in candidates], dtype=np.float64)
    lat = np.array([c.lat for c in candidates], dtype=np.float64)
    inside = geo.precinct_ids_at(lon, lat) == precinct_id
    calls = [c for c, keep in zip(candidates, inside, strict=True) if keep][:limit]
    return [
        {
            "id": c.id,
            "received_at": c.received_at,
            "category": c.category.display_name,
            "priority": c.priority,
            "state": c.state,
            "state_label": c.get_state_display(),
            "place": c.place,
            "response_seconds": c.response_seconds,
        }
        for c in calls
    ]


def response_summary(
    *, start: dt.datetime, end: dt.datetime, region_id: int, precinct_id: int | None = None
) -> dict:
    """Total response (received → on scene) of the calls received in [start, end) in a
    region (a city), or of those placed in one precinct: counts, p50/p90 and the share
    within target, None below MIN_SAMPLE values (``too_few`` says so), as in ``area_map``.
    """
    calls = Incident.objects.filter(
        received_at__gte=start, received_at__lt=end, duplicate_of=None,
        department__region_id=region_id,
    )  # fmt: skip
    if precinct_id is not None:
        p = Precinct.objects.get(pk=precinct_id)
        if p.min_lon is None:
            calls = calls.none()
        else:
            calls = calls.filter(lon__gte=p.min_lon, lon__lte=p.max_lon, lat__gte=p.min_lat,
                                 lat__lte=p.max_lat)  # fmt: skip
    lon, lat, response, within = _responses_of(calls)
    if precinct_id is not None:
        keep = geo.precinct_ids_at(lon, lat) == precinct_id
        response, within = response[keep], within[keep]
    return _group_rows(np.zeros(len(response), dtype=np.int64), 1, response, within)[0]


def arrival_by_area(*, start: dt.datetime, end: dt.datetime) -> dict:
    """Total response (received → on scene) of the calls received in [start, end) for
    every area at once: ``{"precinct": {id: row}, "department": {id: row}, "region":
    {id: row}, "total": row}``; a department's row counts its whole subtree. Rows are
    those of ``area_map`` (counts, p50/p90, share within target, None below MIN_SAMPLE).

    One query fetches the period's calls (place, response, within-target flag from the
    database's ``CASE``, department); precincts are found with the cached STRtree, as in
    ``area_map``, and every area's percentiles come from the same arrays. An area without
    calls has no row."""
    qs = Incident.objects.filter(received_at__gte=start, received_at__lt=end, duplicate_of=None)
    columns = qs.annotate(within=_within_target_cases()).values_list(
        "lon", "lat", "response_seconds", "within", "department_id", "department__region_id"
    )
    alias, sql, params = read_sql(columns)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        table = np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 6)
    lon, lat, response, within = table[:, 0], table[:, 1], table[:, 2], table[:, 3]
    department, region = table[:, 4].astype(np.int64), table[:, 5].astype(np.int64)
    precinct = geo.precinct_ids_at(lon, lat)
    return {
        "precinct": _rows_by(precinct, response, within, skip=(geo.NO_PRECINCT,)),
        "department": _subtree_rows(department, response, within),
        "region": _rows_by(region, response, within),
        "total": _group_rows(np.zeros(len(lon), dtype=np.int64), 1, response, within)[0],
    }


def _rows_by(ids: np.ndarray, response, within, skip: tuple = ()) -> dict[int, dict]:
    """``_group_rows`` per distinct id (ids in ``skip`` mean "none" and are left out)."""
    labels, group = np.unique(ids, return_inverse=True)
    rows = _group_rows(group.astype(np.int64), len(labels), response, within)
    return {int(k): row for k, row in zip(labels, rows, strict=True) if int(k) not in skip}


def _subtree_rows(department: np.ndarray, response, within) -> dict[int, dict]:
    """One row per department over its calls and those of every department below it."""
    paths = dict(Department.objects.values_list("id", "path"))
    present = {int(d) for d in np.unique(department)}
    out = {}
    for d, path in paths.items():
        below = [k for k in present if paths.get(k, "").startswith(path)]
        if not below:
            continue
        mask = np.isin(department, below)
        zeros = np.zeros(int(mask.sum()), dtype=np.int64)
        out[d] = _group_rows(zeros, 1, response[mask], within[mask])[0]
    return out


def arrival_by_precinct_month(*, start: dt.date, end: dt.date) -> list[dict]:
    """Median total response (received → on scene, seconds) of the calls received from
    ``start`` to ``end`` (both days included) per precinct and month of receipt (Almaty
    time): rows ``{"precinct_id", "month" (its first day), "arrived", "response_seconds_p50"}``
    sorted by month and precinct; the median is None below MIN_SAMPLE arrivals, as on
    ``area_map``, whose assignment of calls to precincts (by point) this is. A precinct and
    month without arrivals has no row. One query per month; no personal data."""
    tz = ZoneInfo(settings.TIME_ZONE)
    out = []
    month = start.replace(day=1)
    while month <= end:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        lo = dt.datetime.combine(max(month, start), dt.time.min, tzinfo=tz)
        hi = dt.datetime.combine(min(following, end + dt.timedelta(days=1)), dt.time.min, tzinfo=tz)
        qs = Incident.objects.filter(received_at__gte=lo, received_at__lt=hi, duplicate_of=None)
        lon, lat, response, within = _responses_of(qs)
        arrived = ~np.isnan(response)
        precinct = geo.precinct_ids_at(lon[arrived], lat[arrived])
        rows = _rows_by(precinct, response[arrived], within[arrived], skip=(geo.NO_PRECINCT,))
        for precinct_id in sorted(rows):
            row = rows[precinct_id]
            out.append({
                "precinct_id": precinct_id, "month": month, "arrived": row["arrived"],
                "response_seconds_p50": row["response_seconds_p50"],
            })  # fmt: skip
        month = following
    return out
