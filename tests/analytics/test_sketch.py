"""Mergeable duration summaries: the stated error holds for any merge, and merges are exact."""

import numpy as np
import pytest

from precinct.analytics import sketch


def _summary(values: np.ndarray) -> np.ndarray:
    bins = sketch.bin_of(values)
    owner, b, c = sketch.sum_by_owner(np.zeros(len(bins), np.int64), bins, np.ones(len(bins)))
    return sketch.dense(owner, b, c, 1)[0]


def _error_ok(estimate: float, exact: float, rel: float) -> bool:
    return abs(estimate - exact) <= rel * exact + 1e-9


def test_percentiles__within_the_stated_relative_error_on_a_million_values():
    rng = np.random.default_rng(1)
    # Arrival times of a real-sized year: log-normal around 12 minutes, a long tail of hours.
    values = np.round(rng.lognormal(np.log(720), 0.9, 1_000_000))
    qs = (0.5, 0.9, 0.99, 0.999)
    exact = np.percentile(values, [100 * q for q in qs], method="linear")
    estimates = sketch.percentiles_of(_summary(values), qs)
    for est, ex in zip(estimates, exact, strict=True):
        assert _error_ok(est, ex, sketch.RELATIVE_ERROR)
    assert sketch.RELATIVE_ERROR < 0.005


def test_percentiles__exact_below_the_exact_limit():
    rng = np.random.default_rng(2)
    values = rng.integers(0, sketch.EXACT_BELOW, 10_001).astype(float)
    for q in (0.1, 0.5, 0.9, 0.37):
        (est,) = sketch.percentiles_of(_summary(values), (q,))
        assert est == pytest.approx(np.percentile(values, 100 * q, method="linear"), abs=1e-9)


def test_merge__any_partition_gives_the_summary_of_the_whole_and_subtraction_undoes():
    rng = np.random.default_rng(3)
    values = np.round(rng.lognormal(7, 1.2, 50_000))
    whole = _summary(values)
    parts = np.array_split(rng.permutation(values), 37)
    blobs = []
    for part in parts:
        owner, b, c = sketch.sum_by_owner(
            np.zeros(len(part), np.int64), sketch.bin_of(part), np.ones(len(part))
        )
        blobs.append(sketch.encode(b, c))
    owner, b, c = sketch.decode_many(blobs)
    merged = sketch.dense(*sketch.sum_by_owner(np.zeros_like(owner), b, c), 1)[0]
    assert np.array_equal(merged, whole)
    # Take the first part away again: what remains is the summary of the rest.
    first = len(blobs[0]) // 8
    minus = np.concatenate([c, -c[:first]])
    rest = sketch.dense(
        *sketch.sum_by_owner(np.zeros(len(minus), np.int64), np.concatenate([b, b[:first]]), minus),
        1,
    )[0]
    assert np.array_equal(rest, _summary(np.concatenate(parts[1:])))


def test_bins__clamped_at_zero_and_cap():
    assert sketch.bin_of(np.array([-5.0, 0.0, sketch.CAP * 10]))[[0, 1]].tolist() == [0, 0]
    assert sketch.bin_of(np.array([sketch.CAP * 10.0]))[0] == sketch.N_BINS - 1


def test_unique_of_runs__equals_numpy_unique_on_runs_and_on_disorder():
    rng = np.random.default_rng(7)
    runs = np.concatenate([np.sort(rng.integers(0, 500, n)) for n in (300, 1, 0, 77, 300)])
    for values in (runs, rng.integers(-50, 50, 1000), np.zeros(0, dtype=np.int64)):
        unique, inverse = sketch.unique_of_runs(values)
        want_unique, want_inverse = np.unique(values, return_inverse=True)
        np.testing.assert_array_equal(unique, want_unique)
        np.testing.assert_array_equal(inverse, want_inverse.reshape(-1))
    owner, bins, cnt = np.array([0, 0, 1, 0, 1]), np.array([3, 5, 3, 3, 3]), np.ones(5)
    for runs_flag in (False, True):
        got = sketch.sum_by_owner(owner, bins, cnt, runs=runs_flag)
        assert [a.tolist() for a in got] == [[0, 0, 1], [3, 5, 3], [2, 1, 2]]
