"""Anonymous map points (analytics.mappoints): the rules proved on adversarial places."""

import numpy as np
import pytest

from precinct.analytics.mappoints import assign_records, build_map_points

LON, LAT = 76.9, 43.25
M_LON = 1 / (111_320 * np.cos(np.radians(LAT)))  # degrees of longitude per metre
M_LAT = 1 / 110_574


def street(x0_m, x1_m, y_m=0.0):
    """An east-west street from x0 to x1 metres east of (LON, LAT), y metres north."""
    return np.array(
        [[LON + x0_m * M_LON, LAT + y_m * M_LAT], [LON + x1_m * M_LON, LAT + y_m * M_LAT]]
    )


def lines(*parts):
    xy = np.concatenate(parts)
    offsets = np.cumsum([0, *(len(p) for p in parts)])
    return xy, offsets


def houses(xs_m, y_m=30.0):
    xs = np.asarray(xs_m, float)
    return LON + xs * M_LON, LAT + np.full(len(xs), y_m) * M_LAT


def distance_m(lon1, lat1, lon2, lat2):
    return np.hypot((lon1 - lon2) / M_LON, (lat1 - lat2) / M_LAT)


def test_a_street_of_twenty_houses_gives_two_points_of_ten_on_the_street():
    xy, offsets = lines(street(0, 1000))
    lon, lat = houses(np.arange(20) * 40)
    points = build_map_points(xy, offsets, np.array(["Абая"]), lon, lat, min_places=8)
    assert sorted(points.places.tolist()) == [10, 10]
    assert points.eligible.all()
    # On the street line (y = 0), never at a house (30 m north of it).
    assert np.allclose(points.lat, LAT, atol=1e-7)
    assert (points.place_point >= 0).all()


def test_a_lone_house_gets_no_location():
    xy, offsets = lines(street(0, 1000), street(3000, 3100))
    keys = np.array(["Абая", "Тупик"])
    lon = np.concatenate([houses(np.arange(20) * 40)[0], houses([3050])[0]])
    lat = np.concatenate([houses(np.arange(20) * 40)[1], houses([3050])[1]])
    points = build_map_points(xy, offsets, keys, lon, lat, min_places=8)
    lone = points.place_point[-1]
    assert points.places[lone] == 1 and not points.eligible[lone]
    # A record at the lone house (its exact position) is published without location.
    assigned = assign_records(points, lon, lat, lon[-1:], lat[-1:])
    assert assigned.tolist() == [-1]


def test_a_record_at_a_house_is_moved_to_a_street_point_that_stands_for_n():
    xy, offsets = lines(street(0, 1000))
    lon, lat = houses(np.arange(20) * 40)
    points = build_map_points(xy, offsets, np.array(["Абая"]), lon, lat, min_places=8)
    at_house = assign_records(points, lon, lat, lon[[3]], lat[[3]])
    p = at_house[0]
    assert p >= 0 and points.places[p] >= 8
    moved = distance_m(points.lon[p], points.lat[p], lon[3], lat[3])
    assert moved >= 30  # on the street, never the house's own position
    # No published point lies at any house.
    for i in range(len(points.lon)):
        assert distance_m(points.lon[i], points.lat[i], lon, lat).min() > 1


def test_too_few_places_on_a_street_means_no_point_qualifies():
    xy, offsets = lines(street(0, 300))
    lon, lat = houses([0, 50, 100, 150, 200])
    points = build_map_points(xy, offsets, np.array(["Короткая"]), lon, lat, min_places=8)
    assert points.places.tolist() == [5] and not points.eligible.any()
    assert (assign_records(points, lon, lat, lon, lat) == -1).all()
    # N configurable: with N = 5 the same street qualifies.
    five = build_map_points(xy, offsets, np.array(["Короткая"]), lon, lat, min_places=5)
    assert five.eligible.all()


def test_the_same_name_far_apart_is_two_runs():
    xy, offsets = lines(street(0, 300), street(5000, 5300))
    keys = np.array(["Садовая", "Садовая"])
    lon = np.concatenate([houses(np.arange(6) * 50)[0], houses(5000 + np.arange(6) * 50)[0]])
    lat = np.concatenate([houses(np.arange(6) * 50)[1], houses(5000 + np.arange(6) * 50)[1]])
    points = build_map_points(xy, offsets, keys, lon, lat, min_places=8)
    # Twelve places under one name, but two groups of six: neither qualifies.
    assert sorted(points.places.tolist()) == [6, 6]
    assert not points.eligible.any()


def test_unnamed_streets_and_far_records_get_no_point():
    xy, offsets = lines(street(0, 1000))
    lon, lat = houses(np.arange(20) * 40)
    unnamed = build_map_points(xy, offsets, np.array([""]), lon, lat, min_places=8)
    assert len(unnamed.lon) == 0 and (unnamed.place_point == -1).all()
    points = build_map_points(xy, offsets, np.array(["Абая"]), lon, lat, min_places=8)
    far_lon, far_lat = houses([400], y_m=2000)
    assert assign_records(points, lon, lat, far_lon, far_lat).tolist() == [-1]
    assert assign_records(points, lon, lat, [np.nan], [np.nan]).tolist() == [-1]


def test_min_places_must_be_positive():
    xy, offsets = lines(street(0, 100))
    with pytest.raises(ValueError):
        build_map_points(xy, offsets, np.array(["A"]), [LON], [LAT], min_places=0)
