"""From raw indicator values to scores, the composite index, its interval and peer ranks.

The arithmetic is the analytics core's (``precinct.analytics.indicators``); this module
arranges arrays by department and indicator and reads the results back. Scores and the
index are shown on 0–100 (the core works on 0–1).
"""

from dataclasses import dataclass

import numpy as np

from precinct.analytics import indicators

Z95 = 1.959963984540054
N_DRAWS = 1000


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
    ``peers`` which are ranked together (kind and population band). The interval of the
    index comes from the survey indicators' intervals (as standard errors) by Monte Carlo.
    """
    n, k = values.shape
    # A 95 % interval's half-width over 1.96 is the standard error (exact for Wald,
    # close for the Wilson intervals of shares); registry figures have none.
    se = np.nan_to_num((uppers - lowers) / (2 * Z95), nan=0.0)
    scores = np.full((n, k), np.nan)
    index, lower, upper = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    coverage = np.zeros(n)
    for g in np.unique(groups):
        rows = groups == g
        if rows.sum() < 2:  # alone of its kind: nothing to be compared with
            continue
        for j in range(k):
            scores[rows, j] = 100 * indicators.normalise(values[rows, j], directions[j], method)
        ci = indicators.composite_uncertainty(
            values[rows],
            se[rows],
            weights,
            directions,
            methods=method,
            min_coverage=min_coverage,
            n_draws=N_DRAWS,
            seed=0,
        )
        index[rows] = 100 * ci.index
        lower[rows] = 100 * ci.lower
        upper[rows] = 100 * ci.upper
        coverage[rows] = ci.coverage_share
    ranks = indicators.peer_rank(index, peers, "higher")
    rank = np.nan_to_num(ranks.rank, nan=0).astype(np.int64)
    peer_size = np.where(np.isfinite(index), ranks.group_size, 0).astype(np.int64)
    return Scored(scores, index, lower, upper, coverage, rank, peer_size)


def population_band(residents: float | None, bands: list[int]) -> str:
    """The label of a population band: "<100k", "100k–250k", … "≥500k"."""
    if not residents:
        return "unknown"
    low = 0
    for edge in sorted(bands):
        if residents < edge:
            return f"{_k(low)}–{_k(edge)}" if low else f"<{_k(edge)}"
        low = edge
    return f"≥{_k(low)}"


def _k(x: int) -> str:
    return f"{x // 1000}k"
