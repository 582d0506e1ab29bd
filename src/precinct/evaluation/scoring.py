"""From raw indicator values to scores, the composite index, its interval and peer ranks.

The arithmetic is the analytics core's (``precinct.analytics.indicators``); this module
arranges arrays by department and indicator and reads the results back.
"""

from dataclasses import dataclass

import numpy as np

from precinct.analytics import indicators

Z95 = 1.959963984540054


@dataclass
class Scored:
    """Scores (0–100, NaN without data) and the composite per department."""

    scores: np.ndarray  # departments × indicators
    index: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    coverage: np.ndarray
    rank: np.ndarray  # 1 = best within the peer group; 0 without an index
    peer_size: np.ndarray


def score(
    values: np.ndarray,
    lowers: np.ndarray,
    uppers: np.ndarray,
    directions: list[str],
    weights: np.ndarray,
    groups: np.ndarray,
    peers: np.ndarray,
    *,
    min_coverage: float,
    method: str = "minmax",
) -> Scored:
    """Normalise each indicator within each comparison group, weight, rank among peers.

    ``groups`` says which departments are normalised together (departments of one kind);
    ``peers`` which are ranked together (kind and population band).
    """
    n, k = values.shape
    scores = np.full((n, k), np.nan)
    lo_s = np.full((n, k), np.nan)
    hi_s = np.full((n, k), np.nan)
    for g in np.unique(groups):
        rows = groups == g
        for j in range(k):
            col = values[rows, j]
            scores[rows, j] = indicators.normalise(col, directions[j], method=method)
            # The interval's ends are scored on the same scale as the values.
            scale = _scale(col)
            if scale is not None:
                lo, hi = scale
                sign = 1.0 if directions[j] == "higher" else -1.0
                lo_s[rows, j] = sign * (lowers[rows, j] - col) / (hi - lo) * 100
                hi_s[rows, j] = sign * (uppers[rows, j] - col) / (hi - lo) * 100
    index, coverage = indicators.composite(scores, weights, min_coverage)
    index = np.asarray(index, dtype=np.float64)
    # Half-widths of survey intervals as standard errors, combined with the weights.
    se = np.abs(np.where(np.isfinite(hi_s - lo_s), (hi_s - lo_s) / 2 / Z95, 0.0))
    has = np.isfinite(scores)
    w = np.where(has, weights[None, :], 0.0)
    wsum = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        index_se = np.sqrt(((w / wsum[:, None]) ** 2 * se**2).sum(axis=1))
    lower = np.where(np.isfinite(index), np.clip(index - Z95 * index_se, 0, 100), np.nan)
    upper = np.where(np.isfinite(index), np.clip(index + Z95 * index_se, 0, 100), np.nan)
    rank = np.asarray(indicators.peer_rank(index, peers, "higher"), dtype=np.float64)
    rank = np.where(np.isfinite(rank), rank, 0).astype(np.int64)
    peer_size = np.array(
        [int(np.sum((peers == p) & np.isfinite(index))) for p in peers], dtype=np.int64
    )
    return Scored(scores, index, lower, upper, np.asarray(coverage), rank, peer_size)


def _scale(col: np.ndarray):
    finite = col[np.isfinite(col)]
    if len(finite) < 2 or finite.max() == finite.min():
        return None
    return float(finite.min()), float(finite.max())


def population_band(residents: float | None, bands: list[int]) -> str:
    """The label of a population band: "<100k", "100k–250k", … ">500k"."""
    if not residents:
        return "unknown"
    edges = sorted(bands)
    low = 0
    for edge in edges:
        if residents < edge:
            return f"{_k(low)}–{_k(edge)}" if low else f"<{_k(edge)}"
        low = edge
    return f"≥{_k(low)}"


def _k(x: int) -> str:
    return f"{x // 1000}k"
