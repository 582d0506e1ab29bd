"""Survey weights: raking to population margins, trimming, design effect and estimates.

Respondents are described by one integer-coded array per margin variable (say age group
× sex as one variable of 12 codes, district as another). Raking (iterative proportional
fitting) finds weights whose totals per category equal the population totals of every
margin at once.

Raking multiplies each weight by one factor per category of each margin, so a
respondent's final weight is ``base weight × factor of his cell``, where a cell is one
combination of codes. The work is therefore done on the cell table (at most a few
thousand cells), and only the collapse into cells and the final expansion touch all
respondents: both are single vectorised passes (``np.bincount``, one gather).

Trimming bounds every weight to ``[lower, upper] × mean weight``. It alternates clipping
and re-raking; the last step is a clip, so the bounds always hold exactly and the
margins are met approximately: ``RakeResult.margin_errors`` says how closely.

Estimates are Hájek (ratio) means with a linearisation variance; proportions get a Wilson
interval computed with Kish's effective sample size (see :func:`weighted_estimate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from scipy import stats

__all__ = [
    "EmptyCategoryError",
    "Estimate",
    "MarginError",
    "RakeResult",
    "UnmetCategory",
    "design_effect",
    "effective_sample_size",
    "rake",
    "suppress",
    "weighted_estimate",
]

# Above this many possible code combinations the cells are found with np.unique (a sort)
# instead of a dense np.bincount over every combination.
_DENSE_CELL_LIMIT = 1 << 22


class MarginError(ValueError):
    """Margins that cannot be raked to: their totals disagree, or a code is out of range."""


class EmptyCategoryError(MarginError):
    """A category has a population total but no respondent (or only zero base weights)."""


@dataclass(frozen=True)
class UnmetCategory:
    """One category whose weighted total misses its population total."""

    margin: str
    category: int
    target: float
    achieved: float
    relative_error: float


@dataclass(frozen=True)
class RakeResult:
    """Raked weights and how well they meet the margins.

    ``margin_errors[k][c]`` is ``|achieved − target| / target`` for category ``c`` of
    margin ``k`` (for a zero target: the achieved total over the margin's total), and
    ``max_margin_error`` the largest of them. ``converged`` is true only when every
    category is met within the requested ``tol``.
    """

    weights: np.ndarray
    iterations: int
    converged: bool
    max_margin_error: float
    margin_errors: list[np.ndarray]
    names: list[str] = field(default_factory=list)
    targets: list[np.ndarray] = field(default_factory=list)
    achieved: list[np.ndarray] = field(default_factory=list)
    trim_rounds: int = 0

    def unmet(self, tol: float | None = None) -> list[UnmetCategory]:
        """Categories missed by more than ``tol`` (default: the largest error > 1e-8)."""
        tol = 1e-8 if tol is None else tol
        out = []
        for k, errors in enumerate(self.margin_errors):
            for c in np.flatnonzero(errors > tol):
                out.append(
                    UnmetCategory(
                        margin=self.names[k],
                        category=int(c),
                        target=float(self.targets[k][c]),
                        achieved=float(self.achieved[k][c]),
                        relative_error=float(errors[c]),
                    )
                )
        return out

    def report(self, tol: float | None = None, limit: int = 20) -> str:
        """A readable line per unmet category, for logs and error pages."""
        missed = sorted(self.unmet(tol), key=lambda u: -u.relative_error)
        if not missed:
            return f"all margins met (max relative error {self.max_margin_error:.2e})"
        head = "raking converged" if self.converged else "raking did not converge"
        lines = [f"{head} after {self.iterations} iterations; unmet margins:"]
        lines += [
            f"  {u.margin}[{u.category}]: target {u.target:,.6g}, weighted {u.achieved:,.6g} "
            f"(relative error {u.relative_error:.2e})"
            for u in missed[:limit]
        ]
        if len(missed) > limit:
            lines.append(f"  … and {len(missed) - limit} more")
        return "\n".join(lines)


def rake(
    sample_codes: list[np.ndarray],
    targets: list[np.ndarray],
    *,
    base_weights: np.ndarray | None = None,
    max_iter: int = 100,
    tol: float = 1e-8,
    trim: tuple[float | None, float | None] | None = None,
    names: list[str] | None = None,
    total_tol: float = 1e-6,
    max_trim_rounds: int = 50,
) -> RakeResult:
    """Rake respondent weights to population totals of several margins.

    Parameters
    ----------
    sample_codes
        One integer array per margin variable, each of length n: the respondent's
        category code, ``0 <= code < len(targets[k])``.
    targets
        Population totals per category of each margin. All margins must have the same
        total within ``total_tol`` (relative), else :class:`MarginError`; small
        differences are removed by scaling each margin to the first one's total.
    base_weights
        Design weights to start from (default: all ones).
    max_iter
        Most full passes over all margins.
    tol
        Convergence: the largest relative error of any category total.
    trim
        ``(lower, upper)`` bounds on ``weight / mean weight`` (either may be None), or
        None for no trimming. The mean weight is population total / respondents.
        Clipping and re-raking of the unclipped respondents alternate up to
        ``max_trim_rounds`` times; a final clip makes the bounds hold exactly, so the
        margins are then met approximately (see ``margin_errors``).
    names
        Names of the margin variables, used in errors and reports.
    total_tol
        Relative tolerance when comparing the totals of the margins.
    max_trim_rounds
        Most clip-and-re-rake rounds when trimming.

    Returns
    -------
    RakeResult
        ``converged`` is False (with ``margin_errors`` and ``report()`` saying which
        categories were missed) when the margins are not met within ``tol``.

    Raises
    ------
    MarginError
        Totals that disagree between margins, codes out of range, bad shapes or values.
    EmptyCategoryError
        A category with a positive total and no respondent.

    Examples
    --------
    >>> sex = np.array([0, 0, 1, 1, 1])
    >>> town = np.array([0, 1, 0, 1, 1])
    >>> r = rake([sex, town], [np.array([50.0, 50.0]), np.array([40.0, 60.0])])
    >>> bool(r.converged), np.bincount(sex, r.weights).round(6).tolist()
    (True, [50.0, 50.0])
    >>> np.bincount(town, r.weights).round(6).tolist()
    [40.0, 60.0]
    """
    codes, targets, names = _check_margins(sample_codes, targets, names, total_tol)
    n = len(codes[0])
    base = _check_base_weights(base_weights, n)
    cell, cell_codes = _cells(codes, [len(t) for t in targets])
    n_cells = len(cell_codes[0])
    seed = np.bincount(cell, weights=base, minlength=n_cells).astype(np.float64, copy=False)
    _check_no_empty_category(cell, cell_codes, seed, targets, names)

    fitted, iterations = _ipf(seed, cell_codes, targets, max_iter, tol)
    # One gather and one in-place product: each new array of n floats costs page faults.
    weights = np.take(_ratio(fitted, seed), cell)
    if base_weights is not None:
        weights *= base

    rounds = 0
    if trim is not None:
        weights, rounds, extra = _trim(
            weights, cell, cell_codes, targets, trim, max_iter, tol, max_trim_rounds
        )
        iterations += extra
        # Clipping changed the cell totals; without trimming they are ``fitted`` exactly.
        fitted = np.bincount(cell, weights=weights, minlength=n_cells)

    achieved = [
        np.bincount(cc, weights=fitted, minlength=len(t))
        for cc, t in zip(cell_codes, targets, strict=True)
    ]
    errors = [_relative_errors(a, t) for a, t in zip(achieved, targets, strict=True)]
    worst = max(float(e.max(initial=0.0)) for e in errors)
    return RakeResult(
        weights=weights,
        iterations=iterations,
        converged=worst <= tol,
        max_margin_error=worst,
        margin_errors=errors,
        names=names,
        targets=targets,
        achieved=achieved,
        trim_rounds=rounds,
    )


def _check_margins(sample_codes, targets, names, total_tol):
    """Validated int64 codes, float targets and names; MarginError naming what is wrong."""
    if len(sample_codes) == 0 or len(sample_codes) != len(targets):
        raise MarginError(
            f"need one code array per margin: {len(sample_codes)} code arrays, "
            f"{len(targets)} target arrays"
        )
    names = list(names) if names is not None else [f"margin {k}" for k in range(len(targets))]
    if len(names) != len(targets):
        raise MarginError(f"{len(names)} names for {len(targets)} margins")
    codes = [np.asarray(c) for c in sample_codes]
    targets = [np.asarray(t, dtype=np.float64).ravel() for t in targets]
    n = len(codes[0])
    if n == 0:
        raise MarginError("no respondents")
    for name, c, t in zip(names, codes, targets, strict=True):
        if c.ndim != 1 or len(c) != n:
            raise MarginError(f"{name}: codes have shape {c.shape}, expected ({n},)")
        if not np.issubdtype(c.dtype, np.integer):
            raise MarginError(f"{name}: codes must be integers, got {c.dtype}")
        if len(t) == 0 or not np.all(np.isfinite(t)) or np.any(t < 0):
            raise MarginError(f"{name}: targets must be finite, non-negative and not empty")
        lo, hi = int(c.min()), int(c.max())
        if lo < 0 or hi >= len(t):
            raise MarginError(
                f"{name}: codes run from {lo} to {hi}, but there are {len(t)} target "
                f"categories (codes 0..{len(t) - 1})"
            )
    totals = [float(t.sum()) for t in targets]
    if min(totals) <= 0:
        raise MarginError(f"{names[totals.index(min(totals))]}: targets sum to zero")
    if (max(totals) - min(totals)) > total_tol * max(totals):
        listed = ", ".join(
            f"{nm} sums to {tot:,.6g}" for nm, tot in zip(names, totals, strict=True)
        )
        raise MarginError(
            f"margin totals disagree: {listed} (relative difference "
            f"{(max(totals) - min(totals)) / max(totals):.2e} > {total_tol:g})"
        )
    # Totals within tolerance are taken as the same population counted twice (rounding
    # in published tables): scale every margin to the first one's total so IPF can meet
    # all of them exactly.
    targets = [t * (totals[0] / tot) for t, tot in zip(targets, totals, strict=True)]
    return codes, targets, names


def _check_base_weights(base_weights, n):
    """Base weights as float64 (None stays None: all ones); finite, non-negative."""
    if base_weights is None:
        return None
    base = np.asarray(base_weights, dtype=np.float64)
    if base.shape != (n,):
        raise MarginError(f"base_weights have shape {base.shape}, expected ({n},)")
    total = base.sum()  # NaN or inf anywhere makes the sum NaN or inf
    if not np.isfinite(total) or total <= 0 or base.min() < 0:
        raise MarginError("base_weights must be finite, non-negative, with a positive sum")
    return base


def _cells(codes: list[np.ndarray], sizes: list[int]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Cell index of every respondent and each margin's code of every cell.

    A cell is one combination of codes. With few possible combinations the cells are all
    of them (a dense table, empty cells included); with many, only those that occur.
    """
    if np.prod(sizes, dtype=np.float64) >= 2.0**62:
        raise MarginError(f"too many combinations of categories ({sizes}) to index")
    combined = codes[0].astype(np.int64)  # a copy, also when the codes are int64
    for c, size in zip(codes[1:], sizes[1:], strict=True):
        combined *= size
        combined += c
    n_combinations = int(np.prod(sizes, dtype=np.float64))
    if n_combinations <= max(_DENSE_CELL_LIMIT, len(combined)):
        cell = combined
        occurring = np.arange(n_combinations)
    else:
        occurring, cell = np.unique(combined, return_inverse=True)
    return cell, list(np.unravel_index(occurring, sizes))


def _check_no_empty_category(cell, cell_codes, seed, targets, names):
    """EmptyCategoryError for a category with a positive target and no respondent."""
    for name, cc, t in zip(names, cell_codes, targets, strict=True):
        weight = np.bincount(cc, weights=seed, minlength=len(t))
        for c in np.flatnonzero((t > 0) & (weight <= 0)):
            # Only now pay for a count of respondents, to say which case it is.
            present = np.bincount(cell, minlength=len(seed))
            count = np.bincount(cc, weights=present, minlength=len(t))
            why = "no respondents" if count[c] == 0 else "only respondents of base weight 0"
            raise EmptyCategoryError(
                f"{name}: category {c} has a population total of {t[c]:,.6g} but {why}; "
                "merge it with a neighbouring category or drop it from the targets"
            )


def _ipf(seed, cell_codes, targets, max_iter, tol) -> tuple[np.ndarray, int]:
    """Iterative proportional fitting of cell totals; (fitted cells, full passes made)."""
    fitted = seed.copy()
    for iteration in range(1, max_iter + 1):
        for cc, t in zip(cell_codes, targets, strict=True):
            current = np.bincount(cc, weights=fitted, minlength=len(t))
            fitted *= _ratio(t, current)[cc]
        # The last margin is met exactly after its step; check all of them.
        worst = max(
            float(_relative_errors(np.bincount(cc, weights=fitted, minlength=len(t)), t).max())
            for cc, t in zip(cell_codes, targets, strict=True)
        )
        if worst <= tol:
            return fitted, iteration
    return fitted, max_iter


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, and 0 where the denominator is 0 (empty cells stay empty)."""
    out = np.zeros_like(numerator, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _relative_errors(achieved: np.ndarray, target: np.ndarray) -> np.ndarray:
    """|achieved − target| / target; a zero target is measured against the margin total."""
    scale = np.where(target > 0, target, target.sum())
    return np.abs(achieved - target) / scale


def _trim(weights, cell, cell_codes, targets, trim, max_iter, tol, max_rounds):
    """Clip weights to the bounds and re-rake the others until both hold.

    Respondents clipped once stay at their bound; each round re-rakes only the free
    respondents to what the fixed ones leave of every target, so the excess weight of
    the trimmed is spread over the rest (trimming as in Izrael, Battaglia and Frankel's
    raking with capping). Ends on a clip: the bounds always hold exactly.
    """
    lower, upper = trim
    mean = float(targets[0].sum()) / len(weights)  # population / respondents
    lo = 0.0 if lower is None else lower * mean
    hi = np.inf if upper is None else upper * mean
    if lo > mean or hi < mean:
        raise ValueError(f"trim bounds {trim} must contain 1 (the mean weight)")
    n_cells = len(cell_codes[0])
    slack = 1e-9 * mean
    fixed = np.zeros(len(weights), dtype=bool)
    iterations = rounds = 0
    while rounds < max_rounds:
        out = (weights < lo - slack) | (weights > hi + slack)
        if not out.any():
            break
        rounds += 1
        fixed |= out
        weights = np.clip(weights, lo, hi)
        free_seed = np.bincount(cell, weights=np.where(fixed, 0.0, weights), minlength=n_cells)
        taken = np.bincount(cell, weights=np.where(fixed, weights, 0.0), minlength=n_cells)
        left = [
            np.maximum(t - np.bincount(cc, weights=taken, minlength=len(t)), 0.0)
            for cc, t in zip(cell_codes, targets, strict=True)
        ]
        fitted, used = _ipf(free_seed, cell_codes, left, max_iter, tol)
        iterations += used
        weights = np.where(fixed, weights, weights * _ratio(fitted, free_seed)[cell])
    return np.clip(weights, lo, hi), rounds, iterations


def design_effect(weights: np.ndarray) -> float:
    """Kish's design effect of unequal weights: n·Σw² / (Σw)².

    Examples
    --------
    >>> design_effect(np.array([1.0, 1.0, 1.0, 1.0]))
    1.0
    >>> round(design_effect(np.array([1.0, 3.0])), 6)
    1.25
    """
    w = np.asarray(weights, dtype=np.float64)
    return float(len(w) * np.dot(w, w) / w.sum() ** 2)


def effective_sample_size(weights: np.ndarray) -> float:
    """Kish's effective sample size: (Σw)² / Σw² = n / design effect.

    Examples
    --------
    >>> effective_sample_size(np.array([1.0, 3.0]))
    1.6
    """
    w = np.asarray(weights, dtype=np.float64)
    return float(w.sum() ** 2 / np.dot(w, w))


@dataclass(frozen=True)
class Estimate:
    """Weighted estimates per group (arrays of length ``n_groups``).

    ``value`` is the weighted mean, or the proportion for 0/1 values; ``se`` its
    linearisation standard error; ``lower``/``upper`` the confidence interval; ``n`` the
    respondents with a value; ``n_eff`` Kish's effective sample size; ``suppressed``
    marks results blanked by :func:`suppress`. ``kind`` is ``"mean"`` or ``"proportion"``.
    """

    value: np.ndarray
    se: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    n: np.ndarray
    n_eff: np.ndarray
    suppressed: np.ndarray
    kind: str
    confidence: float

    @property
    def mean(self) -> np.ndarray:
        """Alias of ``value``."""
        return self.value


def weighted_estimate(
    values: np.ndarray,
    weights: np.ndarray,
    *,
    groups: np.ndarray | None = None,
    n_groups: int | None = None,
    confidence: float = 0.95,
    kind: str = "auto",
) -> Estimate:
    """Weighted mean or proportion per group with a confidence interval.

    The estimate is the ratio (Hájek) mean ``Σwy / Σw``. Its variance is the
    linearisation (with-replacement) variance of a ratio, as survey packages compute it
    for a single-stage design without strata:
    ``v = n/(n−1) · Σ wᵢ²(yᵢ − ȳ)² / (Σw)²``.

    Intervals: for a mean, ``ȳ ± t(n−1)·se``. For a proportion (``kind="proportion"``, or
    ``"auto"`` with all values 0 or 1) a Wilson score interval with Kish's effective
    sample size in place of n: it stays inside [0, 1], is not degenerate at 0 % or 100 %
    and keeps near-nominal coverage for small samples, where ``p ± z·se`` does not.

    Missing values (NaN) are left out; a group without values gets NaN.

    Parameters
    ----------
    values
        One value per respondent (NaN for no answer).
    weights
        Non-negative weights, one per respondent.
    groups
        Integer group code per respondent (e.g. department); None for one group.
    n_groups
        Number of groups (default ``groups.max() + 1``).
    confidence
        Level of the intervals.
    kind
        ``"auto"``, ``"mean"`` or ``"proportion"``.

    Examples
    --------
    >>> e = weighted_estimate(np.array([1, 0, 1, 1.0]), np.array([1, 1, 2, 2.0]))
    >>> e.kind, round(float(e.value[0]), 4), int(e.n[0])
    ('proportion', 0.8333, 4)
    >>> bool(0 < e.lower[0] < e.value[0] < e.upper[0] < 1)
    True
    """
    y = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if y.shape != w.shape or y.ndim != 1:
        raise ValueError(f"values {y.shape} and weights {w.shape} must be 1-d of equal length")
    if np.any(~np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite and non-negative")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    g = np.zeros(len(y), dtype=np.int64) if groups is None else np.asarray(groups, np.int64)
    if g.shape != y.shape:
        raise ValueError(f"groups {g.shape} must match values {y.shape}")
    if n_groups is None:
        n_groups = int(g.max()) + 1 if len(g) else 1
    if len(g) and (g.min() < 0 or g.max() >= n_groups):
        raise ValueError(f"group codes must lie in 0..{n_groups - 1}")

    keep = np.isfinite(y)
    y, w, g = y[keep], w[keep], g[keep]
    kind = _kind(y, kind)

    n = np.bincount(g, minlength=n_groups).astype(np.float64)
    sw = np.bincount(g, weights=w, minlength=n_groups)
    sw2 = np.bincount(g, weights=w * w, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.bincount(g, weights=w * y, minlength=n_groups) / sw
        resid = w * (y - value[g])
        var = n / (n - 1) * np.bincount(g, weights=resid * resid, minlength=n_groups) / sw**2
        se = np.sqrt(np.where(n > 1, var, np.nan))
        n_eff = np.where(sw2 > 0, sw**2 / sw2, 0.0)
        if kind == "proportion":
            lower, upper = _wilson(value, n_eff, confidence)
        else:
            t = stats.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1))
            lower, upper = value - t * se, value + t * se
    return Estimate(
        value=value,
        se=se,
        lower=lower,
        upper=upper,
        n=n.astype(np.int64),
        n_eff=n_eff,
        suppressed=np.zeros(n_groups, dtype=bool),
        kind=kind,
        confidence=confidence,
    )


def _kind(y: np.ndarray, kind: str) -> str:
    """Resolve ``"auto"``: all values 0 or 1 makes a proportion."""
    if kind not in ("auto", "mean", "proportion"):
        raise ValueError(f"kind must be 'auto', 'mean' or 'proportion', got {kind!r}")
    is_binary = bool(np.all((y == 0) | (y == 1)))
    if kind == "proportion" and not is_binary:
        raise ValueError("a proportion needs values 0 or 1")
    if kind == "auto":
        return "proportion" if is_binary and len(y) else "mean"
    return kind


def _wilson(p: np.ndarray, m: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for proportion ``p`` with (effective) sample size ``m``."""
    z = stats.norm.ppf(0.5 + confidence / 2)
    z2m = z * z / m
    centre = (p + z2m / 2) / (1 + z2m)
    half = z / (1 + z2m) * np.sqrt(p * (1 - p) / m + z2m / (4 * m))
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def suppress(estimates: Estimate, min_n_eff: float) -> Estimate:
    """Blank (NaN) the results of groups whose effective sample is below ``min_n_eff``.

    ``n`` and ``n_eff`` are kept so a page can say why a figure is missing.

    Examples
    --------
    >>> e = weighted_estimate(np.array([1, 0, 1.0]), np.ones(3), groups=np.array([0, 0, 1]))
    >>> s = suppress(e, min_n_eff=2)
    >>> s.suppressed.tolist(), np.isnan(s.value).tolist()
    ([False, True], [False, True])
    """
    hide = estimates.suppressed | ~(estimates.n_eff >= min_n_eff)

    def blank(a: np.ndarray) -> np.ndarray:
        return np.where(hide, np.nan, a)

    return replace(
        estimates,
        value=blank(estimates.value),
        se=blank(estimates.se),
        lower=blank(estimates.lower),
        upper=blank(estimates.upper),
        suppressed=hide,
    )
