"""GET /api/v1/locate on the demo built from the central-Almaty cut."""

import numpy as np
import pytest
import shapely
from scipy.sparse.csgraph import dijkstra

from precinct.analytics.network.graph import haversine_m
from precinct.territory.models import Post, Precinct
from precinct.territory.network import network

pytestmark = pytest.mark.django_db


def _inside_point(precinct: Precinct) -> tuple[float, float]:
    point = shapely.from_geojson(precinct.boundary).representative_point()
    return point.x, point.y


@pytest.fixture
def central(demo_city):
    """The precinct holding the most residents (dense, well inside the cut)."""
    return Precinct.objects.order_by("-residents").first()


def _locate(client, lon, lat):
    return client.get("/api/v1/locate", {"lat": lat, "lon": lon})


def test_locate__point_in_precinct__names_precinct_department_and_inspectors(client, central):
    lon, lat = _inside_point(central)
    body = _locate(client, lon, lat).json()
    assert body["precinct"]["id"] == central.id
    assert body["department"]["id"] == central.department_id
    assert body["inspectors"], "every demo precinct has an inspector"
    assert all(i["phone"] and i["generated"] for i in body["inspectors"])
    assert body["precinct"]["boundary"]["type"] in ("Polygon", "MultiPolygon")


def test_locate__posts_are_open_and_nearest_by_walking_time_first(client, central):
    lon, lat = _inside_point(central)
    posts = _locate(client, lon, lat).json()["posts"]
    assert len(posts) == 3
    assert [p["walk_seconds"] for p in posts] == sorted(p["walk_seconds"] for p in posts)
    assert {Post.objects.get(pk=p["id"]).state for p in posts} == {"open"}


def test_locate__walking_time_is_scipy_on_the_same_graph_plus_both_access_legs(client, central):
    lon, lat = _inside_point(central)
    body = _locate(client, lon, lat).json()
    post = body["posts"][0]
    walk = network("walk")
    origin, resident_leg = walk.snapper.snap(lon, lat)
    target, post_leg = walk.snapper.snap(post["lon"], post["lat"])
    pace = 3.6 / 4.5
    network_s = dijkstra(walk.graph.to_csr_matrix(), indices=origin)[target]
    straight = float(haversine_m(lon, lat, post["lon"], post["lat"]))
    expected = max(network_s + (resident_leg + post_leg) * pace, straight * pace)
    assert body["snap_meters"] == pytest.approx(resident_leg, abs=0.05)
    assert post["walk_seconds"] == pytest.approx(expected, abs=0.05)
    assert post["walk_meters"] / post["walk_seconds"] == pytest.approx(1 / pace, rel=1e-3)


def test_locate__route_runs_from_the_resident_to_the_post(client, central):
    lon, lat = _inside_point(central)
    post = _locate(client, lon, lat).json()["posts"][0]
    coords = np.array(post["route"]["coordinates"])
    assert post["route"]["type"] == "LineString"
    assert tuple(coords[0]) == pytest.approx((lon, lat))  # from the door, not the street
    assert tuple(coords[-1]) == pytest.approx((post["lon"], post["lat"]))


def test_locate__a_resident_beside_a_post_is_never_told_less_than_the_straight_line(
    client, central
):
    """The issue's case: 55 m from a post, both at the same street node, was "0 m, 0 min"."""
    post = Post.objects.filter(state="open").order_by("id").first()
    lon, lat = post.lon, post.lat + 55 / 111_000  # 55 m north of the post's door
    posts = _locate(client, lon, lat).json()["posts"]
    nearest = next(p for p in posts if p["id"] == post.id)
    straight = float(haversine_m(lon, lat, post.lon, post.lat))
    assert 50 < straight < 60
    assert nearest["walk_meters"] >= straight - 0.1
    assert nearest["walk_seconds"] >= straight * 3.6 / 4.5 - 0.1
    assert round(nearest["walk_seconds"] / 60) >= 1  # "1 minute", not "0 minutes"


def test_locate__no_post_is_ever_closer_than_the_straight_line(client, central):
    rng = np.random.default_rng(7)
    boundary = shapely.from_geojson(central.boundary)
    x0, y0, x1, y1 = boundary.bounds
    for lon, lat in zip(rng.uniform(x0, x1, 12), rng.uniform(y0, y1, 12), strict=True):
        response = _locate(client, lon, lat)
        if response.status_code != 200:
            continue  # outside every precinct: another test's case
        for p in response.json()["posts"]:
            straight = float(haversine_m(lon, lat, p["lon"], p["lat"]))
            assert p["walk_meters"] >= straight - 0.1, (lon, lat, p["id"])
            assert p["walk_seconds"] >= straight * 3.6 / 4.5 - 0.1


def test_locate__point_outside_every_precinct_is_404_with_a_reason(client, demo_city):
    response = _locate(client, 71.43, 51.13)  # Astana
    assert response.status_code == 404
    assert response.json()["code"] == "outside_precincts"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": "91", "lon": "76.9"}, "Latitude"),
        ({"lat": "43.2", "lon": "-181"}, "Longitude"),
        ({"lat": "abc", "lon": "76.9"}, "lat"),
        ({"lat": "43.2"}, "lon"),
        ({"lat": "nan", "lon": "76.9"}, "finite"),
    ],
)
def test_locate__bad_coordinates_are_400_naming_the_problem(client, demo_city, params, field):
    response = client.get("/api/v1/locate", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert field in response.json()["detail"]


@pytest.mark.parametrize(
    ("language", "detail"),
    [("ru", "Широта 91.0 вне диапазона -90..90."), ("kk", "Ендік 91.0 -90..90 аралығынан тыс.")],
)
def test_locate__refusal_in_the_request_language(client, demo_city, language, detail):
    response = client.get("/api/v1/locate", {"lat": "91", "lon": "76.9"},
                          HTTP_ACCEPT_LANGUAGE=language)  # fmt: skip
    assert response.status_code == 400
    assert response.json()["detail"] == detail


def test_locate__without_an_imported_network_is_503(client, demo_city, settings, tmp_path):
    settings.PRECINCT_NETWORK_DIR = tmp_path / "none"
    lon, lat = _inside_point(Precinct.objects.first())
    response = _locate(client, lon, lat)
    assert response.status_code == 503
    assert "network import" in response.json()["detail"]


def test_openapi_document_lists_locate(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/locate" in paths
    assert "/api/v1/auth/token" in paths
