"""The public figures of the neighbourhood pages, for every area at once: read from the
other apps' read surfaces, rolled up the department tree, kept for a while, published
through the one small-count rule.

The figures cover the 12 months to the end of last month, in four quarters of three
months for the trend; surveys compare their last two closed waves; coverage is today's.
Computing them reads every call and appeal of the year once (``dispatch.metrics.
arrival_by_area``, ``appeals.metrics.answer_counts_by_place``) and serves every page of
every area; they change with the month, so each server process keeps them for
``PRECINCT_NEIGHBOURHOOD_FIGURES_SECONDS`` (an hour by default) in memory.

What is kept are counts and the areas' statistics (no person, no free text); what a page
shows passes ``analytics.disclosure`` when it is read (``published``): a count below the
threshold reads "fewer than N", a share or mean over fewer is not shown. Complaints about
officers are not counted at all (``answer_counts_by_place`` leaves them out).
"""

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from precinct.analytics import disclosure, funnel
from precinct.appeals import metrics as appeals_metrics
from precinct.dispatch import metrics as dispatch_metrics
from precinct.planning import metrics as planning_metrics
from precinct.surveys import metrics as surveys_metrics
from precinct.territory.models import Department

COVERAGE_MINUTES = 15
QUARTERS = 4
# The survey questions shown: trust in the local police, feeling safe after dark.
SURVEY_KEYS = {"trust": "trust_local", "safety": "safe_dark"}
# Figures a page shows, in order, with how their values read.
KINDS = {
    "answered": "count",
    "on_time": "share",
    "rating": "rating",
    "calls": "count",
    "arrival_p50": "seconds",
    "arrival_within": "share",
    "coverage": "share",
    "trust": "share",
    "safety": "share",
}
LEVELS = ("precinct", "department", "region", "total")


@dataclass(frozen=True)
class Figure:
    """One published value: ``why`` is "" when shown, "few" when suppressed by the
    small-count rule, "none" when there is nothing to measure. A survey estimate carries
    its effective sample after weighting (Kish's ``n_eff``)."""

    value: float | None
    why: str = ""
    n_eff: float | None = None

    @classmethod
    def none(cls) -> "Figure":
        return cls(None, "none")

    @classmethod
    def few(cls) -> "Figure":
        return cls(None, "few")


def min_count() -> int:
    return settings.PRECINCT_DISCLOSURE_MIN_COUNT


def spans(today: dt.date) -> tuple[tuple[dt.date, dt.date], list[tuple[dt.date, dt.date]]]:
    """(the 12 months to the end of last month, its four quarters oldest first), as
    inclusive (first day, last day) pairs."""
    edges = [_months_before(today.replace(day=1), 3 * k) for k in range(QUARTERS, -1, -1)]
    one_day = dt.timedelta(days=1)
    quarters = [(edges[i], edges[i + 1] - one_day) for i in range(QUARTERS)]
    return (edges[0], edges[-1] - one_day), quarters


def _months_before(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


# month -> (monotonic time computed, figures): this process's copy (a shared cache would
# unpickle 200 kB on every page, a few milliseconds each time).
_kept: dict[dt.date, tuple[float, dict]] = {}


def area_figures(*, today: dt.date | None = None) -> dict:
    """Every area's raw figures (counts and statistics), computed once per month and
    kept for PRECINCT_NEIGHBOURHOOD_FIGURES_SECONDS by each server process."""
    month = (today or timezone.localdate()).replace(day=1)
    kept = _kept.get(month)
    keep_seconds = settings.PRECINCT_NEIGHBOURHOOD_FIGURES_SECONDS
    if kept is None or time.monotonic() - kept[0] >= keep_seconds:
        _kept.clear()
        kept = _kept[month] = (time.monotonic(), compute_area_figures(today=month))
    return kept[1]


def forget() -> None:
    """Drop this process's figures (tests that change the data call this)."""
    _kept.clear()


def compute_area_figures(*, today: dt.date) -> dict:
    """The raw figures, read now from the other apps' read surfaces."""
    year, quarters = spans(today)
    periods = [year, *quarters]
    tree = _tree()
    return {
        "year": year,
        "quarters": quarters,
        "appeals": [_appeal_counts(start, end, tree) for start, end in periods],
        "arrivals": [_arrivals(start, end) for start, end in periods],
        "coverage": planning_metrics.coverage_by_area(minutes=COVERAGE_MINUTES),
        "surveys": _surveys(tree),
        "coverage_minutes": COVERAGE_MINUTES,
    }


def _tree() -> dict[int, dict]:
    """Every department: its ancestors (itself included), region and whether it is a root."""
    return {
        pk: {
            "ancestors": [int(x) for x in path.strip("/").split("/") if x],
            "region_id": region_id,
            "root": parent_id is None,
        }
        for pk, path, region_id, parent_id in Department.objects.values_list(
            "id", "path", "region_id", "parent_id"
        )
    }


def _appeal_counts(start: dt.date, end: dt.date, tree: dict) -> dict:
    """Answer counts per precinct, department (its subtree), region and in total."""
    zero = {"answered": 0, "on_time": 0, "rated": 0, "rating_sum": 0}
    out = {level: defaultdict(lambda: dict(zero)) for level in LEVELS}
    for row in appeals_metrics.answer_counts_by_place(start=start, end=end):
        place = tree.get(row["department_id"])
        if place is None:
            continue
        targets = [("total", 0), ("region", place["region_id"])]
        targets += [("department", d) for d in place["ancestors"]]
        if row["precinct_id"] is not None:
            targets.append(("precinct", row["precinct_id"]))
        for level, pk in targets:
            for k in zero:
                out[level][pk][k] += row[k]
    return {level: dict(rows) for level, rows in out.items()}


def _arrivals(start: dt.date, end: dt.date) -> dict:
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows = dispatch_metrics.arrival_by_area(start=lo, end=hi)
    return {**rows, "total": {0: rows["total"]}}


def _surveys(tree: dict) -> dict:
    """Per survey figure, per wave (oldest first): values by department and region; a
    root department (the city's) reads its region's."""
    found = surveys_metrics.recent_estimates(keys=list(SURVEY_KEYS.values()))
    periods = list(reversed(found["periods"]))
    out = {name: {p: {"department": {}, "region": {}} for p in periods} for name in SURVEY_KEYS}
    by_key = {key: name for name, key in SURVEY_KEYS.items()}
    roots = [d for d, place in tree.items() if place["root"]]
    for row in found["rows"]:
        cell = {
            "value": row["value"],
            "n": row["n"],
            "n_eff": row["n_eff"],
            "suppressed": row["suppressed"],
        }
        wave = out[by_key[row["key"]]][row["period"]]
        if row["department_id"] is None:
            wave["region"][row["region_id"]] = cell
            for d in roots:
                if tree[d]["region_id"] == row["region_id"]:
                    wave["department"].setdefault(d, cell)
        else:
            wave["department"][row["department_id"]] = cell
    return {"periods": periods, "figures": out}


# --- what a page publishes ----------------------------------------------------------------


def published(raw: dict, *, level: str, pk: int, department_id: int | None = None) -> dict:
    """The figures of one area as pages show them: per figure its value over the 12
    months (``now``) and its trend (``trend``: (label period, Figure) oldest first), each
    through the small-count rule. A precinct's survey figures are its department's
    (``department_id``): surveys are not sampled per precinct."""
    n = min_count()
    appeals = [period[level].get(pk) for period in raw["appeals"]]
    arrivals = [period[level].get(pk) for period in raw["arrivals"]]
    out = {
        "answered": [_count(a, "answered", n) for a in appeals],
        "on_time": [_share(a, "on_time", "answered", n) for a in appeals],
        "rating": [_mean(a, n) for a in appeals],
        "calls": [_count(a, "calls", n) for a in arrivals],
        "arrival_p50": [_arrival_p50(a, n) for a in arrivals],
        "arrival_within": [_share(a, "within_target", "with_target", n) for a in arrivals],
    }
    rows = {
        name: {"now": values[0], "trend": list(zip(raw["quarters"], values[1:], strict=True))}
        for name, values in out.items()
    }
    rows["coverage"] = {"now": _coverage(raw["coverage"], level, pk, n), "trend": []}
    survey_level, survey_pk = level, pk
    if level == "precinct":
        survey_level, survey_pk = "department", department_id
    for name in SURVEY_KEYS:
        waves = [
            (period, _survey(raw["surveys"]["figures"][name][period], survey_level, survey_pk, n))
            for period in raw["surveys"]["periods"]
        ]
        rows[name] = {"now": waves[-1][1] if waves else Figure.none(), "trend": waves}
    return rows


def _count(row: dict | None, key: str, n: int) -> Figure:
    if not row or not row[key]:
        return Figure(0)
    value = disclosure.count(row[key], min_count=n)
    return Figure.few() if value is None else Figure(value)


def _share(row: dict | None, part: str, whole: str, n: int) -> Figure:
    if not row or not row[whole]:
        return Figure.none()
    value = disclosure.share(row[part], row[whole], min_count=n)
    return Figure.few() if value is None else Figure(value)


def _mean(row: dict | None, n: int) -> Figure:
    """The mean rating, published when as many answers were rated as a share needs."""
    if not row or not row["rated"]:
        return Figure.none()
    if disclosure.share(0, row["rated"], min_count=n) is None:
        return Figure.few()
    return Figure(row["rating_sum"] / row["rated"])


def _arrival_p50(row: dict | None, n: int) -> Figure:
    if not row or not row["arrived"]:
        return Figure.none()
    if row["response_seconds_p50"] is None or disclosure.count(row["arrived"], min_count=n) is None:
        return Figure.few()
    return Figure(row["response_seconds_p50"])


def _coverage(coverage: dict | None, level: str, pk: int, n: int) -> Figure:
    if coverage is None:
        return Figure.none()
    row = coverage["total"] if level == "total" else coverage[level].get(pk)
    if not row or not row["residents"]:
        return Figure.none()
    if disclosure.count(round(row["residents"]), min_count=n) is None:
        return Figure.few()
    return Figure(row["share"])


def _survey(wave: dict, level: str, pk: int | None, n: int) -> Figure:
    if level == "total":
        return Figure.none()  # weighted estimates of regions are not pooled
    cell = wave[level].get(pk)
    if cell is None:
        return Figure.none()
    # The survey app suppresses estimates below PRECINCT_SURVEY_MIN_N_EFF; the check is
    # repeated here so that no page can show one that slipped through.
    n_eff = cell["n_eff"]
    if (
        cell["suppressed"]
        or cell["value"] is None
        or cell["n"] < n
        or n_eff < settings.PRECINCT_SURVEY_MIN_N_EFF
    ):
        return Figure.few()
    return Figure(cell["value"], n_eff=n_eff)


# --- the area against the area above: funnel limits ----------------------------------------

# The figures compared through funnel limits: shares of counted cases (part, whole), and
# the survey shares (size: the effective sample). Higher is better for all of them. The
# others have none: a count, a median, a mean rating, and walking reach (not drawn by
# chance: every difference in it is real).
FUNNEL_COUNTS = {
    "on_time": ("appeals", "on_time", "answered"),
    "arrival_within": ("arrivals", "within_target", "with_target"),
}


def against(
    raw: dict,
    *,
    level: str,
    pk: int,
    above: str,
    above_pk: int,
    department_id: int | None = None,
) -> dict[str, dict]:
    """Per figure with a funnel, where the area's 12-month value lies against the funnel
    limits of the area above (its value, for the area's own size): ``{key: {"position",
    "verdict", "low_95", "high_95", "low_998", "high_998", "size"}}``. ``verdict`` is
    "as_expected", "better_95", "better_998", "worse_95" or "worse_998". A page shows it
    only beside published figures (the small-count rule still decides what is shown)."""
    out = {}
    for key, (source, part, whole) in FUNNEL_COUNTS.items():
        here = raw[source][0][level].get(pk)
        there = raw[source][0][above].get(above_pk)
        if here and there and here[whole] and there[whole]:
            out[key] = _funnel(here[part] / here[whole], here[whole], there[part] / there[whole])
    if raw["surveys"]["periods"]:
        wave = raw["surveys"]["periods"][-1]
        survey_level, survey_pk = level, pk
        if level == "precinct":
            survey_level, survey_pk = "department", department_id
        for key in SURVEY_KEYS:
            cells = raw["surveys"]["figures"][key][wave]
            here = cells.get(survey_level, {}).get(survey_pk)
            there = cells.get(above, {}).get(above_pk)
            if _estimate(here) and _estimate(there):
                out[key] = _funnel(here["value"], here["n_eff"], there["value"])
    return out


def _estimate(cell: dict | None) -> bool:
    return bool(cell) and not cell["suppressed"] and cell["value"] is not None


def _funnel(value: float, size: float, centre: float) -> dict:
    limits = [funnel.proportion_limits(size, centre, level) for level in funnel.LEVELS]
    position = str(funnel.position(value, *limits))
    verdict = "as_expected"
    if position and position != funnel.WITHIN:
        side, level = position.split("_")
        verdict = ("better_" if side == "above" else "worse_") + level
    return {
        "position": position,
        "verdict": verdict if position else "",
        "size": float(size),
        "low_95": float(limits[0].low),
        "high_95": float(limits[0].high),
        "low_998": float(limits[1].low),
        "high_998": float(limits[1].high),
    }
