"""Did a change work? Difference in differences for a few treated precincts.

A change (a new post, foot patrols, a reception schedule) is made in a few precincts at
month ``change_at``. Its effect is estimated by difference in differences (DiD): how much
more the outcome moved in the treated precincts than in comparison precincts that looked
like them before the change. Each unit's history collapses into one number, the mean
after minus the mean before (``change``), so that serial correlation within a precinct
cannot make the interval too narrow (Bertrand, Duflo & Mullainathan 2004), and

    effect = mean change of the treated − mean change of the comparison units.

With a handful of treated precincts, the usual clustered standard errors are far too
small, so the interval comes from a method fit for few treated units:

- randomisation inference (Fisher; Imbens & Rubin 2015): how unusual the observed effect
  is among the effects obtained by pretending other units were the treated ones; the
  interval gathers every effect size the data do not reject (test inversion);
- the wild cluster bootstrap, restricted, with Webb's six-point weights (Cameron,
  Gelbach & Miller 2008; Webb 2014; MacKinnon & Webb 2017), once there are enough treated
  and untreated units for it to be reliable. With one value per unit, clustering by unit
  is simply one weight per unit.

Both tests are written as one function ``p_value(y, tau)``: the p-value of "the effect is
``tau``" for per-unit values ``y``. The interval is found by bisection on it, and the same
function tests the pre-change trends (``y`` = per-unit pre-change slopes, ``tau`` = 0).

A planned change gets a design (:func:`propose_design`): pairs of look-alike precincts,
one of each to be treated at random, as in the Philadelphia Foot Patrol Experiment
(Ratcliffe et al. 2011), and the minimum detectable effect of that design (Bloom 1995),
from placebo changes in the candidates' history. A pilot run on such pairs is analysed
by :func:`estimate_paired_effect`, which re-tosses exactly the pairs' coins.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from scipy import optimize, spatial, stats

__all__ = [
    "Design",
    "Effect",
    "Matching",
    "Panel",
    "estimate_effect",
    "estimate_paired_effect",
    "match_comparisons",
    "propose_design",
]

MIN_PRE_MONTHS = 3  # fewer cannot show a trend, so parallel trends could not be checked
MIN_POST_MONTHS = 1
MIN_COMPARISON = 2
# From this many treated and as many comparison units on, "auto" uses the wild cluster
# bootstrap; with fewer on either side it can over- or under-reject badly (MacKinnon &
# Webb 2017), so randomisation inference is used.
BOOTSTRAP_FROM_UNITS = 10
# An interval that contains 0 but still allows a change of more than this share of the
# treated units' usual level either way says nothing useful: "cannot tell", not "no effect".
TOO_NOISY_SHARE = 0.25
# Webb's six-point weights: many more distinct draws than Rademacher's ±1 with few clusters.
WEBB_WEIGHTS = np.array(
    [-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)]
)

PValue = Callable[[np.ndarray, float], float]


@dataclass(frozen=True)
class Panel:
    """Monthly outcome of every unit (precinct): one row per unit, one column per month."""

    units: np.ndarray  # (n,) int64 unit ids
    outcome: np.ndarray  # (n, t) float64; NaN = unknown
    size: np.ndarray  # (n,) float64 residents


@dataclass(frozen=True)
class Matching:
    """Comparison units chosen for the treated ones, and how alike the two groups are."""

    treated: np.ndarray  # (k,) int64 unit ids
    comparison: np.ndarray  # (m,) int64 unit ids
    balance: list[dict]  # {"feature", "treated", "comparison", "std_diff"} per feature


@dataclass(frozen=True)
class Effect:
    """A DiD estimate, its interval and p-value, and what it allows one to say."""

    effect: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    level: float
    method: str  # "randomisation" or "wild_cluster_bootstrap"
    pre_trend: float | None  # treated − comparison pre-change slope, per month
    pre_trend_p: float | None
    verdict: str  # "effect" | "no_effect_detected" | "cannot_tell"
    reason: str  # "" | "too_few_units" | "too_few_periods" | "pre_trends_differ" | "too_noisy"
    treated_mean: np.ndarray  # (t,) mean outcome of the treated per month
    comparison_mean: np.ndarray  # (t,)
    # Units with data before and after the change that the estimate rests on (a pilot on
    # pairs counts its usable pairs in both).
    n_treated: int = 0
    n_comparison: int = 0


@dataclass(frozen=True)
class Design:
    """Matched pairs for a randomised pilot and the smallest effect it could detect.

    In each pair the first unit is the one drawn (at random) to be treated. ``mde`` is
    ``math.inf`` when the pairs are too few for any result to reach ``level``.
    """

    pairs: list[tuple[int, int]]
    mde: float
    level: float
    power: float


# --- per-unit summaries -----------------------------------------------------------------


def _rows(panel: Panel, ids: Iterable[int]) -> np.ndarray:
    """Row positions of unit ids; an unknown id is an error, not a silent omission."""
    ids = np.asarray(list(ids), dtype=np.int64)
    order = np.argsort(panel.units)
    found = np.searchsorted(panel.units, ids, sorter=order)
    found = np.minimum(found, len(order) - 1) if len(order) else found
    rows = order[found] if len(order) else np.zeros(0, dtype=np.int64)
    missing = ids[panel.units[rows] != ids] if len(ids) else ids
    if len(missing):
        raise ValueError(f"unit ids not in the panel: {missing.tolist()}")
    return rows


def _row_means(values: np.ndarray) -> np.ndarray:
    """Mean of each row over its known (non-NaN) values; NaN where none is known."""
    known = ~np.isnan(values)
    count = known.sum(axis=1)
    total = np.where(known, values, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _month_means(values: np.ndarray) -> np.ndarray:
    """Mean over units of each month, for plotting the groups side by side."""
    return _row_means(values.T) if len(values) else np.full(values.shape[1], np.nan)


def _slopes(values: np.ndarray) -> np.ndarray:
    """Least-squares slope per month of each row over its known values (NaN if < 2)."""
    known = ~np.isnan(values)
    x = np.broadcast_to(np.arange(values.shape[1], dtype=np.float64), values.shape)
    count = known.sum(axis=1)
    safe = np.maximum(count, 1)
    x_mean = np.where(known, x, 0.0).sum(axis=1) / safe
    y_mean = np.where(known, values, 0.0).sum(axis=1) / safe
    dx = np.where(known, x - x_mean[:, None], 0.0)
    dy = np.where(known, values - y_mean[:, None], 0.0)
    sxx = (dx * dx).sum(axis=1)
    return np.where(
        (count >= 2) & (sxx > 0), (dx * dy).sum(axis=1) / np.where(sxx > 0, sxx, 1), np.nan
    )


def _features(panel: Panel, months: int) -> np.ndarray:
    """(n, 3) level, trend and log size over the first ``months`` months: what matching
    compares. Log size, because a precinct of 20,000 is as unlike one of 10,000 as one
    of 40,000 is unlike 20,000."""
    before = panel.outcome[:, :months]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_size = np.log(np.asarray(panel.size, dtype=np.float64))
    return np.column_stack([_row_means(before), _slopes(before), log_size])


def _standardised(features: np.ndarray) -> np.ndarray:
    """Each feature in standard deviations, so that level, trend and size weigh alike."""
    sd = features.std(axis=0)
    return (features - features.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


def _check_change_at(panel: Panel, change_at: int) -> None:
    if not 0 <= change_at <= panel.outcome.shape[1]:
        raise ValueError(f"change_at: month {change_at} is outside 0..{panel.outcome.shape[1]}")


def _check_probability(name: str, value: float) -> None:
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name}: must be between 0 and 1, got {value}")


def _check_draws(draws: int) -> None:
    # Fewer than 99 draws make a p-value too coarse to compare with 5 % reliably.
    if draws < 99:
        raise ValueError(f"draws: at least 99, got {draws}")


# --- matching ---------------------------------------------------------------------------


def match_comparisons(
    panel: Panel, treated_ids, change_at: int, *, per_treated: int = 3, exclude_ids=()
) -> Matching:
    """Comparison units that look like the treated ones before month ``change_at``:
    nearest by standardised pre-change level, pre-change trend (slope) and size.

    Without replacement and optimally for the whole group (an assignment problem), so
    that one odd treated unit cannot take the best match of another. Units without a
    known level or trend before the change, or without a known month after it (when the
    panel has months after it), are left out. Raises
    ValueError when a treated unit is unknown or has no pre-change data.
    """
    _check_change_at(panel, change_at)
    treated = np.unique(_rows(panel, treated_ids))
    features = _features(panel, change_at)
    usable = np.isfinite(features).all(axis=1)
    if not usable[treated].all():
        bad = panel.units[treated[~usable[treated]]].tolist()
        raise ValueError(f"treated units without pre-change data or size: {bad}")
    # Excluding a unit the panel does not hold is harmless (say, one changed elsewhere).
    pool = usable & ~np.isin(panel.units, np.asarray(list(exclude_ids), dtype=np.int64))
    pool[treated] = False
    if change_at < panel.outcome.shape[1]:  # a unit unknown after the change compares nothing
        pool &= np.isfinite(panel.outcome[:, change_at:]).any(axis=1)
    candidates = np.flatnonzero(pool)
    z = np.full(features.shape, np.nan)
    z[usable] = _standardised(features[usable])
    comparison = np.zeros(0, dtype=np.int64)
    if len(candidates) and len(treated):
        repeats = max(1, min(per_treated, len(candidates) // len(treated)))
        cost = spatial.distance.cdist(np.repeat(z[treated], repeats, axis=0), z[candidates])
        _, chosen = optimize.linear_sum_assignment(cost)
        comparison = np.sort(candidates[chosen])
    return Matching(
        treated=panel.units[treated],
        comparison=panel.units[comparison],
        balance=_balance(features, usable, treated, comparison, panel),
    )


def _balance(features, usable, treated, comparison, panel) -> list[dict]:
    """Group means of each feature and their standardised difference (difference over the
    standard deviation among all matchable units; |std_diff| < 0.25 is the usual bar of
    good balance). Size is shown in residents, not its logarithm."""
    raw = features.copy()
    raw[:, 2] = np.asarray(panel.size, dtype=np.float64)
    rows = []
    for column, name in enumerate(("level", "trend", "size")):
        sd = raw[usable, column].std() if usable.any() else 0.0
        t_mean = float(raw[treated, column].mean()) if len(treated) else math.nan
        c_mean = float(raw[comparison, column].mean()) if len(comparison) else math.nan
        std_diff = float((t_mean - c_mean) / sd) if sd > 0 else 0.0
        rows.append(
            {"feature": name, "treated": t_mean, "comparison": c_mean, "std_diff": std_diff}
        )
    return rows


# --- the two tests ----------------------------------------------------------------------


class _Permutations:
    """Randomisation inference for a statistic linear in the per-unit values.

    Row 0 of ``weights`` is the observed assignment, each other row one alternative
    assignment; ``weights @ y`` is the statistic under each. Under "the effect is tau"
    the values with the effect removed, ``y − tau·shift``, would have been the same
    whatever the assignment, so the observed statistic is compared with all of them.
    """

    def __init__(self, weights: np.ndarray, shift: np.ndarray):
        self.weights = weights
        self.shift = shift

    def p_value(self, y: np.ndarray, tau: float) -> float:
        statistics = np.abs(self.weights @ (y - tau * self.shift))
        return float(np.mean(statistics >= statistics[0] * (1 - 1e-9)))

    def can_reject(self, alpha: float) -> bool:
        """Whether any result could reach ``alpha``: not with too few assignments."""
        extreme = np.abs(self.weights @ self.shift)
        return float(np.mean(extreme >= extreme[0] * (1 - 1e-9))) <= alpha


def _reassignments(is_treated: np.ndarray, draws: int, rng: np.random.Generator) -> _Permutations:
    """Alternative choices of which units are treated: all of them when there are at most
    ``draws``, else ``draws`` at random; the statistic is the difference of group means."""
    n, k = len(is_treated), int(is_treated.sum())
    if math.comb(n, k) <= draws + 1:
        members = np.zeros((math.comb(n, k), n), dtype=bool)
        for row, chosen in enumerate(itertools.combinations(range(n), k)):
            members[row, list(chosen)] = True
        observed = (members == is_treated).all(axis=1)
        members = np.vstack([is_treated[None, :], members[~observed]])
    else:
        order = np.argsort(rng.random((draws, n)), axis=1)[:, :k]
        drawn = np.zeros((draws, n), dtype=bool)
        np.put_along_axis(drawn, order, True, axis=1)
        members = np.vstack([is_treated[None, :], drawn])
    weights = np.where(members, 1.0 / k, -1.0 / (n - k))
    return _Permutations(weights, is_treated.astype(np.float64))


def _sign_flips(n_pairs: int, draws: int, rng: np.random.Generator) -> _Permutations:
    """Alternative coin tosses within pairs (which of the two was treated): all of them
    when there are at most ``draws``, else ``draws`` at random; the statistic is the mean
    over pairs of the treated − untreated difference."""
    if 2**n_pairs <= draws + 1:
        bits = (np.arange(2**n_pairs)[:, None] >> np.arange(n_pairs)) & 1
        signs = 1.0 - 2.0 * bits  # row 0 is all +1: the observed tosses
    else:
        signs = np.vstack([np.ones(n_pairs), rng.choice([-1.0, 1.0], size=(draws, n_pairs))])
    return _Permutations(signs / n_pairs, np.ones(n_pairs))


class _WildBootstrap:
    """The restricted wild cluster bootstrap (WCR) with Webb weights, clustered by unit.

    Under "the effect is tau" the model is fitted with the effect imposed, its residuals
    are multiplied by a random weight per cluster, and the t statistics of the redrawn
    data are compared with the observed one. Row 0 of the weights is all ones: the
    observed data, which count as one draw (so p is never reported as 0). The same
    weights serve every ``tau``, so bisection on the p-value finds the interval's ends.
    """

    def __init__(self, is_treated: np.ndarray, draws: int, rng: np.random.Generator):
        self.is_treated = is_treated.astype(bool)
        weights = rng.choice(WEBB_WEIGHTS, size=(draws, len(is_treated)))
        weights = np.vstack([np.ones(len(is_treated)), weights])
        self.groups = [
            (w, w**2) for w in (weights[:, self.is_treated], weights[:, ~self.is_treated])
        ]

    def p_value(self, y: np.ndarray, tau: float) -> float:
        restricted = y - tau * self.is_treated
        residuals = restricted - restricted.mean()
        t = _welch_t(self.groups, [residuals[self.is_treated], residuals[~self.is_treated]])
        return float(np.mean(np.abs(t) >= abs(t[0]) * (1 - 1e-9)))

    def can_reject(self, alpha: float) -> bool:
        return True


def _welch_t(weights: list[tuple], residuals: list[np.ndarray]) -> np.ndarray:
    """t statistic of the difference of group means (treated − other) of the reweighted
    residuals, one per row of weights (given with their squares), with the
    heteroskedasticity-robust (Welch) standard error of one observation per cluster.
    Matrix products, not copies: the interval's bisection calls this a hundred times."""
    means, variances = [], []
    for (w, w_squared), u in zip(weights, residuals, strict=True):
        n = len(u)
        mean = w @ u / n
        variances.append(np.maximum((w_squared @ u**2 - n * mean**2) / (n - 1), 0.0) / n)
        means.append(mean)
    se = np.sqrt(np.maximum(variances[0] + variances[1], 1e-300))
    return (means[0] - means[1]) / se


def _interval(p_value: PValue, y: np.ndarray, estimate: float, scale: float, alpha: float):
    """Every effect the test does not reject at ``alpha``, by bisection on each side of the
    estimate (where the p-value is 1). (None, None) if a side never reaches ``alpha``."""
    ends = []
    for side in (-1.0, 1.0):
        outside = scale
        while p_value(y, estimate + side * outside) > alpha:
            outside *= 2.0
            if outside > 1e6 * scale:
                return None, None
        inside = 0.0
        while outside - inside > 1e-4 * scale:
            middle = (inside + outside) / 2
            if p_value(y, estimate + side * middle) > alpha:
                inside = middle
            else:
                outside = middle
        ends.append(estimate + side * (inside + outside) / 2)
    return ends[0], ends[1]


def _spread(y: np.ndarray, is_treated: np.ndarray, estimate: float) -> float:
    """A rough standard error: where the bisection starts looking for the interval's ends.
    ``is_treated`` all True: the values are already treated − untreated differences."""
    groups = [y] if is_treated.all() else [y[is_treated], y[~is_treated]]
    variance = sum(group.var(ddof=1) / len(group) for group in groups if len(group) > 1)
    return math.sqrt(variance) if variance > 0 else 1e-9 * max(1.0, abs(estimate))


# --- estimating an effect ---------------------------------------------------------------


def estimate_effect(
    panel: Panel,
    treated_ids,
    comparison_ids,
    change_at: int,
    *,
    level: float = 0.95,
    method: str = "auto",
    draws: int = 999,
    rng: np.random.Generator | None = None,
) -> Effect:
    """Difference in differences with an interval fit for few treated units:
    "auto" uses randomisation inference (permuting which units are treated, interval by
    test inversion) when there are few treated units, the wild cluster bootstrap
    (clustered by unit, Webb weights) otherwise.

    Months before ``change_at`` are "before", the others "after". Units without a known
    value on both sides are left out. Without ``rng`` the draws are seeded, so the same
    data always give the same interval. Raises ValueError for unknown ids, a unit in both
    groups, or an unknown method.
    """
    if method not in ("auto", "randomisation", "wild_cluster_bootstrap"):
        raise ValueError(f"method: unknown {method!r}")
    _check_change_at(panel, change_at)
    _check_probability("level", level)
    _check_draws(draws)
    treated = np.unique(_rows(panel, treated_ids))
    comparison = np.unique(_rows(panel, comparison_ids))
    if np.intersect1d(treated, comparison).size:
        raise ValueError("comparison_ids: a unit cannot be both treated and a comparison")
    change, slope, level_before = _before_after(
        panel, np.concatenate([treated, comparison]), change_at
    )
    known = np.isfinite(change) & np.isfinite(slope)
    is_treated = (np.arange(len(known)) < len(treated))[known]
    k, m = int(is_treated.sum()), int((~is_treated).sum())
    if method == "auto":
        few = min(k, m) < BOOTSTRAP_FROM_UNITS
        method = "randomisation" if few else "wild_cluster_bootstrap"
    common = {
        "level": level,
        "method": method,
        "treated_mean": _month_means(panel.outcome[treated]),
        "comparison_mean": _month_means(panel.outcome[comparison]),
        "n_treated": k,
        "n_comparison": m,
    }
    if _too_short(panel, change_at):
        return _undecided("too_few_periods", **common)
    least = 2 if method == "wild_cluster_bootstrap" else 1
    if k < least or m < max(least, MIN_COMPARISON):
        return _undecided("too_few_units", **common)
    rng = np.random.default_rng(0) if rng is None else rng
    if method == "randomisation":
        test = _reassignments(is_treated, draws, rng)
    else:
        test = _WildBootstrap(is_treated, draws, rng)
    typical = abs(float(level_before[known][is_treated].mean()))
    return _decide(test, change[known], slope[known], is_treated, level, typical, common)


def _before_after(panel: Panel, rows: np.ndarray, change_at: int):
    """Per unit: mean after − mean before the change, the slope before it, the mean
    before it (NaN where a side has no known month)."""
    before, after = panel.outcome[rows, :change_at], panel.outcome[rows, change_at:]
    level_before = _row_means(before)
    return _row_means(after) - level_before, _slopes(before), level_before


def _too_short(panel: Panel, change_at: int) -> bool:
    return change_at < MIN_PRE_MONTHS or panel.outcome.shape[1] - change_at < MIN_POST_MONTHS


def estimate_paired_effect(
    panel: Panel,
    pairs: Iterable[tuple[int, int]],
    change_at: int,
    *,
    level: float = 0.95,
    draws: int = 999,
    rng: np.random.Generator | None = None,
) -> Effect:
    """The effect of a randomised pilot run on matched pairs (treated unit first in each
    pair, as :func:`propose_design` gives them).

    The analysis follows the design: the effect is the mean over pairs of the treated −
    untreated DiD, and its randomisation inference re-tosses the coin within each pair,
    which is exactly how treatment was assigned (Fisher's exact test, no assumption on the
    outcome's distribution). Pairs with a unit lacking data on either side are left out.
    """
    _check_change_at(panel, change_at)
    _check_probability("level", level)
    _check_draws(draws)
    pairs = list(pairs)
    first = _rows(panel, [a for a, _ in pairs])
    second = _rows(panel, [b for _, b in pairs])
    if len(np.unique(np.concatenate([first, second]))) != 2 * len(pairs):
        raise ValueError("pairs: a unit appears more than once")
    change, slope, level_before = _before_after(panel, np.concatenate([first, second]), change_at)
    n = len(pairs)
    change, slope = change[:n] - change[n:], slope[:n] - slope[n:]
    known = np.isfinite(change) & np.isfinite(slope)
    common = {
        "level": level,
        "method": "randomisation",
        "treated_mean": _month_means(panel.outcome[first]),
        "comparison_mean": _month_means(panel.outcome[second]),
        "n_treated": int(known.sum()),
        "n_comparison": int(known.sum()),
    }
    if _too_short(panel, change_at):
        return _undecided("too_few_periods", **common)
    if known.sum() < 2:
        return _undecided("too_few_units", **common)
    rng = np.random.default_rng(0) if rng is None else rng
    test = _sign_flips(int(known.sum()), draws, rng)
    typical = abs(float(level_before[:n][known].mean()))
    on_pairs = np.ones(int(known.sum()), dtype=bool)
    return _decide(test, change[known], slope[known], on_pairs, level, typical, common)


def _decide(test, change, slope, is_treated, level, typical, common) -> Effect:
    """Estimate, interval, pre-trend test and verdict, the same for both analyses.
    ``is_treated`` all True means the values are already treated − untreated differences."""
    alpha = 1.0 - level
    estimate, pre_trend = _difference(change, is_treated), _difference(slope, is_treated)
    if not test.can_reject(alpha):
        return _undecided("too_few_units", effect=estimate, pre_trend=pre_trend, **common)
    scale = _spread(change, is_treated, estimate)
    low, high = _interval(test.p_value, change, estimate, scale, alpha)
    p_value, pre_trend_p = test.p_value(change, 0.0), test.p_value(slope, 0.0)
    verdict, reason = _verdict(p_value, low, high, pre_trend_p, alpha, typical)
    return Effect(
        effect=estimate,
        ci_low=low,
        ci_high=high,
        p_value=p_value,
        pre_trend=pre_trend,
        pre_trend_p=pre_trend_p,
        verdict=verdict,
        reason=reason,
        **common,
    )


def _difference(values: np.ndarray, is_treated: np.ndarray) -> float:
    if is_treated.all():
        return float(values.mean())
    return float(values[is_treated].mean() - values[~is_treated].mean())


def _verdict(p_value, low, high, pre_trend_p, alpha, typical) -> tuple[str, str]:
    """What the numbers allow one to say. Differing pre-change trends come first: then the
    comparison units are no guide to what the treated would have done without the change."""
    if pre_trend_p <= alpha:
        return "cannot_tell", "pre_trends_differ"
    if low is None:
        return "cannot_tell", "too_noisy"
    if p_value <= alpha:
        return "effect", ""
    if (high - low) / 2 > TOO_NOISY_SHARE * typical:
        return "cannot_tell", "too_noisy"
    return "no_effect_detected", ""


def _undecided(reason: str, *, effect=None, pre_trend=None, **common) -> Effect:
    return Effect(
        effect=effect,
        ci_low=None,
        ci_high=None,
        p_value=None,
        pre_trend=pre_trend,
        pre_trend_p=None,
        verdict="cannot_tell",
        reason=reason,
        **common,
    )


# --- designing a pilot ------------------------------------------------------------------


def propose_design(
    panel: Panel,
    candidate_ids,
    n_pairs: int,
    *,
    level: float = 0.95,
    power: float = 0.8,
    post_months: int = 6,
    rng: np.random.Generator | None = None,
) -> Design:
    """Matched pairs for a randomised pilot (as in the Philadelphia foot patrol and
    Sacramento hot spots experiments) and its minimum detectable effect, estimated
    from the candidates' own month-to-month noise.

    Pairs are the closest look-alikes by level of the outcome over the whole history and
    by size, taken greedily (closest first, each unit once). Not by trend: one precinct's
    slope over a history is mostly noise, and pairing on it would make the pairs' history
    look calmer than their future, so the MDE would come out too small; the coin toss
    balances trends anyway. In each pair the first unit is drawn at random to be treated:
    randomising within look-alike pairs keeps the groups balanced and makes the analysis
    (:func:`estimate_paired_effect`) exact. Raises ValueError when there are not
    2·``n_pairs`` usable candidates or ``n_pairs`` < 2, or when the history is too short
    for ``post_months``.
    """
    _check_probability("level", level)
    _check_probability("power", power)
    if post_months < 1:
        raise ValueError(f"post_months: at least 1, got {post_months}")
    rng = np.random.default_rng(0) if rng is None else rng
    rows = np.unique(_rows(panel, candidate_ids))
    features = _features(panel, panel.outcome.shape[1])[rows][:, [0, 2]]  # level, size
    usable = np.isfinite(features).all(axis=1)
    rows, features = rows[usable], features[usable]
    if n_pairs < 2 or 2 * n_pairs > len(rows):
        raise ValueError(f"n_pairs: need 2 to {len(rows) // 2} pairs, got {n_pairs}")
    # Closest first: the design's pairs are the first n_pairs of all the candidates'
    # pairs, and the noise is measured on all of them, so that it rests on more history.
    first, second = _closest_pairs(_standardised(features), len(rows) // 2)
    gaps = panel.outcome[rows[first]] - panel.outcome[rows[second]]
    a, b = rows[first[:n_pairs]], rows[second[:n_pairs]]
    toss = rng.random(n_pairs) < 0.5
    a, b = np.where(toss, a, b), np.where(toss, b, a)
    pairs = [(int(panel.units[i]), int(panel.units[j])) for i, j in zip(a, b, strict=True)]
    mde = _minimum_detectable_effect(gaps, n_pairs, level, power, post_months)
    return Design(pairs=pairs, mde=mde, level=level, power=power)


def _closest_pairs(z: np.ndarray, n_pairs: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``n_pairs`` closest disjoint pairs, closest first (greedy matching): one sort
    of all distances, then each pair taken if neither unit is taken yet."""
    left, right = np.triu_indices(len(z), k=1)  # the order of pdist's distances
    order = np.argsort(spatial.distance.pdist(z), kind="stable")
    taken = np.zeros(len(z), dtype=bool)
    first, second = [], []
    for i, j in zip(left[order].tolist(), right[order].tolist(), strict=True):
        if len(first) == n_pairs:
            break
        if not (taken[i] or taken[j]):
            taken[[i, j]] = True
            first.append(i)
            second.append(j)
    return np.array(first, dtype=np.int64), np.array(second, dtype=np.int64)


def _minimum_detectable_effect(
    gaps: np.ndarray, n_pairs: int, level: float, power: float, post_months: int
) -> float:
    """Bloom's minimum detectable effect of the paired DiD: (t_{1−α/2} + t_power) standard
    errors, with n_pairs − 1 degrees of freedom. ``gaps`` is each pair's month-by-month
    difference; its noise is measured twice (:func:`_placebo_variance`,
    :func:`_independent_variance`) and the larger is used. ``math.inf`` when re-tossing
    the pairs' coins could never give a p-value ≤ 1 − level (fewer than six pairs at 95 %).
    """
    alpha = 1.0 - level
    if 2.0 ** (1 - n_pairs) > alpha:
        return math.inf
    variance = max(_placebo_variance(gaps, post_months), _independent_variance(gaps, post_months))
    se = math.sqrt(variance / n_pairs)
    dof = n_pairs - 1
    return float((stats.t.ppf(1 - alpha / 2, dof) + stats.t.ppf(power, dof)) * se)


def _independent_variance(gaps: np.ndarray, post_months: int) -> float:
    """Variance of one pair's DiD if months were independent: the gaps' variance around
    each pair's own mean (a steady gap cancels in DiD) times 1/post + 1/history. Precise,
    as it uses every month, where the placebo estimate rests on a few placebos: taking
    the larger of the two keeps a short history's chance calm from giving too small an
    MDE, and still lets correlated months raise it."""
    deviations = gaps - _row_means(gaps)[:, None]
    known = np.isfinite(deviations)
    dof = max(int(known.sum()) - len(gaps), 1)
    return float(np.sum(np.where(known, deviations, 0.0) ** 2) / dof) * (
        1 / post_months + 1 / gaps.shape[1]
    )


def _placebo_variance(gaps: np.ndarray, post_months: int) -> float:
    """Variance of one pair's DiD for ``post_months`` after a change and the whole history
    before it, from placebo changes: the DiD a change at month s would have shown in the
    history, where nothing was changed. Whatever the month-to-month correlation or
    season, this is the noise the pilot will face.

    A placebo at month s has only s months before it, fewer than the pilot will have, so
    the mean squared placebo DiD is fitted as a + b/s (exact for independent months, close
    for correlated ones: both parts of the variance fall as 1/s) and read at s = history.
    """
    months = gaps.shape[1]
    splits = np.arange(MIN_PRE_MONTHS, months - post_months + 1)
    placebo = np.array(
        [_row_means(gaps[:, s : s + post_months]) - _row_means(gaps[:, :s]) for s in splits]
    )
    squares = _row_means(placebo**2)  # NaN for a placebo no pair has data around
    known = np.isfinite(squares)
    if known.sum() < 2:
        raise ValueError(
            f"post_months: a history of {months} months is too short to measure the noise of "
            f"{post_months} months after a change (at least {MIN_PRE_MONTHS + post_months + 1})"
        )
    terms = np.column_stack([np.ones(known.sum()), 1.0 / splits[known]])
    (a, b), _ = optimize.nnls(terms, squares[known])
    return float(a + b / months)
