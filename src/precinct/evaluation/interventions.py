"""Adapter of the interventions: per precinct × month rows of the other apps → a Panel →
``analytics.effects`` (matching, difference in differences, designs) → stored rows.

The outcomes are read through the owning apps' read surfaces: 102 arrival and calls
(dispatch), appeals (appeals), recorded offences (crime). Counts become rates per 1,000
residents so that precincts of different sizes compare; arrival is the monthly median in
minutes. Survey trust and safety are weighted per department and wave, never per precinct:
they are stored as "not measured per precinct" rather than estimated from figures that do
not exist.

The window: ``PRE_MONTHS`` whole months before the change and up to ``POST_MONTHS`` after
it, never the current (incomplete) month. A month in which no precinct of the city has a
row is unknown (NaN), not zero: the source had no data then.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from precinct.analytics import effects
from precinct.appeals import metrics as appeals
from precinct.crime import metrics as crime
from precinct.dispatch import metrics as dispatch
from precinct.evaluation.outcomes import (
    DRAWS,
    NO_DATA,
    NOT_MEASURED,
    OUTCOMES,
    PER_TREATED,
    PRE_MONTHS,
    month_add,
    pool,
    window,
)


def _month_of(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return value.replace(day=1)


def _rows(code: str, start: dt.date, end: dt.date) -> tuple[list[dict], str]:
    """The source's rows and the key of their value."""
    if code == "arrival":
        return dispatch.arrival_by_precinct_month(start=start, end=end), "response_seconds_p50"
    if code == "calls":
        return dispatch.calls_by_precinct_month(start=start, end=end), "calls"
    if code == "appeals":
        return appeals.appeals_by_precinct_month(start=start, end=end), "appeals"
    if code == "records":
        return crime.records_by_precinct_month(start=start, end=end), "records"
    raise ValueError(code)


def panel(code: str, residents: dict[int, float], months: list[dt.date]) -> effects.Panel:
    """The outcome per precinct (rows, sorted by id) and month (columns)."""
    ids = np.array(sorted(residents), dtype=np.int64)
    size = np.array([residents[int(i)] for i in ids], dtype=np.float64)
    col = {m: j for j, m in enumerate(months)}
    row = {int(pk): i for i, pk in enumerate(ids)}
    rows, key = _rows(code, months[0], month_add(months[-1], 1) - dt.timedelta(days=1))
    counts = code != "arrival"
    values = np.full((len(ids), len(months)), 0.0 if counts else np.nan)
    seen = np.zeros(len(months), dtype=bool)
    for r in rows:
        j = col.get(_month_of(r["month"]))
        if j is None:
            continue
        seen[j] = True
        i = row.get(int(r["precinct_id"]))
        if i is None or r[key] is None:
            continue
        values[i, j] = float(r[key])
    # Counts per 1,000 residents; arrival from the source's seconds to minutes for people.
    values = values / size[:, None] * 1000.0 if counts else values / 60.0
    values[:, ~seen] = np.nan
    return effects.Panel(units=ids, outcome=values, size=size)


@dataclass
class Estimate:
    """What is stored of one outcome's estimate (evaluation.InterventionEstimate's fields)."""

    outcome: str
    fields: dict


def estimate(
    *, treated: list[int], department, starts_on: dt.date, outcomes: list[str],
    exclude: list[int] = (), seed: int = 0, today: dt.date | None = None,
) -> list[Estimate]:  # fmt: skip
    """The effect of a change on each outcome, by difference in differences against
    comparison precincts matched before the change (``exclude``: precincts other changes
    touched in the window, never a comparison)."""
    months, change_at = window(starts_on, today)
    residents = pool(department)
    treated = [pk for pk in treated if pk in residents]
    labels = [m.strftime("%Y-%m") for m in months]
    out = []
    for code in outcomes:
        outcome = OUTCOMES[code]
        if not outcome.per_precinct:
            out.append(_cannot_tell(code, NOT_MEASURED))
            continue
        if not treated or len(months) <= change_at:
            out.append(_cannot_tell(code, "too_few_units" if not treated else "too_few_periods"))
            continue
        data = panel(code, residents, months)
        known = np.isfinite(data.outcome).any(axis=0)
        if not known[:change_at].any() or not known[change_at:].any():
            out.append(_cannot_tell(code, NO_DATA))
            continue
        # A treated precinct without a trend before the change (an arrival median needs
        # enough calls a month) cannot be matched: it is left out of this outcome only.
        rows = np.isin(data.units, treated)
        known_before = np.isfinite(data.outcome[rows, :change_at]).sum(axis=1) >= 2
        usable = data.units[rows][known_before]
        if not len(usable):
            out.append(_cannot_tell(code, NO_DATA))
            continue
        matching = effects.match_comparisons(
            data, usable, change_at, per_treated=PER_TREATED, exclude_ids=tuple(exclude)
        )
        result = effects.estimate_effect(
            data, matching.treated, matching.comparison, change_at, draws=DRAWS,
            rng=np.random.default_rng([seed, *code.encode()]),
        )  # fmt: skip
        out.append(
            Estimate(code, {
                "effect": _num(result.effect), "ci_low": _num(result.ci_low),
                "ci_high": _num(result.ci_high), "p_value": _num(result.p_value),
                "level": result.level, "method": result.method,
                "pre_trend": _num(result.pre_trend), "pre_trend_p": _num(result.pre_trend_p),
                "verdict": result.verdict, "reason": result.reason,
                "comparison_ids": [int(i) for i in matching.comparison],
                "series": {
                    "months": labels, "change_at": change_at,
                    "treated": _list(result.treated_mean),
                    "comparison": _list(result.comparison_mean),
                },
            })
        )  # fmt: skip
    return out


def _cannot_tell(code: str, reason: str) -> Estimate:
    return Estimate(code, {
        "effect": None, "ci_low": None, "ci_high": None, "p_value": None, "method": "",
        "pre_trend": None, "pre_trend_p": None, "verdict": "cannot_tell", "reason": reason,
        "comparison_ids": [], "series": {},
    })  # fmt: skip


MIN_PAIRS = 6


def design(
    *, candidates: list[int], department, starts_on: dt.date, outcome: str, n_pairs: int,
    seed: int = 0, today: dt.date | None = None,
) -> dict | None:  # fmt: skip
    """Matched pairs for randomising a planned change among ``candidates`` and the
    smallest effect on ``outcome`` such a pilot could detect, from the last PRE_MONTHS
    whole months; None when the outcome is not measured per precinct or has no data."""
    if not OUTCOMES[outcome].per_precinct:
        return None
    today = today or timezone.localdate()
    last = month_add(today.replace(day=1), -1)
    months = [month_add(last, -k) for k in range(PRE_MONTHS - 1, -1, -1)]
    residents = pool(department)
    chosen = {pk: residents[pk] for pk in candidates if pk in residents}
    # Below six pairs no result of a randomised pilot can reach 95 % (analytics.effects:
    # its minimum detectable effect is infinite), so a design has MIN_PAIRS at least.
    n_pairs = min(max(n_pairs, MIN_PAIRS), len(chosen) // 2)
    if n_pairs < 2:
        return None
    data = panel(outcome, chosen, months)
    if not np.isfinite(data.outcome).any():
        return None
    proposal = effects.propose_design(
        data, np.array(sorted(chosen), dtype=np.int64), n_pairs,
        rng=np.random.default_rng([seed, *outcome.encode()]),
    )  # fmt: skip
    return {
        "outcome": outcome,
        "pairs": [[int(a), int(b)] for a, b in proposal.pairs],
        "mde": _num(proposal.mde), "level": proposal.level, "power": proposal.power,
        "months": [months[0].strftime("%Y-%m"), months[-1].strftime("%Y-%m")],
    }  # fmt: skip


def _num(x) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def _list(a) -> list[float | None]:
    return [_num(x) for x in np.asarray(a, dtype=np.float64)]
