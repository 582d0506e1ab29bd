"""Point-in-precinct lookups, one point and many, and precinct polygons for maps."""

import numpy as np
import pytest
import shapely
from shapely.geometry import box

from precinct.territory import geo, mapdata, services
from precinct.territory.models import Provenance
from tests.factories import build_territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_precincts(db):
    """Precinct A (district A) and precinct B (district B) sharing the meridian 76.92."""
    t = build_territory()
    b = services.precinct_create(
        department=t.district_b, number=1, geometry=box(76.92, 43.22, 76.96, 43.27),
        residents=1, source=Provenance.DERIVED,
    )  # fmt: skip
    return t.precinct_a, b


def test_many_points_match_one_at_a_time(two_precincts):
    a, b = two_precincts
    lon = np.array([76.90, 76.94, 77.10, np.nan, 76.92])
    lat = np.array([43.25, 43.25, 43.25, 43.25, 43.25])
    found = geo.precinct_ids_at(lon, lat)
    assert found[:4].tolist() == [a.id, b.id, geo.NO_PRECINCT, geo.NO_PRECINCT]
    assert found[4] in (a.id, b.id)  # on the shared border: one of them, not both
    kept = [0, 1, 2, 4]
    one_by_one = [geo.precinct_id_at(x, y) for x, y in zip(lon[kept], lat[kept], strict=True)]
    assert one_by_one == [a.id, b.id, None, int(found[4])]


def test_area_features_keep_the_ids_and_the_shape(two_precincts):
    a, _ = two_precincts
    shapes = geo.precinct_shapes([a.id])
    assert list(shapes) == [a.id]
    (feature,) = mapdata.area_features(shapes)["features"]
    assert feature["id"] == a.id
    drawn = shapely.geometry.shape(feature["geometry"])
    assert drawn.symmetric_difference(shapes[a.id]).area < 1e-6


def test_map_config__opens_on_the_bounds_given_else_on_the_region(two_precincts):
    box = (76.88, 43.22, 76.96, 43.27)
    assert mapdata.map_config(result_url="", labels={}, bounds=box)["bounds"] == list(box)
    config = mapdata.map_config(result_url="", labels={})
    assert config["bounds"] is None and config["zoom"] == 14  # no region has a boundary
    region = two_precincts[0].department.region
    region.min_lon, region.min_lat, region.max_lon, region.max_lat = box
    region.save()
    config = mapdata.map_config(result_url="", labels={})
    assert config["center"] == pytest.approx({"lon": 76.92, "lat": 43.245})
    assert config["zoom"] == 13  # a city


def test_one_point__an_edit_is_seen_on_the_next_lookup(two_precincts, django_assert_num_queries):
    """The stamp is read with the precinct found, not on its own: still no stale answer."""
    _, b = two_precincts
    assert geo.precinct_at(76.94, 43.25) == b  # the index is built and cached
    with django_assert_num_queries(1):  # the precinct with the stamp; no rebuild
        assert geo.precinct_at(76.94, 43.26) == b
    b.boundary = shapely.to_geojson(box(76.96, 43.22, 77.0, 43.27))  # B moves east
    b.save()
    assert geo.precinct_at(76.94, 43.25) is None  # the cache still says B: rebuilt
    c = services.precinct_create(
        department=b.department, number=2, geometry=box(76.92, 43.22, 76.96, 43.27),
        residents=1, source=Provenance.DERIVED,
    )  # fmt: skip
    assert geo.precinct_at(76.94, 43.25) == c  # outside every cached polygon: rebuilt
    c.delete()
    assert geo.precinct_at(76.94, 43.25) is None  # the cache still says C: rebuilt
    assert geo.precinct_at(76.98, 43.25) == b
