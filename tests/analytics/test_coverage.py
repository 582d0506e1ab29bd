"""Coverage of residents by posts: reach times, shares per group and isochrone areas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely

from precinct.analytics.coverage import (
    coverage_by_group,
    covered_share,
    isochrone_polygons,
    reach_times,
)
from precinct.analytics.network import build_networks, one_to_many

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def walk():
    return build_networks(FIXTURES / "almaty_cut.osm.pbf").walk


@pytest.fixture(scope="module")
def posts(walk):
    return np.random.default_rng(3).choice(walk.n_nodes, 6, replace=False)


def test_reach_times_are_the_nearest_posts_times(walk, posts):
    times = reach_times(walk, posts, limit_s=15 * 60)
    expected = np.min([one_to_many(walk, int(p), limit_s=15 * 60) for p in posts], axis=0)
    np.testing.assert_array_equal(np.isinf(times), np.isinf(expected))
    finite = np.isfinite(times)
    np.testing.assert_allclose(times[finite], expected[finite], atol=1e-9)
    assert times[posts].max() == 0


def test_no_posts_reach_nobody(walk):
    assert np.isinf(reach_times(walk, [], limit_s=600)).all()


def test_covered_share_counts_weight_within_the_threshold():
    times = np.array([0.0, 599.9, 600.0, 600.1, np.inf])
    weights = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    assert covered_share(times, weights, 600) == pytest.approx(6 / 20)
    assert covered_share(times, np.zeros(5), 600) == 0.0


def test_coverage_by_group_matches_a_plain_loop(walk, posts):
    rng = np.random.default_rng(5)
    times = reach_times(walk, posts, limit_s=20 * 60)
    weights = rng.integers(0, 50, walk.n_nodes).astype(float)
    groups = rng.integers(-1, 7, walk.n_nodes)  # -1: a node outside every group
    reaches_s = [900, 300, 600]  # unsorted on purpose
    got = coverage_by_group(times, weights, groups, 7, reaches_s)
    assert got.shape == (7, 3)
    for g in range(7):
        for j, reach_s in enumerate(reaches_s):
            want = weights[(groups == g) & (times <= reach_s)].sum()
            assert got[g, j] == pytest.approx(want)


def test_bad_reaches_and_groups_are_refused():
    times, weights = np.zeros(3), np.ones(3)
    for bad in (0, -5, np.nan):
        with pytest.raises(ValueError, match="positive number of seconds"):
            covered_share(times, weights, bad)
    with pytest.raises(ValueError, match="n_groups"):
        coverage_by_group(times, weights, np.array([0, 1, 5]), 2, [600])
    with pytest.raises(ValueError, match="same length"):
        covered_share(times, np.ones(4), 600)


def test_isochrone_holds_every_reached_node_and_grows_with_time(walk, posts):
    times = reach_times(walk, posts, limit_s=15 * 60)
    small = isochrone_polygons(walk, times, 5 * 60, cell_m=80)
    large = isochrone_polygons(walk, times, 15 * 60, cell_m=80)
    assert small.is_valid and large.is_valid
    assert large.area > small.area
    assert large.covers(small)
    reached = times <= 5 * 60
    assert shapely.covers(small, shapely.points(walk.lon[reached], walk.lat[reached])).all()
    # Unreached nodes only fall inside where a cell straddles a reached street.
    far = np.isinf(times)
    inside = shapely.covers(large, shapely.points(walk.lon[far], walk.lat[far]))
    assert inside.mean() < 0.05


def test_isochrone_of_nothing_is_empty(walk):
    times = np.full(walk.n_nodes, np.inf)
    assert isochrone_polygons(walk, times, 600).is_empty
