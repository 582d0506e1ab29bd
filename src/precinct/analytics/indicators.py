"""Indicators of police performance: normalisation, composite index, peers and trends.

Every function works on arrays whose first axis is the unit (department or region): the
evaluation app reads indicator values per department from the database, and passes them
here as ``(n_units,)`` or ``(n_units, n_indicators)`` arrays with NaN for "no data".

Conventions: after :func:`normalise` a higher score is always better, whatever the
indicator's direction; missing stays missing (NaN) all the way, and a unit with too few
indicators gets no index rather than one computed from a couple of numbers.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

__all__ = [
    "CompositeInterval",
    "PeerRanks",
    "Trend",
    "composite",
    "composite_uncertainty",
    "normalise",
    "peer_rank",
    "trend",
]

HIGHER = "higher_better"
LOWER = "lower_better"


def _sign(direction: str) -> float:
    """+1 when higher values are better, −1 when lower values are."""
    if direction in (HIGHER, "higher", "+", 1):
        return 1.0
    if direction in (LOWER, "lower", "-", -1):
        return -1.0
    raise ValueError(f"direction must be {HIGHER!r} or {LOWER!r}, got {direction!r}")


def normalise(
    values: np.ndarray,
    direction: str,
    method: str = "minmax",
    *,
    bounds: tuple[float, float] | None = None,
    target: float | None = None,
    floor: float | None = None,
    axis: int = 0,
) -> np.ndarray:
    """Scores of one indicator on a common scale where higher is better; NaN stays NaN.

    Methods:

    - ``"minmax"``: ``(x − min) / (max − min)`` in [0, 1], the best unit 1 and the worst 0.
      ``bounds=(lo, hi)`` fixes the range (e.g. 0–100 %) so scores are comparable across
      periods; values outside are clipped. All-equal values score 0.5.
    - ``"zscore"``: ``(x − mean) / sd`` (population sd); all-equal values score 0.
    - ``"target"``: distance from an unacceptable ``floor`` to a ``target``, clipped to
      [0, 1]: 1 at or beyond the target, 0 at or beyond the floor. The floor defaults to
      0 for higher-is-better indicators and is required for lower-is-better ones (e.g.
      arrival time: target 10 min, floor 30 min).

    ``axis`` is the units' axis; other axes (draws, periods) are normalised separately.

    Examples
    --------
    >>> normalise(np.array([10.0, 20.0, np.nan, 30.0]), "higher_better").tolist()
    [0.0, 0.5, nan, 1.0]
    >>> normalise(np.array([10.0, 20.0, 30.0]), "lower_better").tolist()
    [1.0, 0.5, 0.0]
    >>> normalise(np.array([12.0, 20.0, 35.0]), "lower_better", "target",
    ...           target=10, floor=30).tolist()
    [0.9, 0.5, 0.0]
    """
    x = np.asarray(values, dtype=np.float64)
    sign = _sign(direction)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "minmax":
            if bounds is not None:
                lo = np.float64(bounds[0])
                hi = np.float64(bounds[1])
                x = np.clip(x, lo, hi)
            else:
                lo = _nan_reduce(np.nanmin, x, axis)
                hi = _nan_reduce(np.nanmax, x, axis)
            span = hi - lo
            s = np.where(span > 0, (x - lo) / np.where(span > 0, span, 1), 0.5)
            s = s if sign > 0 else 1 - s
        elif method == "zscore":
            mean = _nan_reduce(np.nanmean, x, axis)
            sd = _nan_reduce(np.nanstd, x, axis)
            s = np.where(sd > 0, (x - mean) / np.where(sd > 0, sd, 1), 0.0) * sign
        elif method == "target":
            if target is None:
                raise ValueError("method 'target' needs target=")
            if floor is None:
                if sign < 0:
                    raise ValueError("a lower-is-better indicator needs floor= (worst value)")
                floor = 0.0
            if (target - floor) * sign <= 0:
                raise ValueError(f"target {target} must be better than floor {floor}")
            s = np.clip((x - floor) / (target - floor), 0.0, 1.0)
        else:
            raise ValueError(f"method must be 'minmax', 'zscore' or 'target', got {method!r}")
    return np.where(np.isnan(x), np.nan, s)


def _nan_reduce(fn, x: np.ndarray, axis: int) -> np.ndarray:
    """``fn(x, axis, keepdims=True)`` without the all-NaN warning (the result is NaN)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return fn(x, axis=axis, keepdims=True)


def composite(
    scores: np.ndarray,
    weights: np.ndarray,
    min_coverage: float = 0.5,
    *,
    keep_below: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean of the available scores of each unit, and the weight they cover.

    A missing indicator (NaN) is left out and the remaining weights are renormalised,
    so a unit is judged on what is known about it. ``coverage_share`` is the share of
    the total weight that was available; a unit below ``min_coverage`` gets index NaN
    (unless ``keep_below``) so it is neither ranked nor shown on a partial basis.

    Parameters
    ----------
    scores
        ``(n_units, n_indicators)`` normalised scores, NaN for missing. Extra leading
        axes (e.g. Monte Carlo draws) are allowed: the indicators are the last axis.
    weights
        ``(n_indicators,)`` non-negative weights.

    Returns
    -------
    index, coverage_share
        Arrays of the units' shape.

    Examples
    --------
    >>> s = np.array([[1.0, 0.0, 0.5], [0.8, np.nan, np.nan]])
    >>> index, coverage = composite(s, np.array([2.0, 1.0, 1.0]), min_coverage=0.6)
    >>> index.round(3).tolist(), coverage.tolist()
    ([0.625, nan], [1.0, 0.5])
    """
    s = np.asarray(scores, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if s.shape[-1] != len(w):
        raise ValueError(f"{s.shape[-1]} indicators in scores but {len(w)} weights")
    if np.any(~np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be finite, non-negative, with a positive sum")
    known = ~np.isnan(s)
    covered = known @ w
    total = np.where(known, s, 0.0) @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        index = total / covered
    coverage = covered / w.sum()
    if not keep_below:
        index = np.where(coverage + 1e-12 >= min_coverage, index, np.nan)
    return index, coverage


@dataclass(frozen=True)
class CompositeInterval:
    """A composite index with its Monte Carlo interval (arrays per unit)."""

    index: np.ndarray  # from the published values, as composite() gives it
    lower: np.ndarray
    upper: np.ndarray
    sd: np.ndarray  # standard deviation of the index over the draws
    coverage_share: np.ndarray
    n_draws: int
    confidence: float


def composite_uncertainty(
    values: np.ndarray,
    standard_errors: np.ndarray,
    weights: np.ndarray,
    directions: list[str],
    *,
    methods: str | list[str] = "minmax",
    options: list[dict] | None = None,
    min_coverage: float = 0.5,
    n_draws: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    chunk: int | None = None,
) -> CompositeInterval:
    """Interval of the composite index from the sampling error of its indicators.

    Each draw perturbs every survey-based value by a normal error with its standard
    error (indicators without one, SE NaN or 0, are taken as exact: registry counts,
    response times), re-normalises every indicator over the units, as the published
    index does, and recomputes the composite. The interval is the central
    ``confidence`` range of the draws. Seeded, so a scorecard shows the same interval on
    every load.

    Parameters
    ----------
    values, standard_errors
        ``(n_units, n_indicators)`` raw indicator values and their standard errors.
    weights, directions
        Per indicator.
    methods, options
        Normalisation per indicator (one method for all, or a list) and its keyword
        arguments (``bounds``, ``target``, ``floor``), as for :func:`normalise`.
    chunk
        Draws computed at once (default: about 4 million values per survey indicator
        at a time, which bounds memory).

    Examples
    --------
    >>> v = np.array([[0.60, 12.0], [0.40, 15.0], [0.50, 9.0]])  # trust share, minutes
    >>> se = np.array([[0.05, 0.0], [0.05, 0.0], [0.20, 0.0]])
    >>> ci = composite_uncertainty(v, se, np.array([1.0, 1.0]),
    ...                            ["higher_better", "lower_better"], n_draws=500)
    >>> bool(np.all(ci.lower <= ci.index) and np.all(ci.index <= ci.upper))
    True
    >>> bool((ci.upper - ci.lower)[2] > (ci.upper - ci.lower)[0])  # larger SE, wider
    True
    """
    x = np.asarray(values, dtype=np.float64)
    se = np.nan_to_num(np.asarray(standard_errors, dtype=np.float64), nan=0.0)
    w = np.asarray(weights, dtype=np.float64)
    n_units, n_ind = x.shape
    if se.shape != x.shape or len(directions) != n_ind or len(w) != n_ind:
        raise ValueError("values, standard_errors, weights and directions must match")
    methods = [methods] * n_ind if isinstance(methods, str) else list(methods)
    options = options or [{}] * n_ind

    def score(j: int, raw: np.ndarray) -> np.ndarray:
        return normalise(raw, directions[j], methods[j], axis=0, **options[j])

    scores = np.column_stack([score(j, x[:, j]) for j in range(n_ind)])
    point, coverage = composite(scores, w, min_coverage)
    # Only indicators with a standard error vary between draws, and a missing value stays
    # missing, so the covered weight and the exact indicators' part are computed once.
    known = ~np.isnan(scores)
    covered = known @ w
    noisy = np.flatnonzero((se > 0).any(axis=0))
    exact = np.setdiff1d(np.arange(n_ind), noisy)
    exact_part = np.where(known[:, exact], scores[:, exact], 0.0) @ w[exact]
    chunk = chunk or max(1, 4_000_000 // max(1, n_units * len(noisy)))
    rng = np.random.default_rng(seed)
    sample = np.empty((n_units, n_draws))
    for start in range(0, n_draws, chunk):
        k = min(chunk, n_draws - start)
        part = np.repeat(exact_part[:, None], k, axis=1)
        for j in noisy:
            raw = x[:, j, None] + se[:, j, None] * rng.standard_normal((n_units, k))
            part += np.nan_to_num(score(j, raw), nan=0.0) * w[j]
        with np.errstate(invalid="ignore", divide="ignore"):
            sample[:, start : start + k] = part / covered[:, None]
    ok = ~np.isnan(point)
    lower = np.full(n_units, np.nan)
    upper = np.full(n_units, np.nan)
    sd = np.full(n_units, np.nan)
    alpha = (1 - confidence) / 2
    if ok.any():
        lower[ok], upper[ok] = np.quantile(sample[ok], [alpha, 1 - alpha], axis=1)
        sd[ok] = sample[ok].std(axis=1)
    return CompositeInterval(
        index=point,
        lower=lower,
        upper=upper,
        sd=sd,
        coverage_share=coverage,
        n_draws=n_draws,
        confidence=confidence,
    )


@dataclass(frozen=True)
class PeerRanks:
    """Rank of each unit among its peers: 1 is best; NaN where the value is missing."""

    rank: np.ndarray  # competition ranking: ties share the best rank (1, 2, 2, 4)
    group_size: np.ndarray  # units with a value in the same peer group
    percentile: np.ndarray  # share of peers strictly worse, 0..1 (1: better than all)


def peer_rank(values: np.ndarray, peer_groups: np.ndarray, direction: str) -> PeerRanks:
    """Rank units within groups of comparable units (e.g. population bands).

    Ties share the best of their ranks (standard competition ranking), so two
    departments with the same value are both "2nd of 5". Units without a value are
    not ranked and do not count in their group.

    Examples
    --------
    >>> r = peer_rank(np.array([0.9, 0.7, 0.7, 0.2, 0.5, np.nan]),
    ...               np.array([0, 0, 0, 0, 1, 1]), "higher_better")
    >>> r.rank.tolist(), r.group_size.tolist()
    ([1.0, 2.0, 2.0, 4.0, 1.0, nan], [4, 4, 4, 4, 1, 1])
    """
    v = np.asarray(values, dtype=np.float64)
    g = np.asarray(peer_groups)
    if v.shape != g.shape or v.ndim != 1:
        raise ValueError("values and peer_groups must be 1-d of equal length")
    _, g = np.unique(g, return_inverse=True)  # any labels → 0..k−1
    key = -_sign(direction) * v  # smaller key = better
    ok = ~np.isnan(v)
    idx = np.flatnonzero(ok)
    order = idx[np.lexsort((key[idx], g[idx]))]
    gs, ks = g[order], key[order]
    pos = np.arange(len(order))
    new_group = np.r_[True, gs[1:] != gs[:-1]]
    group_start = np.maximum.accumulate(np.where(new_group, pos, 0))
    new_value = new_group | np.r_[True, ks[1:] != ks[:-1]]
    tie_start = np.maximum.accumulate(np.where(new_value, pos, 0))
    rank = np.full(len(v), np.nan)
    rank[order] = tie_start - group_start + 1
    sizes = np.bincount(g[ok], minlength=g.max() + 1 if len(g) else 0)
    size = sizes[g] if len(g) else np.zeros(0, dtype=np.int64)
    # Peers strictly worse: those ranked after the last unit of my tie.
    tie_id = np.cumsum(new_value) - 1
    tie_len = np.bincount(tie_id)
    worse = np.full(len(v), np.nan)
    worse[order] = (group_start + sizes[gs]) - (tie_start + tie_len[tie_id])
    with np.errstate(invalid="ignore", divide="ignore"):
        percentile = np.where(size > 1, worse / np.maximum(size - 1, 1), np.where(ok, 1.0, np.nan))
    return PeerRanks(rank=rank, group_size=size, percentile=percentile)


@dataclass(frozen=True)
class Trend:
    """Linear trend of each unit's series."""

    slope: np.ndarray  # change per period (least squares over the periods with data)
    relative_change: np.ndarray  # slope × span / mean level: change over the whole span
    direction: np.ndarray  # "up", "down", "flat" or "insufficient" (too few periods)
    improving: np.ndarray  # +1 better, −1 worse, 0 flat or unknown (needs a direction)
    n_periods: np.ndarray


def trend(
    series_by_period: np.ndarray,
    periods: np.ndarray | None = None,
    *,
    direction: str | None = None,
    flat_share: float = 0.05,
    min_periods: int = 3,
) -> Trend:
    """Least-squares slope of each unit's series over the periods, and its direction.

    A trend is "flat" when the fitted change over the whole span is smaller than
    ``flat_share`` of the series' mean level (5 % by default): year-to-year noise in
    small departments should not read as a rise or fall. Fewer than ``min_periods``
    values give "insufficient". With the indicator's ``direction``, ``improving`` says
    whether the movement is for the better.

    Parameters
    ----------
    series_by_period
        ``(n_units, n_periods)``, NaN where a period has no value.
    periods
        Period positions (default 0, 1, 2, …), e.g. years or month numbers.

    Examples
    --------
    >>> t = trend(np.array([[10, 12, 14, 16.0], [5, 5, 5.1, 5], [1, np.nan, np.nan, 2]]),
    ...           direction="lower_better")
    >>> t.slope.round(2).tolist(), t.direction.tolist(), t.improving.tolist()
    ([2.0, 0.01, nan], ['up', 'flat', 'insufficient'], [-1, 0, 0])
    """
    y = np.atleast_2d(np.asarray(series_by_period, dtype=np.float64))
    n_units, n_periods = y.shape
    x = np.arange(n_periods, dtype=np.float64) if periods is None else np.asarray(periods, float)
    if x.shape != (n_periods,):
        raise ValueError(f"{n_periods} periods in the series but {x.shape} positions")
    ok = ~np.isnan(y)
    n = ok.sum(axis=1)
    xs = np.where(ok, x, 0.0)
    ys = np.where(ok, y, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = xs.sum(axis=1) / n
        my = ys.sum(axis=1) / n
        dx = np.where(ok, x - mx[:, None], 0.0)
        slope = (dx * (ys - my[:, None])).sum(axis=1) / (dx * dx).sum(axis=1)
        span = np.where(ok, x, -np.inf).max(axis=1) - np.where(ok, x, np.inf).min(axis=1)
        relative = slope * span / np.abs(my)
    enough = n >= min_periods
    slope = np.where(enough, slope, np.nan)
    relative = np.where(enough, relative, np.nan)
    moving = np.abs(np.nan_to_num(relative, nan=0.0)) >= flat_share
    # A zero mean makes the relative change infinite or NaN: judge by the slope alone.
    moving |= enough & (my == 0) & (slope != 0)
    direction_label = np.where(
        ~enough, "insufficient", np.where(~moving, "flat", np.where(slope > 0, "up", "down"))
    )
    improving = np.zeros(n_units, dtype=np.int64)
    if direction is not None:
        improving = np.where(moving & enough, np.sign(slope) * _sign(direction), 0).astype(np.int64)
    return Trend(
        slope=slope,
        relative_change=relative,
        direction=direction_label,
        improving=improving,
        n_periods=n,
    )
