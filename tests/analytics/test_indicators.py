"""Normalisation, composite index, Monte Carlo interval, peer ranks and trends."""

import numpy as np
import pytest

from precinct.analytics.indicators import (
    composite,
    composite_uncertainty,
    normalise,
    peer_rank,
    trend,
)


def test_normalise__minmax_direction_bounds_and_constant():
    x = np.array([2.0, 4.0, 6.0, np.nan])
    np.testing.assert_allclose(normalise(x, "higher_better"), [0, 0.5, 1, np.nan])
    np.testing.assert_allclose(normalise(x, "lower_better"), [1, 0.5, 0, np.nan])
    np.testing.assert_allclose(
        normalise(x, "higher_better", bounds=(0, 10)), [0.2, 0.4, 0.6, np.nan]
    )
    np.testing.assert_allclose(normalise(np.array([3.0, 3.0]), "higher_better"), [0.5, 0.5])
    np.testing.assert_allclose(normalise(np.array([np.nan, np.nan]), "higher_better"), [np.nan] * 2)


def test_normalise__zscore_and_target():
    x = np.array([1.0, 2.0, 3.0])
    z = normalise(x, "lower_better", "zscore")
    np.testing.assert_allclose(z, -(x - 2) / np.std(x))
    share = normalise(np.array([0.5, 0.9, 1.0]), "higher_better", "target", target=0.9)
    np.testing.assert_allclose(share, [0.5 / 0.9, 1.0, 1.0])
    with pytest.raises(ValueError, match="needs floor"):
        normalise(x, "lower_better", "target", target=1)
    with pytest.raises(ValueError, match="better than floor"):
        normalise(x, "lower_better", "target", target=30, floor=10)
    with pytest.raises(ValueError, match="direction"):
        normalise(x, "sideways")
    with pytest.raises(ValueError, match="method"):
        normalise(x, "higher_better", "rank")


def test_normalise__each_column_on_its_own_along_the_units_axis():
    x = np.array([[0.0, 10.0], [5.0, 20.0], [10.0, 30.0]])
    np.testing.assert_allclose(normalise(x, "higher_better", axis=0), [[0, 0], [0.5, 0.5], [1, 1]])


def test_composite__renormalises_missing_and_flags_low_coverage():
    s = np.array([[1.0, 0.5, 0.0], [np.nan, 0.5, 1.0], [np.nan, np.nan, 0.2]])
    w = np.array([0.5, 0.25, 0.25])
    index, coverage = composite(s, w, min_coverage=0.5)
    np.testing.assert_allclose(coverage, [1.0, 0.5, 0.25])
    np.testing.assert_allclose(index[:2], [0.625, 0.75])
    assert np.isnan(index[2])
    kept, _ = composite(s, w, min_coverage=0.5, keep_below=True)
    assert kept[2] == pytest.approx(0.2)
    with pytest.raises(ValueError, match="3 indicators in scores but 2 weights"):
        composite(s, w[:2])


def test_composite_uncertainty__exact_indicators_give_no_width():
    rng = np.random.default_rng(0)
    v = rng.uniform(0, 1, size=(20, 3))
    ci = composite_uncertainty(v, np.zeros_like(v), np.ones(3), ["higher_better"] * 3, n_draws=200)
    point, _ = composite(
        np.column_stack([normalise(v[:, j], "higher_better") for j in range(3)]), np.ones(3)
    )
    np.testing.assert_allclose(ci.index, point)
    np.testing.assert_allclose(ci.lower, point)
    np.testing.assert_allclose(ci.upper, point)


def test_composite_uncertainty__seeded_widens_with_error_and_respects_coverage():
    rng = np.random.default_rng(1)
    v = rng.uniform(0.3, 0.7, size=(30, 4))
    se = np.full_like(v, 0.02)
    se[0, :] = 0.15  # a department with a tiny survey sample
    se[:, 3] = np.nan  # a registry indicator: exact
    v[5, :3] = np.nan  # too little data for an index
    kwargs = dict(
        weights=np.ones(4),
        directions=["higher_better"] * 3 + ["lower_better"],
        methods=["minmax", "minmax", "target", "minmax"],
        options=[{}, {"bounds": (0, 1)}, {"target": 0.8}, {}],
        n_draws=400,
        seed=3,
    )
    a = composite_uncertainty(v, se, **kwargs)
    b = composite_uncertainty(v, se, **kwargs)
    np.testing.assert_array_equal(a.lower, b.lower)  # seeded
    width = a.upper - a.lower
    assert width[0] > 2 * np.nanmedian(width)
    assert np.isnan(a.index[5]) and np.isnan(a.lower[5])
    ok = ~np.isnan(a.index)
    assert np.all(a.lower[ok] <= a.index[ok] + 1e-9) and np.all(a.index[ok] <= a.upper[ok] + 1e-9)


def test_peer_rank__ties_groups_missing_and_direction():
    v = np.array([5.0, 3.0, 3.0, 1.0, 9.0, np.nan, 2.0])
    g = np.array(["big", "big", "big", "big", "small", "small", "small"])
    r = peer_rank(v, g, "lower_better")
    np.testing.assert_array_equal(r.rank, [4, 2, 2, 1, 2, np.nan, 1])
    np.testing.assert_array_equal(r.group_size, [4, 4, 4, 4, 2, 2, 2])
    np.testing.assert_allclose(r.percentile, [0, 1 / 3, 1 / 3, 1, 0, np.nan, 1])
    up = peer_rank(v, g, "higher_better")
    np.testing.assert_array_equal(up.rank, [1, 2, 2, 4, 1, np.nan, 2])


def test_peer_rank__matches_scipy_min_ranking():
    from scipy.stats import rankdata

    rng = np.random.default_rng(5)
    v = rng.integers(0, 10, 500).astype(float)
    g = rng.integers(0, 7, 500)
    r = peer_rank(v, g, "higher_better")
    for k in range(7):
        np.testing.assert_array_equal(r.rank[g == k], rankdata(-v[g == k], method="min"))


def test_trend__slope_flat_and_improving():
    y = np.array(
        [
            [100, 90, 80, 70.0],  # falling crime rate
            [50, 50.5, 49.8, 50.2],  # noise
            [np.nan, 3, np.nan, 5.0],  # two points only
            [0, 0, 1, 2.0],  # rising from zero
        ]
    )
    t = trend(y, np.array([2021, 2022, 2023, 2024]), direction="lower_better")
    assert t.slope[0] == pytest.approx(-10)
    assert t.relative_change[0] == pytest.approx(-30 / 85)
    assert t.direction.tolist() == ["down", "flat", "insufficient", "up"]
    assert t.improving.tolist() == [1, 0, 0, -1]
    assert t.n_periods.tolist() == [4, 4, 2, 4]
    two = trend(y[2:3], min_periods=2)
    assert two.slope[0] == pytest.approx(1.0) and two.direction[0] == "up"


def test_trend__matches_polyfit_with_gaps():
    rng = np.random.default_rng(9)
    y = rng.normal(10, 2, size=(50, 8))
    y[rng.random(y.shape) < 0.2] = np.nan
    t = trend(y, min_periods=2)
    x = np.arange(8.0)
    for i in range(50):
        ok = ~np.isnan(y[i])
        if ok.sum() >= 2:
            assert t.slope[i] == pytest.approx(np.polyfit(x[ok], y[i, ok], 1)[0])
