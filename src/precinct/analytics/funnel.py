"""Funnel limits: is a unit's figure compatible with the overall one, given its size?

A league table ranks units by their figures as if every difference were real; a small
precinct with 12 calls is then top or bottom by chance alone. A funnel plot instead draws,
for every unit size, the range an "average" unit of that size would fall in with 95 % and
99.8 % probability (about 2 and 3 standard errors), around the overall value. A unit
inside the limits is not distinguishable from the whole; outside the 99.8 % limit it very
probably differs (Spiegelhalter, "Funnel plots for comparing institutional performance",
Statistics in Medicine 24 (2005) 1185–1202; the English public-health observatories'
technical guidance on funnel plots).

Limits are exact: for a proportion, quantiles of the binomial distribution Bin(n, p0); for
a ratio O/E or a rate, quantiles of the Poisson distribution. Because those quantiles are
integers, the limits would be step functions of the size; Spiegelhalter's interpolation
(his appendix A.1.1) smooths them: with ``r`` the smallest count whose cumulative
probability ``F(r)`` reaches the tail probability ``p``,

    α = (F(r) − p) / (F(r) − F(r − 1)),   limit = (r − α) / size.

Every function takes the size as a number or an array and returns :class:`Limits` whose
arrays have the size's shape; a size of zero, a negative or a missing (NaN) size gives NaN
limits ("no data"), never an error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "LEVELS",
    "Limits",
    "mean_limits",
    "position",
    "proportion_limits",
    "rate_limits",
    "ratio_limits",
]

LEVELS = (0.95, 0.998)

WITHIN = "within"
ABOVE_95 = "above_95"
ABOVE_998 = "above_998"
BELOW_95 = "below_95"
BELOW_998 = "below_998"
NO_DATA = ""


@dataclass(frozen=True)
class Limits:
    """Lower and upper funnel limits at one level, one pair per unit size."""

    level: float
    low: np.ndarray
    high: np.ndarray


def _check_level(level: float) -> float:
    level = float(level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), got {level!r}")
    return level


def _sizes(size) -> tuple[np.ndarray, np.ndarray]:
    """The size as a float array and the mask of sizes that can carry limits."""
    s = np.asarray(size, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(s) & (s > 0)
    return s, ok


def _interpolated_quantile(dist, p: float) -> np.ndarray:
    """Spiegelhalter's smoothed ``p``-quantile ``r − α`` of a discrete distribution."""
    r = dist.ppf(p)
    f_r = dist.cdf(r)
    f_before = dist.cdf(r - 1)
    # F(r) > F(r − 1) always: ppf returns a value that carries probability.
    alpha = (f_r - p) / (f_r - f_before)
    return r - alpha


def proportion_limits(n, p0: float, level: float) -> Limits:
    """Limits for a proportion (e.g. share within target) of a unit with n cases around
    the overall p0: exact binomial quantiles with interpolation (Spiegelhalter 2005).

    ``n`` may be an effective (weighted) size; it is rounded to the nearest whole case,
    since the binomial distribution counts cases. Limits are clipped to [0, 1].

    Examples
    --------
    >>> lim = proportion_limits([50, 500], 0.8, 0.95)
    >>> [round(x, 4) for x in lim.low.tolist()], [round(x, 4) for x in lim.high.tolist()]
    ([0.6729, 0.7634], [0.8956, 0.8335])
    """
    level = _check_level(level)
    p0 = float(p0)
    if not 0.0 <= p0 <= 1.0:
        raise ValueError(f"p0 must be a proportion between 0 and 1, got {p0!r}")
    s, ok = _sizes(n)
    whole = np.where(ok, np.rint(s), 1.0)
    ok = ok & (whole >= 1)
    tail = (1.0 - level) / 2.0
    if p0 in (0.0, 1.0):
        # A degenerate distribution: every unit of the whole has the same share.
        low = high = np.full(s.shape, p0)
    else:
        dist = stats.binom(whole, p0)
        low = np.clip(_interpolated_quantile(dist, tail) / whole, 0.0, 1.0)
        high = np.clip(_interpolated_quantile(dist, 1.0 - tail) / whole, 0.0, 1.0)
    return Limits(
        level=level,
        low=np.where(ok, low, np.nan),
        high=np.where(ok, high, np.nan),
    )


def ratio_limits(expected, level: float) -> Limits:
    """Limits for an observed/expected ratio O/E (indirectly standardised, e.g. recorded
    offences against what the city's ratio predicts): exact Poisson limits around 1.

    The observed count of a unit like the whole is Poisson with mean E; the limits are its
    interpolated quantiles divided by E. The lower limit is clipped at 0.

    Examples
    --------
    >>> lim = ratio_limits(10.0, 0.95)
    >>> round(float(lim.low), 4), round(float(lim.high), 4)
    (0.3775, 1.616)
    """
    level = _check_level(level)
    e, ok = _sizes(expected)
    mean = np.where(ok, e, 1.0)
    tail = (1.0 - level) / 2.0
    dist = stats.poisson(mean)
    low = np.maximum(_interpolated_quantile(dist, tail) / mean, 0.0)
    high = _interpolated_quantile(dist, 1.0 - tail) / mean
    return Limits(
        level=level,
        low=np.where(ok, low, np.nan),
        high=np.where(ok, high, np.nan),
    )


def rate_limits(exposure, rate0: float, level: float) -> Limits:
    """Limits for a rate (count / exposure, e.g. calls per 1,000 residents) around rate0.

    ``rate0`` is in the rate's own unit (count per unit of exposure: with exposure in
    thousands of residents, rate0 is per 1,000). The count of a unit like the whole is
    Poisson with mean rate0 × exposure, so these are :func:`ratio_limits` for that
    expected count, scaled by rate0.

    Examples
    --------
    >>> lim = rate_limits(2.0, 5.0, 0.95)  # 2,000 residents, 5 per 1,000 overall
    >>> round(float(lim.low), 4), round(float(lim.high), 4)
    (1.8876, 8.08)
    """
    rate0 = float(rate0)
    if not rate0 > 0:
        raise ValueError(f"rate0 must be positive, got {rate0!r}")
    e, ok = _sizes(exposure)
    ratio = ratio_limits(np.where(ok, e * rate0, np.nan), level)
    return Limits(level=ratio.level, low=ratio.low * rate0, high=ratio.high * rate0)


def mean_limits(n, mean0: float, sd: float, level: float) -> Limits:
    """Limits for a mean of n values (normal approximation) around mean0.

    ``sd`` is the standard deviation of one value across the whole (e.g. of all arrival
    times in the city); the limits are mean0 ± z·sd/√n with z the normal quantile
    (1.96 for 95 %, 3.09 for 99.8 %).

    Examples
    --------
    >>> lim = mean_limits(25, 10.0, 5.0, 0.95)
    >>> round(float(lim.low), 4), round(float(lim.high), 4)
    (8.04, 11.96)
    """
    level = _check_level(level)
    sd = float(sd)
    if not sd >= 0:
        raise ValueError(f"sd must be zero or positive, got {sd!r}")
    s, ok = _sizes(n)
    z = stats.norm.ppf(0.5 + level / 2.0)
    half = z * sd / np.sqrt(np.where(ok, s, 1.0))
    return Limits(
        level=level,
        low=np.where(ok, float(mean0) - half, np.nan),
        high=np.where(ok, float(mean0) + half, np.nan),
    )


def position(value, limits_95: Limits, limits_998: Limits) -> np.ndarray:
    """Per unit: "within", "above_95", "above_998", "below_95", "below_998"
    ("above"/"below" in the value's own direction; the caller says which is better).

    "above_95" means above the 95 % limit but not the 99.8 % one. A value on a limit is
    within. A unit without a value or without limits gets "" (no data).

    Examples
    --------
    >>> l95 = proportion_limits(50, 0.8, 0.95)
    >>> l998 = proportion_limits(50, 0.8, 0.998)
    >>> position([0.8, 0.94, 0.98, 0.66, 0.5, np.nan], l95, l998).tolist()
    ['within', 'above_95', 'above_998', 'below_95', 'below_998', '']
    """
    v = np.asarray(value, dtype=np.float64)
    shape = np.broadcast_shapes(v.shape, np.shape(limits_95.low), np.shape(limits_998.low))
    v = np.broadcast_to(v, shape)
    lo95, hi95 = np.broadcast_to(limits_95.low, shape), np.broadcast_to(limits_95.high, shape)
    lo998 = np.broadcast_to(limits_998.low, shape)
    hi998 = np.broadcast_to(limits_998.high, shape)
    out = np.full(shape, WITHIN, dtype=object)
    with np.errstate(invalid="ignore"):
        out[v > hi95] = ABOVE_95
        out[v > hi998] = ABOVE_998
        out[v < lo95] = BELOW_95
        out[v < lo998] = BELOW_998
    missing = ~np.isfinite(v) | ~np.isfinite(lo95) | ~np.isfinite(lo998)
    out[missing] = NO_DATA
    return out
