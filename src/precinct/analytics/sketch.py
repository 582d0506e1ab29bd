"""Mergeable summaries of durations in whole seconds: fixed bins, so percentiles of any
union of periods and departments come from adding counts.

Bins are fixed once for all (never adapted to the data), so merging is adding counts and
subtracting a period's old counts undoes it exactly: a summary of a union is identical to
the summary of its raw values, whatever the order or grouping of the merges.

- A value v in [0, EXACT_BELOW) seconds has a bin of its own: percentiles among such values
  are exact.
- From EXACT_BELOW up to CAP the bins are log-spaced by the ratio GAMMA, each represented by
  the value 2·lo·hi/(lo + hi), at most ``RELATIVE_ERROR`` = (GAMMA − 1)/(GAMMA + 1) from any
  value in [lo, hi).
- Values below 0 count as 0, values from CAP on as CAP (a 102 phase is neither).

A percentile is estimated as ``percentile_cont`` computes it: the values of ranks ⌊1 + f(n−1)⌋
and the next interpolated, each replaced by its bin's representative. Both are within
``RELATIVE_ERROR`` of the true values, and interpolation keeps the bound:
|estimate − exact| ≤ RELATIVE_ERROR · exact, for any merge of summaries.

A summary is stored sparse: int32 pairs (bin, count) in bytes, only bins that hold values.
"""

from __future__ import annotations

import numpy as np

EXACT_BELOW = 2048  # seconds: 34 minutes, beyond most medians of call handling and arrival
GAMMA = 1.01
CAP = 30 * 86400  # seconds
RELATIVE_ERROR = (GAMMA - 1) / (GAMMA + 1)  # 0.4975 %
_LOG_BINS = int(np.ceil(np.log(CAP / EXACT_BELOW) / np.log(GAMMA)))
N_BINS = EXACT_BELOW + _LOG_BINS + 1  # the last bin: CAP and beyond


def _representatives() -> np.ndarray:
    j = np.arange(_LOG_BINS, dtype=np.float64)
    lo = EXACT_BELOW * GAMMA**j
    hi = lo * GAMMA
    exact = np.arange(EXACT_BELOW, dtype=np.float64)
    return np.concatenate([exact, 2 * lo * hi / (lo + hi), [CAP]])


REPRESENTATIVE = _representatives()


def bin_of(values: np.ndarray) -> np.ndarray:
    """The bin of each value (seconds; clamped to [0, CAP])."""
    v = np.clip(np.asarray(values, dtype=np.float64), 0, CAP)
    out = np.floor(v).astype(np.int64)
    big = (v >= EXACT_BELOW) & (v < CAP)
    if big.any():
        log_bin = np.floor(np.log(v[big] / EXACT_BELOW) / np.log(GAMMA)).astype(np.int64)
        out[big] = EXACT_BELOW + np.minimum(log_bin, _LOG_BINS - 1)
    out[v >= CAP] = N_BINS - 1
    return out


def encode(bins: np.ndarray, counts: np.ndarray) -> bytes:
    """The stored form: (bin, count) pairs as little-endian int32, bins that hold values."""
    keep = counts != 0
    pairs = np.empty((int(keep.sum()), 2), dtype="<i4")
    pairs[:, 0] = bins[keep]
    pairs[:, 1] = counts[keep]
    return pairs.tobytes()


def decode_many(blobs: list[bytes], width: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(owner, bin, count) of every pair of ``blobs``; owner is the blob's index. (With
    ``width`` other than 2, records of that many int32: only the owners are meaningful.)"""
    sizes = np.fromiter((len(b) // (4 * width) for b in blobs), dtype=np.int64, count=len(blobs))
    pairs = np.frombuffer(b"".join(blobs), dtype="<i4").reshape(-1, width)
    owner = np.repeat(np.arange(len(blobs), dtype=np.int64), sizes)
    return owner, pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)


def unique_of_runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` for values that are a few sorted runs
    one after another (sets of rows concatenated to be merged): a stable sort (timsort)
    merges the runs in about linear time, where ``np.unique`` sorts from scratch (4-5
    times slower on two runs of millions; on values in no order it is the faster)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def sum_by_owner(
    owner: np.ndarray, bins: np.ndarray, counts: np.ndarray, *, runs: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs with one (owner, bin) each, counts added; pairs whose sum is 0 dropped.
    ``runs``: the pairs are a few runs sorted by (owner, bin) (see ``unique_of_runs``).

    The counts are added in sorted order, each run of equal pairs at once (``reduceat``):
    no inverse mapping is built, and integer counts stay integers (a "c" year of the
    national rebuild adds tens of millions of pairs this way)."""
    key = owner * N_BINS + bins
    if not len(key):
        none = np.zeros(0, dtype=np.int64)
        return none, none, none
    order = np.argsort(key, kind="stable" if runs else "quicksort")
    ordered = key[order]
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    total = np.add.reduceat(np.asarray(counts)[order], starts)
    if total.dtype.kind == "f":
        total = np.rint(total)
    total = total.astype(np.int64)
    keep = total != 0
    unique, total = ordered[starts][keep], total[keep]
    return unique // N_BINS, unique % N_BINS, total


def dense(owner: np.ndarray, bins: np.ndarray, counts: np.ndarray, n_owners: int) -> np.ndarray:
    """Counts per owner and bin, shape (n_owners, N_BINS)."""
    flat = np.bincount(owner * N_BINS + bins, weights=counts, minlength=n_owners * N_BINS)
    return flat.reshape(n_owners, N_BINS)


def percentiles_of(counts: np.ndarray, qs=(0.5, 0.9)) -> list[float | None]:
    """``percentile_cont`` of the values counted per bin (one row of :func:`dense`)."""
    cumulative = np.cumsum(counts)
    n = int(cumulative[-1]) if len(cumulative) else 0
    if n <= 0:
        return [None for _ in qs]
    out = []
    for q in qs:
        pos = 1 + q * (n - 1)
        lo = int(np.floor(pos))
        frac = pos - lo
        b_lo, b_hi = np.searchsorted(cumulative, [lo, min(lo + 1, n)])
        v_lo, v_hi = REPRESENTATIVE[b_lo], REPRESENTATIVE[b_hi]
        out.append(float(v_lo + frac * (v_hi - v_lo)))
    return out
