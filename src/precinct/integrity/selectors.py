"""Readers of the integrity registry: every read of individual records is audited.

Aggregate counts (for scorecards and the public) are the read surface, ``metrics``.
``recording_integrity`` is the recording integrity indicator per precinct and month (no
person in it, so not audited): the page and the API both show its payload."""

import datetime as dt
import math

import numpy as np
from django.utils import timezone

from precinct.analytics import recording as core
from precinct.appeals import metrics as appeals_metrics
from precinct.audit.services import audit_read_many
from precinct.crime import metrics as crime_metrics
from precinct.dispatch import metrics as dispatch_metrics
from precinct.integrity import recording
from precinct.integrity.models import Offence, Responsibility
from precinct.territory.models import Department, Officer, Precinct

READ_FIELDS = ["officer", "kind", "article", "outcome", "summary"]


def offences_of_department(
    *, actor, department: Department, since: dt.date | None = None
) -> list[Offence]:
    """Offences in a department and below it, newest first (audited)."""
    qs = Offence.objects.filter(department__path__startswith=department.path).select_related(
        "officer", "department"
    )
    if since is not None:
        qs = qs.filter(occurred_on__gte=since)
    offences = list(qs.prefetch_related("responsible__head"))
    audit_read_many(
        actor=actor,
        objects=offences,
        fields=READ_FIELDS,
        context=f"integrity of department {department.pk}",
    )
    return offences


def head_record(*, actor, head: Officer) -> list[Responsibility]:
    """The offences a head answers for (his subordinates' on the dates he headed them)."""
    rows = list(
        Responsibility.objects.filter(head=head)
        .select_related("offence", "offence__officer", "offence__department", "department")
        .order_by("-offence__occurred_on")
    )
    audit_read_many(
        actor=actor,
        objects=[r.offence for r in rows],
        fields=READ_FIELDS,
        context=f"record of head {head.pk}",
    )
    return rows


def recording_integrity(
    *, department: Department | None, today: dt.date | None = None,
    months: int = recording.WINDOW_MONTHS,
) -> dict:  # fmt: skip
    """Recording integrity of the precincts of a department's subtree (None: all), over
    ``months`` months ending with the latest month with offence records (at most the last
    complete one before ``today``): per precinct the flags, the recent months' ratio
    against its expected range, the trends, and the monthly series. Each city (region) is
    its own reference: expected values come from the ratio of its own precincts. Flagged
    precincts first. ``end`` is None when no offence record was imported yet."""
    today = today or timezone.localdate()
    last = crime_metrics.last_record_month()
    result = {
        "start": None, "end": None, "recent_months": core.RECENT_MONTHS, "level": core.LEVEL,
        "precincts": [],
    }  # fmt: skip
    if last is None:
        return result
    end = min(last, _add_months(today.replace(day=1), -1))
    start = _add_months(end, -(months - 1))
    result.update(start=start, end=end)
    axis = [_add_months(start, k) for k in range(months)]
    counts = _counts(start, _add_months(end, 1) - dt.timedelta(days=1))
    precincts = Precinct.objects.select_related("department").order_by("id")
    if department is not None:
        precincts = precincts.filter(department__region_id=department.region_id)
    by_region: dict[int, list[Precinct]] = {}
    for p in precincts:
        by_region.setdefault(p.department.region_id, []).append(p)
    rows = []
    for members in by_region.values():
        table = {
            name: np.array([[values.get((p.pk, m), 0) for m in axis] for p in members])
            for name, values in counts.items()
        }
        found = core.recording_integrity(table["calls"] + table["appeals"], table["records"])
        known = {name: _history(counts) for name, counts in table.items()}
        for k, p in enumerate(members):
            if department is None or p.department.path.startswith(department.path):
                rows.append(_precinct_row(p, k, axis, table, found, known))
    rows.sort(key=lambda r: (not r["flags"], r["department_id"], r["number"]))
    result["precincts"] = rows
    return result


def _counts(start: dt.date, end: dt.date) -> dict[str, dict[tuple[int, dt.date], int]]:
    """Calls, appeals and records per (precinct, month) from the three read surfaces."""
    calls = dispatch_metrics.calls_by_precinct_month(
        start=start, end=end, category_codes=list(recording.REPORTING_CALL_CATEGORIES)
    )
    appeals = appeals_metrics.appeals_by_precinct_month(
        start=start, end=end, category_codes=list(recording.REPORTING_APPEAL_CATEGORIES)
    )
    records = crime_metrics.records_by_precinct_month(
        start=start, end=end, categories=recording.RECORDED_CATEGORIES
    )
    return {
        name: {(r["precinct_id"], r["month"]): r[name] for r in rows}
        for name, rows in (("calls", calls), ("appeals", appeals), ("records", records))
    }


def _precinct_row(p: Precinct, k: int, axis, table, found: core.Recording, known) -> dict:
    per_year = {
        "reported": _yearly(found.trend_reported[k]),
        "recorded": _yearly(found.trend_recorded[k]),
        "recorded_per_report": _yearly(found.trend_gap[k]),
        "z": _number(found.trend_gap[k] / found.trend_gap_se[k]),
    }
    recent = slice(len(axis) - core.RECENT_MONTHS, len(axis))
    return {
        "precinct_id": p.pk,
        "precinct": str(p),
        "number": p.number,
        "department_id": p.department_id,
        "flags": found.flags(k),
        "recent": {
            "reported": int(table["calls"][k, recent].sum() + table["appeals"][k, recent].sum()),
            "recorded": int(table["records"][k, recent].sum()),
            "expected": _number(np.nansum(found.expected[k, recent])),
            "ratio": _number(found.recent_ratio[k]),
            "low": _number(found.recent_low[k]),
            "high": _number(found.recent_high[k]),
        },
        "trend": per_year,
        "months": [_month_row(month, k, j, table, found, known) for j, month in enumerate(axis)],
    }


def _history(counts: np.ndarray) -> np.ndarray:
    """Per month, whether a source's history had begun in the city: months before its first
    row in any precinct are unknown (not imported that far back), not zero. A source with
    no row in the whole window is zero throughout."""
    monthly = counts.sum(axis=0) > 0
    return np.cumsum(monthly) > 0 if monthly.any() else np.ones_like(monthly)


def _month_row(month: dt.date, k: int, j: int, table, found: core.Recording, known) -> dict:
    """One month of a precinct; None for a source the city has no rows of that month."""

    def count(name: str) -> int | None:
        return int(table[name][k, j]) if known[name][j] else None

    reported = known["calls"][j] and known["appeals"][j]
    both = reported and known["records"][j]
    return {
        "month": month,
        "calls": count("calls"),
        "appeals": count("appeals"),
        "reported": int(table["calls"][k, j] + table["appeals"][k, j]) if reported else None,
        "recorded": count("records"),
        "expected": _number(found.expected[k, j]) if both else None,
        "ratio": _number(found.ratio[k, j]) if both else None,
        "low": _number(found.low[k, j]) if both else None,
        "high": _number(found.high[k, j]) if both else None,
    }


def _number(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else round(value, 4)


def _yearly(slope) -> float | None:
    """A log change per month as the change over a year (0.1: 10 % more a year)."""
    return _number(np.expm1(12 * slope))


def _add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)
