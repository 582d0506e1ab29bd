"""Raw measures per department and period, read from each app's read surface (metrics).

Every app is part of the installation: a source without data for a period (no appeals,
no 102 records, no road network) answers so explicitly, and its indicators show "no
data"; a failing source is an error, never a quiet "no data". Everything here returns
plain dicts keyed by department id; a parent department's value is computed from the
sums of its subtree (numerators and denominators), not by averaging.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone

from precinct.appeals import metrics as appeals_metrics
from precinct.crime import metrics as crime_metrics
from precinct.dispatch import metrics as dispatch_metrics
from precinct.integrity import metrics as integrity_metrics
from precinct.planning import metrics as planning_metrics
from precinct.priorities import metrics as priorities_metrics
from precinct.surveys import metrics as surveys_metrics
from precinct.territory.models import Department, Officer, Precinct


@dataclass(frozen=True)
class Raw:
    """One indicator's raw value for one department (None with a status when missing)."""

    value: float | None
    status: str = "ok"  # ok, no_data, insufficient, suppressed
    lower: float | None = None
    upper: float | None = None
    n: float | None = None


NO_DATA = Raw(None, "no_data")


@dataclass
class Tree:
    """The departments evaluated, with their residents and subtrees."""

    departments: list[Department]

    def __post_init__(self):
        self.by_id = {d.pk: d for d in self.departments}
        self.subtree = {
            d.pk: [e.pk for e in self.departments if e.path.startswith(d.path)]
            for d in self.departments
        }
        self.leaves = {d.pk for d in self.departments if len(self.subtree[d.pk]) == 1}

    def sum(self, own: dict[int, float]) -> dict[int, float | None]:
        """Sums over each department's subtree; None where no department in it has a value."""
        out = {}
        for dep_id, members in self.subtree.items():
            values = [own[m] for m in members if own.get(m) is not None]
            out[dep_id] = sum(values) if values else None
        return out


def tree() -> Tree:
    return Tree(list(Department.objects.all()))


def residents(t: Tree) -> dict[int, float | None]:
    own = dict(
        Precinct.objects.values_list("department")
        .annotate(n=Sum("residents"))
        .values_list("department", "n")
    )
    return t.sum({k: float(v) for k, v in own.items()})


def _ratio(num, den, *, scale=1.0, min_n=1, n=None) -> Raw:
    if num is None or den is None or den <= 0:
        return NO_DATA
    size = den if n is None else n
    if size < min_n:
        return Raw(None, "insufficient", n=size)
    return Raw(num / den * scale, n=size)


# --- crime ----------------------------------------------------------------------------


def crime(t: Tree, period, previous, people, min_n: dict) -> dict[str, dict[int, Raw]]:
    ids = list(t.by_id)
    now = crime_metrics.department_counts(department_ids=ids, period=period.label)
    before = (
        crime_metrics.department_counts(department_ids=ids, period=previous.label)
        if previous
        else {}
    )
    registered = t.sum({k: v["registered"] for k, v in now.items()})
    cleared_known = {k: v for k, v in now.items() if v["cleared"] is not None}
    cleared = t.sum({k: v["cleared"] for k, v in cleared_known.items()})
    cleared_base = t.sum({k: v["registered"] for k, v in cleared_known.items()})
    prev = t.sum({k: v["registered"] for k, v in before.items()})
    out = {"crime_rate": {}, "clearance": {}, "crime_trend": {}}
    for d in ids:
        out["crime_rate"][d] = _ratio(
            registered[d], people.get(d), scale=10_000, min_n=min_n["crime_rate"],
            n=registered[d],
        )  # fmt: skip
        out["clearance"][d] = _ratio(cleared[d], cleared_base[d], min_n=min_n["clearance"])
        if registered[d] is None or prev[d] is None:
            out["crime_trend"][d] = NO_DATA
        elif prev[d] < min_n["crime_trend"]:
            out["crime_trend"][d] = Raw(None, "insufficient", n=prev[d])
        else:
            out["crime_trend"][d] = Raw((registered[d] / prev[d] - 1) * 100, n=prev[d])
    return out


# --- dispatch -------------------------------------------------------------------------


def _aware(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def response(t: Tree, period, min_n: dict) -> dict[str, dict[int, Raw]]:
    out = {"response_within_target": {}, "response_p90": {}}
    rows = dispatch_metrics.response_measures(
        department=None,
        start=_aware(period.starts_on),
        end=_aware(period.ends_on + dt.timedelta(days=1)),
        group_by=("department",),
    )
    own = {r["department"]: r for r in rows}
    with_target = t.sum({k: r.get("with_target") or 0 for k, r in own.items()})
    within = t.sum({k: r.get("within_target") or 0 for k, r in own.items()})
    for d in t.by_id:
        out["response_within_target"][d] = _ratio(
            within[d], with_target[d], min_n=min_n["response_within_target"]
        )
        row = own.get(d)
        p90 = row.get("response_seconds_p90") if row else None
        # A percentile cannot be summed: parents show the figure only if they are a leaf.
        if d not in t.leaves or p90 is None:
            out["response_p90"][d] = NO_DATA
        elif (row.get("arrived") or 0) < min_n["response_p90"]:
            out["response_p90"][d] = Raw(None, "insufficient", n=row.get("arrived"))
        else:
            out["response_p90"][d] = Raw(float(p90) / 60.0, n=row.get("arrived"))
    return out


# --- appeals --------------------------------------------------------------------------


def appeals(t: Tree, period, min_n: dict) -> dict[str, dict[int, Raw]]:
    codes = ("appeals_on_time", "appeals_rating", "appeals_reopened")
    rows = appeals_metrics.department_measures(start=period.starts_on, end=period.ends_on)
    own = {r["department_id"]: r for r in rows}

    def weighted(measure, base):
        return t.sum(
            {
                k: (r[measure] or 0) * (r[base] or 0)
                for k, r in own.items()
                if r.get(measure) is not None
            }
        ), t.sum({k: r[base] or 0 for k, r in own.items() if r.get(measure) is not None})

    out = {k: {} for k in codes}
    on_time, answered = weighted("answered_on_time_share", "answered")
    # Ratings are weighted by answers given (the measures do not return rated counts).
    rating, rated = weighted("mean_rating", "answered")
    reopened, received = weighted("reopened_share", "received")
    for d in t.by_id:
        out["appeals_on_time"][d] = _ratio(on_time[d], answered[d], min_n=min_n["appeals_on_time"])
        out["appeals_rating"][d] = _ratio(rating[d], rated[d], min_n=min_n["appeals_rating"])
        out["appeals_reopened"][d] = _ratio(
            reopened[d], received[d], min_n=min_n["appeals_reopened"]
        )
    return out


# --- surveys --------------------------------------------------------------------------


def surveys(t: Tree, period, survey_keys: dict[str, str]) -> dict[str, dict[int, Raw]]:
    out = {code: dict.fromkeys(t.by_id, NO_DATA) for code in survey_keys}
    by_key = {key: code for code, key in survey_keys.items()}
    roots: dict[int, list[int]] = {}
    for d in t.departments:
        if d.parent_id is None:
            roots.setdefault(d.region_id, []).append(d.pk)
    for row in surveys_metrics.period_estimates(period=period.label)["rows"]:
        code = by_key.get(row["key"])
        if code is None:
            continue
        targets = (
            roots.get(row["region_id"], [])
            if row["department_id"] is None
            else [row["department_id"]]
        )
        # Suppressed below PRECINCT_SURVEY_MIN_N_EFF by the survey app; checked again so
        # that a scorecard never shows an estimate worth fewer respondents.
        withheld = row["n_eff"] < settings.PRECINCT_SURVEY_MIN_N_EFF
        raw = (
            Raw(None, "suppressed", n=row["n_eff"])
            if row["suppressed"] or withheld or row["value"] is None
            else Raw(row["value"], "ok", row["lower"], row["upper"], row["n_eff"])
        )
        for d in targets:
            if d in out[code]:
                out[code][d] = raw
    return out


# --- integrity ------------------------------------------------------------------------


def integrity(t: Tree, period, min_n: int) -> dict[int, Raw]:
    counts = integrity_metrics.offence_counts(
        department_ids=list(t.by_id), starts_on=period.starts_on, ends_on=period.ends_on
    )
    offences = t.sum({k: float(sum(v.values())) for k, v in counts.items()})
    staff = t.sum(
        dict(
            Officer.objects.filter(is_active=True)
            .values_list("department")
            .annotate(n=Count("id"))
            .values_list("department", "n")
        )
    )
    return {d: _ratio(offences[d], staff[d], scale=100, min_n=min_n) for d in t.by_id}


# --- staffing and coverage ------------------------------------------------------------


def staffing(t: Tree, people) -> dict[int, Raw]:
    rows = planning_metrics.staffing_by_department()
    needed = t.sum({r["department_id"]: r["needed"] for r in rows})
    actual = t.sum({r["department_id"]: r["actual"] for r in rows})
    return {d: _ratio(actual[d] or 0, needed[d]) for d in t.by_id}


def coverage(t: Tree) -> dict[int, Raw]:
    rows = planning_metrics.coverage_by_department(minutes=settings.PRECINCT_EVAL_WALK_MINUTES)
    if rows is None:  # no road network imported: coverage is unknown
        return dict.fromkeys(t.by_id, NO_DATA)
    within = t.sum({r["department_id"]: r["residents_within"] for r in rows})
    residents = t.sum({r["department_id"]: r["residents"] for r in rows})
    return {d: _ratio(within[d], residents[d]) for d in t.by_id}


# --- priorities residents set ---------------------------------------------------------


def priorities_reviewed(t: Tree, period, min_n: int) -> dict[int, Raw]:
    """The share of priorities current at the period's end (or today, for a period still
    running) reviewed in the three months before it, from the history of reviews."""
    day = min(period.ends_on, timezone.localdate())
    counts = priorities_metrics.review_counts(department_ids=list(t.by_id), today=day)
    current = t.sum({k: v["current"] for k, v in counts.items() if v["current"]})
    in_time = t.sum({k: v["current"] - v["overdue"] for k, v in counts.items() if v["current"]})
    return {d: _ratio(in_time[d], current[d], min_n=min_n) for d in t.by_id}
