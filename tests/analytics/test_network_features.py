"""Map features read from OSM: police posts, addresses, streets, buildings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from precinct.analytics.network import NetworkImportError, is_police_station, read_features
from precinct.analytics.network.features import _centroid

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def features():
    return read_features(FIXTURES / "almaty_cut.osm.pbf")


@pytest.mark.parametrize(
    "tags",
    [
        {"amenity": "police", "attention": "Скорость не более 60 км/ч"},
        {"amenity": "police", "att": "Только по правому ряду", "name": "Засада"},
        {"amenity": "police", "name": "Засада"},
        {"amenity": "police", "name": "ОблГАИ"},
        {"amenity": "police", "name": "ГАИ"},
        {"amenity": "police", "name": "УДП ДВД Алматинской области"},
        {"amenity": "police", "name": "Дорожная полиция Карасайского р-она"},
        {"amenity": "townhall"},
    ],
)
def test_traffic_police_spots_are_not_stations(tags):
    assert not is_police_station(tags)


@pytest.mark.parametrize(
    "name", [None, "участок полиции №51", "РУВД Алмалинского района", "ОПП N69", "Милиция"]
)
def test_stations_and_posts(name):
    tags = {"amenity": "police"} | ({"name": name} if name else {})
    assert is_police_station(tags)


def test_police_in_the_cut(features):
    assert len(features.police) == 11
    stations = features.police_stations()
    assert len(stations) == 9
    named = {p.tags.get("name") for p in stations}
    assert {"участок полиции №51", "РУВД Алмалинского района"} <= named
    post = next(p for p in stations if p.osm_id == 697451375)
    assert (post.osm_type, post.lon, post.lat) == ("n", 76.9191658, 43.261847)


def test_addresses(features):
    assert len(features.addresses) > 200
    a = next(a for a in features.addresses if a.osm_id == 601054478)
    assert (a.street, a.housenumber, a.city, a.name) == (
        "улица Ауэзова", "19", "Алматы", "A-Computers",
    )  # fmt: skip
    assert all(a.housenumber for a in features.addresses)
    assert {"n", "w"} <= {a.osm_type for a in features.addresses}


def test_streets_have_names_and_lines(features):
    abylai = [s for s in features.streets if s.osm_id == 4489474]
    assert abylai and abylai[0].name == "Абылай Хана прс."
    assert "Коммунистический прс." in abylai[0].other_names
    for street in features.streets:
        assert street.name and len(street.coords) >= 2
        assert (street.lon, street.lat) in street.coords


def test_building_centroids_lie_in_the_cut(features):
    b = features.buildings
    assert b.shape[1] == 2 and len(b) > 4000
    assert (b[:, 0] > 76.8).all() and (b[:, 0] < 77.0).all()
    assert (b[:, 1] > 43.2).all() and (b[:, 1] < 43.3).all()


def test_centroid_of_a_square_and_an_open_line():
    square = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0)]
    assert _centroid(square) == pytest.approx((1.0, 1.0))
    # An L-shaped ring: the area centroid, not the vertex mean.
    ell = [(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2), (0, 0)]
    assert _centroid(ell) == pytest.approx((5 / 6, 5 / 6))
    assert _centroid([(0.0, 0.0), (2.0, 2.0)]) == pytest.approx((1.0, 1.0))
    assert np.isfinite(_centroid([(1.0, 1.0)] * 4)).all()


def test_unreadable_files(tmp_path):
    with pytest.raises(NetworkImportError, match="file not found"):
        read_features(tmp_path / "x.osm.pbf")
    (tmp_path / "x.osm.pbf").write_bytes(b"junk" * 100)
    with pytest.raises(NetworkImportError, match="not a readable OSM file"):
        read_features(tmp_path / "x.osm.pbf")
