"""Snapping lon/lat points to graph nodes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from precinct.analytics.network import OutsideNetworkError, Snapper, build_networks
from precinct.analytics.network.graph import haversine_m
from precinct.analytics.network.snap import utm_epsg

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def walk():
    return build_networks(FIXTURES / "almaty_cut.osm.pbf").walk


def test_almaty_uses_utm_zone_43n(walk):
    assert Snapper(walk).epsg == 32643 == utm_epsg(76.93, 43.25)
    assert utm_epsg(-58.4, -34.6) == 32721  # Buenos Aires: south, zone 21


def test_a_node_snaps_to_itself(walk):
    snapper = Snapper(walk)
    for node in (0, 17, walk.n_nodes - 1):
        found, metres = snapper.snap(walk.lon[node], walk.lat[node])
        assert walk.lon[found] == walk.lon[node] and walk.lat[found] == walk.lat[node]
        assert metres == pytest.approx(0.0, abs=1e-6)


def test_snap_many_finds_the_nearest_node_by_brute_force(walk):
    rng = np.random.default_rng(0)
    lons = rng.uniform(walk.lon.min(), walk.lon.max(), 200)
    lats = rng.uniform(walk.lat.min(), walk.lat.max(), 200)
    nodes, metres = Snapper(walk, max_distance_m=10_000).snap_many(lons, lats)
    for lon, lat, node, m in zip(lons, lats, nodes, metres, strict=True):
        brute = haversine_m(lon, lat, walk.lon, walk.lat)
        # UTM and the sphere differ by well under 1 %: the same node, or a near tie.
        assert brute[node] <= brute.min() * 1.01 + 0.5
        assert m == pytest.approx(brute[node], rel=0.01)


def test_points_outside_the_network(walk):
    snapper = Snapper(walk, max_distance_m=500)
    nodes, metres = snapper.snap_many([76.93, 77.5], [43.25, 43.25])
    assert nodes[0] >= 0 and nodes[1] == -1
    assert metres[1] > 30_000  # ~37 km east of the cut, still reported
    with pytest.raises(OutsideNetworkError, match="outside the network") as info:
        snapper.snap(77.5, 43.25)
    assert info.value.metres == metres[1]


def test_missing_coordinates_are_outside(walk):
    nodes, metres = Snapper(walk).snap_many([np.nan, 76.93], [43.25, 43.25])
    assert nodes[0] == -1 and np.isinf(metres[0]) and nodes[1] >= 0
    with pytest.raises(OutsideNetworkError):
        Snapper(walk).snap(float("nan"), 43.25)
