"""Funnel limits of the scorecards: each indicator value against what its size allows.

A department is compared with every department of its kind (as the scores are) through
the funnel of ``precinct.analytics.funnel``: the overall value of the kind (pooled: total
numerator over total denominator), and the 95 % and 99.8 % limits for the department's
own size (the indicator value's ``n``). Inside the limits its difference from the overall
value is what chance gives a unit of that size; outside, it is very probably real.

Which funnel an indicator gets follows from what its value counts:

- a share of cases (``unit == "share"``: crimes cleared, calls within target, answers on
  time, respondents agreeing) — binomial limits for ``n`` cases (survey shares: ``n`` is
  the effective sample size after weighting);
- a rate per residents or per staff — Poisson limits for the unit's exposure;
- everything else has no funnel: a percentile (p90 arrival time), a mean rating, a change
  against the previous period, and the two shares that are not counts of chance events
  (staffing against the norm, residents within walking reach), which are not drawn at
  random and whose differences are real whatever the size.
"""

from collections import defaultdict

import numpy as np

from precinct.analytics import funnel
from precinct.evaluation.models import Indicator, IndicatorValue, Methodology, Period

PROPORTION = "proportion"
RATE = "rate"

# Shares that count no chance events: a funnel would call every difference "real".
NOT_SAMPLED = frozenset({"staffing", "coverage"})

# What the ``n`` of a rate is (evaluation/sources.py): the count of events (crime_rate:
# registered offences) or the exposure itself (integrity: officers), and the exposure's
# unit (10,000 residents, 100 officers) so that the rate is count per exposure unit.
RATE_SIZES = {"per 10,000": ("count", 10_000), "per 100 staff": ("exposure", 100)}


def kind_of(code: str, unit: str) -> str | None:
    """The funnel an indicator gets: ``"proportion"``, ``"rate"`` or ``None``."""
    if code in NOT_SAMPLED:
        return None
    if unit == "share":
        return PROPORTION
    if unit in RATE_SIZES:
        return RATE
    return None


def _sizes(unit: str, values: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The funnel's size per department: cases for a share, exposure units for a rate."""
    if unit == "share":
        return n
    what, scale = RATE_SIZES[unit]
    if what == "exposure":
        return n / scale
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(values > 0, n / values, np.nan)  # count / rate = exposure units


def positions(*, methodology: Methodology, period: Period) -> dict[tuple[str, int], dict]:
    """Every department's funnel position on every indicator with a funnel in the period.

    Keyed by (indicator code, department id); an indicator without a funnel or a
    department without a value or size is absent. Each entry: ``kind``, ``size``,
    ``centre`` (the overall value of the department's kind), ``low_95``, ``high_95``,
    ``low_998``, ``high_998``, ``position`` (analytics.funnel's "within", "above_95" …)
    and ``verdict``: "as_expected", "better_95", "better_998", "worse_95", "worse_998"
    after the indicator's direction. One query.
    """
    rows = (
        IndicatorValue.objects.filter(
            methodology=methodology,
            period=period,
            status=IndicatorValue.Status.OK,
            value__isnull=False,
            n__gt=0,
        )
        .values_list(
            "indicator__code",
            "indicator__unit",
            "indicator__direction",
            "department_id",
            "department__kind",
            "value",
            "n",
        )
        .order_by()
    )
    groups: dict[tuple, list[tuple[int, float, float]]] = defaultdict(list)
    for code, unit, direction, dep, dep_kind, value, n in rows:
        if kind_of(code, unit) is not None:
            groups[(code, unit, direction, dep_kind)].append((dep, value, n))
    out: dict[tuple[str, int], dict] = {}
    for (code, unit, direction, dep_kind), members in groups.items():
        out.update(_group(code, unit, direction, members, dep_kind))
    return out


def _group(code, unit, direction, members, dep_kind) -> dict[tuple[str, int], dict]:
    deps = [m[0] for m in members]
    values = np.array([m[1] for m in members], dtype=np.float64)
    size = _sizes(unit, values, np.array([m[2] for m in members], dtype=np.float64))
    known = np.isfinite(size) & (size > 0)
    if not known.any():
        return {}
    kind = kind_of(code, unit)
    # The overall value is pooled (Σ numerator / Σ size), not the mean of the departments'.
    centre = float(np.sum(values[known] * size[known]) / np.sum(size[known]))
    if kind == PROPORTION:
        limits = [funnel.proportion_limits(size, centre, level) for level in funnel.LEVELS]
    elif centre > 0:
        limits = [funnel.rate_limits(size, centre, level) for level in funnel.LEVELS]
    else:  # no event anywhere: every department is at the overall value
        return {}
    pos = funnel.position(values, *limits)
    higher = direction == Indicator.Direction.HIGHER
    out = {}
    for i, dep in enumerate(deps):
        if not known[i] or not pos[i]:
            continue
        out[(code, dep)] = {
            "kind": kind,
            "group": dep_kind,
            "value": float(values[i]),
            "size": float(size[i]),
            "centre": centre,
            "low_95": float(limits[0].low[i]),
            "high_95": float(limits[0].high[i]),
            "low_998": float(limits[1].low[i]),
            "high_998": float(limits[1].high[i]),
            "position": str(pos[i]),
            "verdict": verdict(str(pos[i]), higher=higher),
        }
    return out


CURVE_POINTS = 60


def curve(entries: list[dict]) -> dict | None:
    """The funnel of a group of departments (their ``positions`` entries on one indicator)
    for a plot: sizes spread over the group's range and the four limits at each."""
    if len(entries) < 2:
        return None
    kind, centre = entries[0]["kind"], entries[0]["centre"]
    sizes = [e["size"] for e in entries]
    x = np.geomspace(min(sizes) / 2, max(sizes) * 1.5, CURVE_POINTS)
    if kind == PROPORTION:
        # Whole cases: the limits of a proportion are defined at integer sizes.
        x = np.unique(np.maximum(np.rint(x), 1.0))
        limits = [funnel.proportion_limits(x, centre, level) for level in funnel.LEVELS]
    else:
        limits = [funnel.rate_limits(x, centre, level) for level in funnel.LEVELS]
    return {
        "size": x.tolist(),
        "centre": centre,
        "low_95": limits[0].low.tolist(),
        "high_95": limits[0].high.tolist(),
        "low_998": limits[1].low.tolist(),
        "high_998": limits[1].high.tolist(),
    }


def verdict(position: str, *, higher: bool) -> str:
    """A funnel position read in the indicator's direction: "as_expected", "better_95",
    "better_998", "worse_95" or "worse_998"."""
    if position == funnel.WITHIN:
        return "as_expected"
    side, level = position.split("_")
    good = (side == "above") == higher
    return ("better_" if good else "worse_") + level


def summary(entries: list[dict | None]) -> dict[str, int]:
    """How many indicators are better, as expected, worse than their funnel allows."""
    counts = {"better": 0, "as_expected": 0, "worse": 0}
    for e in entries:
        if e:
            v = e["verdict"]
            counts[v if v == "as_expected" else v.split("_")[0]] += 1
    return counts
