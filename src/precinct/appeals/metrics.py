"""Measures of appeals per department and period.

``department_measures`` returns plain rows (dicts) that evaluation and the public
dashboard read; ``open_appeals_assigned`` and ``answer_figures`` are the workspace's
(an inspector's queue, his precinct against the city).

The measures by period are read from the rollups (``appeals.rollups``: counts per local
day and cell computed once, the days changed since read from the raw appeals). With
``exact=True`` each is recomputed from the raw appeals as below, the oracle of the
rollups' tests: nothing loads appeals into Python loops, and the median is taken with a
window function (row number within each department's ordered answers), so only the one
or two middle rows per department leave the database. The open overdue count (a snapshot
as of today) and the extension notices (messages, not appeals) are always counted raw:
an indexed count of the open appeals, and a count of the extension messages of the period.
"""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db.models import Avg, Count, DateField, F, Q, Sum, Window
from django.db.models.functions import RowNumber, TruncDate, TruncMonth
from django.utils import timezone

from precinct.accounts import access
from precinct.analytics import sketch
from precinct.appeals import rollups
from precinct.appeals.models import (
    OPEN_STATUSES,
    Appeal,
    Category,
    Channel,
    Notification,
    Service,
    Status,
)
from precinct.territory.models import Department

MEASURES = (
    "received",
    "answered",
    "answered_on_time_share",
    "median_working_days_to_answer",
    "open_overdue",
    "extensions",
    "extension_notices",
    "extension_notices_on_time_share",
    "forwarded",
    "forwarded_on_time",
    "forwarded_late",
    "reopened_share",
    "mean_rating",
    "rated_4_5_share",
)


def _bounds(start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


def department_measures(
    *,
    start: dt.date,
    end: dt.date,
    group_by: str | None = None,
    department_ids: list[int] | None = None,
    today: dt.date | None = None,
    exact: bool = False,
) -> list[dict]:
    """One row per department (and per type or category if ``group_by`` names it).

    Received, forwarded, reopened and extended count appeals registered in the period;
    answered, on-time share and the median count appeals answered in the period; ratings
    count those rated in it; open overdue is a snapshot as of ``today``.

    Forwarded counts the appeals actually forwarded (status ``forwarded``), split into
    forwarded by their forward date (the law's 3 working days from receipt) and late.
    Extension notices are the messages (e-mail, SMS) telling applicants of extensions
    decided in the period, counted once sent or once their legal date (3 working days
    after the extension) has passed; the share is of those sent by that date.

    Read from the rollups; ``exact=True`` recomputes from the raw appeals (equal).
    """
    today = today or timezone.localdate()
    lo, hi = _bounds(start, end)
    keys = ["department_id"] + ([group_by] if group_by in ("type", "category_id") else [])
    base = Appeal.objects.all()
    if department_ids is not None:
        base = base.filter(department_id__in=department_ids)
    rows: dict[tuple, dict] = defaultdict(lambda: {m: 0 for m in MEASURES})
    if exact:
        _counted_exact(rows, base, lo, hi, keys)
    else:
        _counted_rolled(rows, start, end, keys, department_ids)

    for key, (n, on_time) in _extension_notices(lo, hi, keys, department_ids, today).items():
        rows[key]["extension_notices"] = n
        rows[key]["extension_notices_on_time_share"] = on_time / n if n else None

    for r in (
        base.filter(status__in=OPEN_STATUSES, due_date__lt=today)
        .values(*keys)
        .annotate(n=Count("id"))
    ):
        rows[tuple(r[k] for k in keys)]["open_overdue"] = r["n"]

    out = []
    for key, row in sorted(rows.items(), key=lambda kv: tuple(str(k) for k in kv[0])):
        for m in (
            "extension_notices_on_time_share",
            "answered_on_time_share",
            "median_working_days_to_answer",
            "reopened_share",
            "mean_rating",
            "rated_4_5_share",
        ):
            if row[m] == 0 and not row["answered"] and not row["received"]:
                row[m] = None
        out.append({**dict(zip(keys, key, strict=True)), "start": start, "end": end, **row})
    return out


def _set_registered(row: dict, received, forwarded, forwarded_on_time, reopened, extended):
    row.update(
        received=received,
        forwarded=forwarded,
        forwarded_on_time=forwarded_on_time,
        forwarded_late=forwarded - forwarded_on_time,
        extensions=extended,
    )
    row["reopened_share"] = reopened / received if received else None


def _counted_exact(rows: dict, base, lo, hi, keys) -> None:
    """The period's counts of ``department_measures`` from the raw appeals."""
    registered = base.filter(registered_at__gte=lo, registered_at__lt=hi)
    answered = base.filter(answered_at__gte=lo, answered_at__lt=hi)
    rated = base.filter(rated_at__gte=lo, rated_at__lt=hi, rating__isnull=False)

    forwarded = Q(status=Status.FORWARDED)
    # The day it left, in local time, against the forward date (both dates in the database).
    forwarded_in_time = forwarded & Q(forward_due_date__gte=_local_day("closed_at"))
    for r in registered.values(*keys).annotate(
        received=Count("id"),
        forwarded=Count("id", filter=forwarded),
        forwarded_on_time=Count("id", filter=forwarded_in_time),
        reopened=Count("id", filter=Q(reopened_count__gt=0)),
        extensions=Count("id", filter=Q(extended=True)),
    ):
        _set_registered(
            rows[tuple(r[k] for k in keys)], r["received"], r["forwarded"],
            r["forwarded_on_time"], r["reopened"], r["extensions"],
        )  # fmt: skip

    for r in answered.values(*keys).annotate(
        n=Count("id"), on_time=Count("id", filter=Q(answered_on_time=True))
    ):
        row = rows[tuple(r[k] for k in keys)]
        row["answered"] = r["n"]
        row["answered_on_time_share"] = r["on_time"] / r["n"] if r["n"] else None

    for key, median in _medians(answered, keys).items():
        rows[key]["median_working_days_to_answer"] = median

    for r in rated.values(*keys).annotate(
        n=Count("id"), mean=Avg("rating"), good=Count("id", filter=Q(rating__gte=4))
    ):
        row = rows[tuple(r[k] for k in keys)]
        row["mean_rating"] = float(r["mean"]) if r["mean"] is not None else None
        row["rated_4_5_share"] = r["good"] / r["n"] if r["n"] else None


def _counted_rolled(rows: dict, start, end, keys, department_ids) -> None:
    """The period's counts of ``department_measures`` from the rollups: one GROUP BY over
    the stored rows by the keys and working days; the median from that histogram."""
    scope = rollups.Scope(departments=None if department_ids is None else tuple(department_ids))
    found = rollups.rows(start=start, end=end, keys=(*keys, "working_days"), scope=scope)
    sums: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(rollups.COUNTS, 0))
    days: dict[tuple, dict[int, int]] = defaultdict(dict)
    for (*key, working_days), counts in found.items():
        group = sums[tuple(key)]
        for c in rollups.COUNTS:
            group[c] += counts[c]
        if working_days is not None and counts["answered"]:
            days[tuple(key)][working_days] = counts["answered"]
    for key, c in sums.items():
        if c["received"]:
            _set_registered(rows[key], c["received"], c["forwarded"], c["forwarded_on_time"],
                            c["reopened"], c["extended"])  # fmt: skip
        if c["answered"]:
            row = rows[key]
            row["answered"] = c["answered"]
            row["answered_on_time_share"] = c["answered_on_time"] / c["answered"]
        if days.get(key):
            rows[key]["median_working_days_to_answer"] = median_of(days[key])
        if c["rated"]:
            row = rows[key]
            row["mean_rating"] = c["rating_sum"] / c["rated"]
            row["rated_4_5_share"] = c["rated_good"] / c["rated"]


def same_measures(a, b) -> bool:
    """Rows of measures equal, floats to 1e-9 (a mean by the database against a sum over a
    count differ in the last digits): what ``precinct appeals rollups check`` compares."""
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and a.keys() == b.keys()
            and all(same_measures(a[k], b[k]) for k in a)
        )
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same_measures(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    return a == b


def median_of(histogram: dict[int, int]) -> float | None:
    """The median (``percentile_cont``) of whole working days counted per value: exact,
    since each value below ``sketch.EXACT_BELOW`` has a bin of its own."""
    values = np.array(list(histogram), dtype=np.int64)
    counts = np.array(list(histogram.values()), dtype=np.int64)
    summary = sketch.dense(np.zeros(len(values), np.int64), sketch.bin_of(values), counts, 1)
    return sketch.percentiles_of(summary[0], (0.5,))[0]


def _local_day(field: str) -> TruncDate:
    """The date of a timestamp in local time (Asia/Almaty), computed by the database."""
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _extension_notices(lo, hi, keys, department_ids, today) -> dict[tuple, tuple[int, int]]:
    """(due or sent, sent by their legal date) extension notices per group, by the
    appeal's current department (and type or category)."""
    notices = Notification.objects.filter(
        event="extended", created_at__gte=lo, created_at__lt=hi, due_date__isnull=False
    )
    if department_ids is not None:
        notices = notices.filter(appeal__department_id__in=department_ids)
    sent = Q(state=Notification.State.SENT)
    on_time = sent & Q(due_date__gte=_local_day("sent_at"))
    counted = [f"appeal__{k}" for k in keys]
    return {
        tuple(r[k] for k in counted): (r["n"], r["on_time"])
        for r in notices.values(*counted).annotate(
            n=Count("id", filter=sent | Q(due_date__lt=today)),
            on_time=Count("id", filter=on_time),
        )
        if r["n"]
    }


def _medians(answered, keys) -> dict[tuple, float]:
    """Median working days per group: the middle row(s) picked by window functions."""
    partition = [F(k) for k in keys]
    ranked = (
        answered.filter(working_days_to_answer__isnull=False)
        .annotate(
            rn=Window(
                RowNumber(),
                partition_by=partition,
                order_by=[F("working_days_to_answer").asc(), F("id").asc()],
            ),
            n=Window(Count("id"), partition_by=partition),
        )
        .values(*keys, "rn", "n", "working_days_to_answer")
    )
    # Filtering on window expressions (Django ≥ 4.2) keeps the work in the database.
    middle = ranked.filter(Q(rn=(F("n") + 1) / 2) | Q(rn=(F("n") + 2) / 2))
    acc: dict[tuple, list[int]] = defaultdict(list)
    for r in middle:
        acc[tuple(r[k] for k in keys)].append(r["working_days_to_answer"])
    return {k: sum(v) / len(v) for k, v in acc.items()}


def public_department_statistics(
    *, start: dt.date, end: dt.date, exact: bool = False
) -> list[dict]:
    """The rows published on the statistics page (no personal data in any of them)."""
    return department_measures(start=start, end=end, exact=exact)


def public_counts_by_precinct(
    *, start: dt.date, end: dt.date, exact: bool = False
) -> dict[int, dict]:
    """Per precinct, its appeals from ``start`` to ``end`` (both days included, local time)
    as residents are told them (the alerts' monthly figures): ``received`` (registered),
    ``answered`` and ``on_time`` (answered in the period, and of those within the legal
    time). Complaints about an officer are left out: public figures never show them, not
    even as a count. One GROUP BY; a precinct with neither has no row."""
    if not exact:
        scope = rollups.Scope(officer=False, with_precinct=True)
        found = rollups.rows(start=start, end=end, keys=("precinct_id",), scope=scope)
        return {
            p: {"received": c["received"], "answered": c["answered"],
                "on_time": c["answered_on_time"]}
            for (p,), c in found.items() if c["received"] or c["answered"]
        }  # fmt: skip
    lo, hi = _bounds(start, end)
    received = Q(registered_at__gte=lo, registered_at__lt=hi)
    answered = Q(answered_at__gte=lo, answered_at__lt=hi)
    rows = (
        Appeal.objects.filter(received | answered, about_officer__isnull=True)
        .exclude(precinct_id=None)
        .values("precinct_id")
        .annotate(
            received=Count("id", filter=received),
            answered=Count("id", filter=answered),
            on_time=Count("id", filter=answered & Q(answered_on_time=True)),
        )
        .order_by()
    )
    return {r.pop("precinct_id"): r for r in rows}


def appeals_by_precinct_month(
    *, start: dt.date, end: dt.date, category_codes: list[str] | None = None
) -> list[dict]:
    """Appeals registered from ``start`` to ``end`` (both days included) per precinct and
    month of registration (Almaty time), of the categories ``category_codes`` (None: all):
    rows ``{"precinct_id", "month" (its first day), "appeals"}`` sorted by precinct and
    month. Appeals without a precinct and complaints about an officer are left out; a
    precinct and month without appeals has no row. One GROUP BY; no personal data."""
    tz = ZoneInfo(settings.TIME_ZONE)
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    qs = Appeal.objects.filter(
        registered_at__gte=lo, registered_at__lt=hi, about_officer__isnull=True,
        precinct__isnull=False,
    )  # fmt: skip
    if category_codes is not None:
        qs = qs.filter(category__code__in=category_codes)
    month = TruncMonth("registered_at", tzinfo=tz, output_field=DateField())
    rows = qs.annotate(month=month).values("precinct_id", "month").annotate(appeals=Count("id"))
    return list(rows.order_by("precinct_id", "month"))


def open_appeals_assigned(*, user, today: dt.date | None = None, limit: int = 50) -> list[dict]:
    """The open appeals assigned to this staff user that he may see, by due date (the
    overdue come first), at most ``limit``: number, type, category, status and dates only,
    as the staff queue lists them, so the list is not a read of personal data."""
    today = today or timezone.localdate()
    visible = access.appeals_visible_to(user, Appeal.objects.all())
    appeals = (
        visible.filter(assigned_to_id=user.pk, status__in=OPEN_STATUSES)
        .select_related("category")
        .order_by("due_date", "registered_at", "id")[:limit]
    )
    return [
        {
            "id": a.id,
            "registration_number": a.registration_number,
            "type": a.type,
            "type_label": a.get_type_display(),
            "category": str(a.category) if a.category else "",
            "status": a.status,
            "status_label": a.get_status_display(),
            "registered_at": a.registered_at,
            "due_date": a.due_date,
            "days_left": (a.due_date - today).days,
            "overdue": a.due_date < today,
        }
        for a in appeals
    ]


def answer_figures(
    *,
    start: dt.date,
    end: dt.date,
    precinct_id: int | None = None,
    region_id: int | None = None,
    department_ids: list[int] | None = None,
    exact: bool = False,
) -> dict:
    """Answers in the period of one precinct's appeals, a region's (the city) or some
    departments' (each filter narrows): how many were answered, the share answered on
    time, and the mean rating of those rated in it (None where there is nothing to
    measure). Counted by the database."""
    if not exact:
        return _answer_figures_rolled(start, end, precinct_id, region_id, department_ids)
    lo, hi = _bounds(start, end)
    base = Appeal.objects.all()
    if precinct_id is not None:
        base = base.filter(precinct_id=precinct_id)
    if region_id is not None:
        base = base.filter(department__region_id=region_id)
    if department_ids is not None:
        base = base.filter(department_id__in=department_ids)
    answered = base.filter(answered_at__gte=lo, answered_at__lt=hi).aggregate(
        n=Count("id"), on_time=Count("id", filter=Q(answered_on_time=True))
    )
    rated = base.filter(rated_at__gte=lo, rated_at__lt=hi, rating__isnull=False).aggregate(
        n=Count("id"), mean=Avg("rating")
    )
    return {
        "answered": answered["n"],
        "answered_on_time_share": answered["on_time"] / answered["n"] if answered["n"] else None,
        "rated": rated["n"],
        "mean_rating": float(rated["mean"]) if rated["mean"] is not None else None,
    }


def _answer_figures_rolled(start, end, precinct_id, region_id, department_ids) -> dict:
    departments = None if department_ids is None else set(department_ids)
    if region_id is not None:
        in_region = set(Department.objects.filter(region_id=region_id).values_list("id", flat=True))
        departments = in_region if departments is None else departments & in_region
    scope = rollups.Scope(
        departments=None if departments is None else tuple(sorted(departments)),
        precinct=precinct_id,
    )
    found = rollups.rows(start=start, end=end, keys=(), scope=scope)
    c = found.get((), dict.fromkeys(rollups.COUNTS, 0))
    return {
        "answered": c["answered"],
        "answered_on_time_share": c["answered_on_time"] / c["answered"] if c["answered"] else None,
        "rated": c["rated"],
        "mean_rating": c["rating_sum"] / c["rated"] if c["rated"] else None,
    }


def answer_counts_by_place(*, start: dt.date, end: dt.date, exact: bool = False) -> list[dict]:
    """Answers in the period per department and precinct (``precinct_id`` None where an
    appeal has no precinct), as counts that add up over any roll-up: ``answered``,
    ``on_time``, ``rated`` and ``rating_sum``. Complaints about an officer are left out:
    the public pages that read this never show them, not even as a count. Two GROUP BY
    queries (answers, ratings); a place without any has no row."""
    if not exact:
        keys = ("department_id", "precinct_id")
        found = rollups.rows(start=start, end=end, keys=keys, scope=rollups.Scope(officer=False))
        return [
            {"department_id": d, "precinct_id": p, "answered": c["answered"],
             "on_time": c["answered_on_time"], "rated": c["rated"], "rating_sum": c["rating_sum"]}
            for (d, p), c in sorted(found.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
            if c["answered"] or c["rated"]
        ]  # fmt: skip
    lo, hi = _bounds(start, end)
    base = Appeal.objects.filter(about_officer__isnull=True)
    rows: dict[tuple, dict] = defaultdict(
        lambda: {"answered": 0, "on_time": 0, "rated": 0, "rating_sum": 0}
    )
    keys = ("department_id", "precinct_id")
    for r in (
        base.filter(answered_at__gte=lo, answered_at__lt=hi)
        .values(*keys)
        .annotate(n=Count("id"), on_time=Count("id", filter=Q(answered_on_time=True)))
        .order_by()
    ):
        row = rows[(r["department_id"], r["precinct_id"])]
        row.update(answered=r["n"], on_time=r["on_time"])
    for r in (
        base.filter(rated_at__gte=lo, rated_at__lt=hi, rating__isnull=False)
        .values(*keys)
        .annotate(n=Count("id"), total=Sum("rating"))
        .order_by()
    ):
        row = rows[(r["department_id"], r["precinct_id"])]
        row.update(rated=r["n"], rating_sum=int(r["total"]))
    return [
        {"department_id": d, "precinct_id": p, **row}
        for (d, p), row in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
    ]


def precinct_category_counts(
    *, precinct_id: int, start: dt.date, end: dt.date, exact: bool = False
) -> dict[str, int]:
    """What a precinct's residents raised in appeals registered from ``start`` to ``end``:
    appeals by category code (those registered at a head's reception are counted by
    ``reception_category_counts``). Complaints about officers are left out (an appeal
    naming an officer, or a category handled by internal security): never a
    neighbourhood's theme, and never shown to the officer's unit. Appeals without a
    category are left out too. Counted by the database; no personal data."""
    if not exact:
        scope = rollups.Scope(precinct=precinct_id, officer=False, reception=False,
                              categories=_theme_categories())  # fmt: skip
        return _themes_rolled(start, end, scope)
    appeals = _themes(start, end).filter(precinct_id=precinct_id).exclude(channel=Channel.RECEPTION)
    return _by_category(appeals)


def reception_category_counts(
    *, department_id: int, start: dt.date, end: dt.date, exact: bool = False
) -> dict[str, int]:
    """What residents raised at the receptions of a department's head from ``start`` to
    ``end`` and the head registered as appeals, by category code (a reception serves the
    whole department, so it has no precinct); complaints about officers left out."""
    if not exact:
        scope = rollups.Scope(departments=(department_id,), officer=False, reception=True,
                              categories=_theme_categories())  # fmt: skip
        return _themes_rolled(start, end, scope)
    appeals = _themes(start, end).filter(department_id=department_id, channel=Channel.RECEPTION)
    return _by_category(appeals)


def _themes(start: dt.date, end: dt.date):
    lo, hi = _bounds(start, end)
    return Appeal.objects.filter(
        registered_at__gte=lo, registered_at__lt=hi, about_officer__isnull=True,
        category__isnull=False,
    ).exclude(category__service=Service.INTERNAL_SECURITY)  # fmt: skip


def _theme_categories() -> tuple[int, ...]:
    """The categories a neighbourhood's themes count: all but internal security's."""
    found = Category.objects.exclude(service=Service.INTERNAL_SECURITY).values_list("id", flat=True)
    return tuple(sorted(found))


def _themes_rolled(start, end, scope) -> dict[str, int]:
    found = rollups.rows(start=start, end=end, keys=("category_id",), scope=scope)
    codes = dict(Category.objects.values_list("id", "code"))
    counted = {codes[c]: v["received"] for (c,), v in found.items() if v["received"]}
    return dict(sorted(counted.items()))


def _by_category(appeals) -> dict[str, int]:
    rows = appeals.values("category__code").annotate(n=Count("id")).order_by("category__code")
    return {r["category__code"]: r["n"] for r in rows}


def category_labels() -> dict[str, str]:
    """Every category's name in the reader's language, by code."""
    return {c.code: str(c) for c in Category.objects.all()}


def officer_conduct_categories() -> list[str]:
    """Codes of the categories of complaints about officers (handled by internal security)."""
    return list(
        Category.objects.filter(service=Service.INTERNAL_SECURITY).values_list("code", flat=True)
    )
