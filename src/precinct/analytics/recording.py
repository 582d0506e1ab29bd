"""Recording integrity: are the offences residents report recorded as elsewhere in the city?

An indicator of the recording of offences in a precinct, never a statement about a person.
Its inputs are two counts per precinct and month: offences *reported* (102 calls and
appeals of the categories that report an offence) and offences *recorded* (street-level
offence records). Arrays are ``(n_precincts, n_months)``, months oldest first.

Expected range. Each month the city records ``r_m = Σ recorded / Σ reported`` offences per
report; a precinct with ``reported`` reports is *expected* to record ``E = r_m · reported``.
Its ratio ``O / E`` (observed over expected, indirect standardisation) is 1 when it records
as the city does. The expected range is the funnel around 1 for that E
(``funnel.ratio_limits``: exact Poisson limits, Spiegelhalter 2005), widened when the
precincts differ more than chance alone lets them (over-dispersion: the multiplicative
factor φ of Spiegelhalter's section 6, estimated from the precincts' own scores with the
top and bottom 10 % winsorised; only with at least ``MIN_UNITS_FOR_DISPERSION``
precincts, since with a handful the precinct to be found would set φ itself): the
deviation from 1 of each limit is multiplied by √φ.

Flags (both at the 99.8 % level, about 3 standard errors, so that by chance alone about one
precinct in a thousand is flagged on each):

- ``out_of_line``: over the recent months (``RECENT_MONTHS``) the precinct recorded fewer
  offences than expected, below the lower 99.8 % limit.
- ``falling_faster_than_calls``: over the whole window the recorded offences' trend falls
  faster than the reported ones'. Given a month's reports and records, the records' share
  ``recorded / (recorded + reported)`` is binomial, and its log-odds are
  ``log μ_recorded − log μ_reported``; a logistic regression on the month gives their
  log-linear trends' difference ``d`` (per month) and its standard error (inflated by the
  Pearson dispersion when the months scatter more than binomially). Flagged when
  ``d / se`` is below the normal 99.8 % limit (−3.09).

A flag asks for a look at how offences are recorded in the precinct; it proves nothing.
A precinct and month without reports has no expected value (NaN), and a precinct with
fewer than ``MIN_MONTHS`` months with reports gets no trend. Trends use only the months
the city has both reports and records of (one source may begin later than the other).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from precinct.analytics import funnel

__all__ = [
    "FALLING_FASTER",
    "LEVEL",
    "MIN_MONTHS",
    "MIN_UNITS_FOR_DISPERSION",
    "OUT_OF_LINE",
    "RECENT_MONTHS",
    "Recording",
    "recording_integrity",
]

LEVEL = 0.998
RECENT_MONTHS = 3
MIN_MONTHS = 6
OUT_OF_LINE = "out_of_line"
FALLING_FASTER = "falling_faster_than_calls"
WINSOR = 0.10
MIN_UNITS_FOR_DISPERSION = 10
_Z = float(stats.norm.ppf(0.5 + LEVEL / 2.0))  # 3.09


@dataclass(frozen=True)
class Recording:
    """The indicator per precinct and month, the recent months' test and the trends.

    Arrays ``(P, M)`` per precinct and month, ``(P,)`` per precinct; NaN for "no data".
    Trends are log changes per month (``exp(12 · d) − 1`` is the change over a year)."""

    city_ratio: np.ndarray  # (M,) records per report in the city
    expected: np.ndarray  # (P, M)
    ratio: np.ndarray  # (P, M) recorded / expected
    low: np.ndarray  # (P, M) lower 99.8 % limit of the ratio
    high: np.ndarray  # (P, M)
    recent_ratio: np.ndarray  # (P,) over the last RECENT_MONTHS months
    recent_low: np.ndarray  # (P,)
    recent_high: np.ndarray  # (P,)
    dispersion: float  # φ ≥ 1
    trend_reported: np.ndarray  # (P,)
    trend_recorded: np.ndarray  # (P,)
    trend_gap: np.ndarray  # (P,) d = recorded's trend − reported's
    trend_gap_se: np.ndarray  # (P,)
    out_of_line: np.ndarray  # (P,) bool
    falling_faster: np.ndarray  # (P,) bool

    def flags(self, k: int) -> list[str]:
        """The flags of precinct ``k``, in a fixed order."""
        found = [(OUT_OF_LINE, self.out_of_line[k]), (FALLING_FASTER, self.falling_faster[k])]
        return [name for name, on in found if on]


def recording_integrity(reported, recorded, *, recent_months: int = RECENT_MONTHS) -> Recording:
    """The recording integrity of every precinct (module docstring)."""
    rep = np.asarray(reported, dtype=np.float64)
    rec = np.asarray(recorded, dtype=np.float64)
    if rep.shape != rec.shape or rep.ndim != 2:
        raise ValueError(f"reported and recorded must be (precincts, months) arrays alike, "
                         f"got {rep.shape} and {rec.shape}")  # fmt: skip
    if not 1 <= recent_months <= rep.shape[1]:
        raise ValueError(f"recent_months must be 1 to {rep.shape[1]}, got {recent_months}")
    with np.errstate(invalid="ignore", divide="ignore"):
        city = rec.sum(axis=0) / rep.sum(axis=0)
        # A month the city recorded nothing in has no records imported: no expectation.
        expected = np.where((rep > 0) & (city > 0), rep * city, np.nan)
        ratio = rec / expected
        recent_o = rec[:, -recent_months:].sum(axis=1)
        recent_e = np.nansum(expected[:, -recent_months:], axis=1)
        recent_e[recent_e <= 0] = np.nan
        recent_ratio = recent_o / recent_e
    phi = _dispersion(recent_o, recent_e)
    low, high = _limits(expected, phi)
    recent_low, recent_high = _limits(recent_e, phi)
    t = np.arange(rep.shape[1], dtype=np.float64)
    # Months the city has both reports and records of: a month before one source begins
    # (calls imported later than records, say) would read as a change of recording.
    covered = np.broadcast_to((rep.sum(axis=0) > 0) & (rec.sum(axis=0) > 0), rep.shape)
    trend_rep, _ = _trend(t, rep, used=covered)
    trend_rec, _ = _trend(t, rec, used=covered)
    gap, gap_se = _trend(t, rec, rec + rep, used=covered)
    with np.errstate(invalid="ignore"):
        out_of_line = recent_ratio < recent_low
        falling = gap / gap_se < -_Z
    return Recording(
        city_ratio=city, expected=expected, ratio=ratio, low=low, high=high,
        recent_ratio=recent_ratio, recent_low=recent_low, recent_high=recent_high,
        dispersion=phi, trend_reported=trend_rep, trend_recorded=trend_rec,
        trend_gap=gap, trend_gap_se=gap_se, out_of_line=out_of_line, falling_faster=falling,
    )  # fmt: skip


def _dispersion(observed: np.ndarray, expected: np.ndarray) -> float:
    """Spiegelhalter's φ: the mean squared z-score of the units, top and bottom 10 %
    winsorised (so that the units to be found do not hide themselves); at least 1."""
    ok = np.isfinite(expected) & (expected > 0)
    if ok.sum() < MIN_UNITS_FOR_DISPERSION:
        return 1.0
    z = (observed[ok] - expected[ok]) / np.sqrt(expected[ok])
    lo, hi = np.quantile(z, [WINSOR, 1.0 - WINSOR])
    z = np.clip(z, lo, hi)
    # (I − 1): the city's ratio is estimated from the same units.
    return max(1.0, float((z**2).sum() / (len(z) - 1)))


def _limits(expected: np.ndarray, phi: float) -> tuple[np.ndarray, np.ndarray]:
    """The 99.8 % funnel limits of O/E around 1, each limit's distance from 1 times √φ."""
    exact = funnel.ratio_limits(expected, LEVEL)
    widen = np.sqrt(phi)
    return np.maximum(1.0 - (1.0 - exact.low) * widen, 0.0), 1.0 + (exact.high - 1.0) * widen


def _trend(t, y, n=None, *, used, iterations: int = 30):
    """Per row, the slope of ``log μ = a + b t`` (Poisson, ``n`` None) or of the log-odds
    ``logit π = a + b t`` of ``y`` out of ``n`` (binomial), by Fisher scoring, and its
    standard error inflated by the Pearson dispersion when above 1, over the ``used``
    months. NaN for a row with fewer than MIN_MONTHS such months or none of the events."""
    rows = y.shape[0]
    used = used & (n > 0) if n is not None else used
    months = used.sum(axis=1)
    total = np.where(used, y, 0).sum(axis=1)
    fit = (months >= MIN_MONTHS) & (total > 0)
    if n is not None:
        fit &= total < np.where(used, n, 0).sum(axis=1)  # a share of 1 has no log-odds
    a, b = np.zeros(rows), np.zeros(rows)
    start = np.where(used, y, 0).sum(axis=1) / np.maximum(months, 1)
    if n is None:
        a = np.log(np.maximum(start, 1e-9))
    else:
        share = total / np.maximum(np.where(used, n, 0).sum(axis=1), 1)
        a = np.log(np.clip(share, 1e-9, 1 - 1e-9) / np.clip(1 - share, 1e-9, 1))
    w = u = None
    for _ in range(iterations):
        eta = np.clip(a[:, None] + b[:, None] * t[None, :], -30, 30)
        if n is None:
            mu = np.exp(eta)
            w = mu
        else:
            p = 1.0 / (1.0 + np.exp(-eta))
            mu = n * p
            w = n * p * (1 - p)
        w = np.where(used, w, 0.0)
        u = np.where(used, y - mu, 0.0)
        # The 2×2 information matrix and score per row, solved in closed form.
        i00, i01, i11 = w.sum(1), (w * t).sum(1), (w * t * t).sum(1)
        s0, s1 = u.sum(1), (u * t).sum(1)
        det = i00 * i11 - i01**2
        safe = det > 1e-12
        det = np.where(safe, det, 1.0)
        a = a + np.where(safe, (i11 * s0 - i01 * s1) / det, 0.0)
        b = b + np.where(safe, (i00 * s1 - i01 * s0) / det, 0.0)
    i00, i01, i11 = w.sum(1), (w * t).sum(1), (w * t * t).sum(1)
    det = i00 * i11 - i01**2
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(i00 / det)
        pearson = np.where(used & (w > 0), u**2 / np.where(w > 0, w, 1.0), 0.0).sum(1)
        phi = np.maximum(pearson / np.maximum(months - 2, 1), 1.0)
    se = se * np.sqrt(phi)
    fit &= np.isfinite(se) & (det > 1e-12)
    return np.where(fit, b, np.nan), np.where(fit, se, np.nan)
