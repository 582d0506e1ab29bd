"""Coverage of residents by posts along the walking network, per area, and its API."""

import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from precinct.analytics.network.graph import haversine_m
from precinct.core.errors import DomainError
from precinct.planning import inputs
from precinct.planning.coverage import coverage_map, coverage_report
from precinct.territory.models import PopulationPoint, Post
from tests.planning.builders import RESIDENTS_PER_NODE

pytestmark = pytest.mark.django_db


def _expected_within(city, minutes: float, posts) -> float:
    """Reference: residents within the time of a post door to door, by plain Dijkstra
    (scipy) from each post's node, plus both straight legs, at least the straight line."""
    walk = inputs.walk_network()
    pace = 3.6 / 4.5
    post_nodes, post_legs = walk.snapper.snap_many([p.lon for p in posts], [p.lat for p in posts])
    from_post = dijkstra(walk.graph.to_csr_matrix(), indices=post_nodes)
    pts = np.array(list(PopulationPoint.objects.values_list("lon", "lat", "residents")))
    nodes, legs = walk.snapper.snap_many(pts[:, 0], pts[:, 1])
    best = np.full(len(pts), np.inf)
    for k, post in enumerate(posts):
        straight = haversine_m(pts[:, 0], pts[:, 1], post.lon, post.lat)
        walked = from_post[k, nodes] + (legs + post_legs[k]) * pace
        best = np.minimum(best, np.maximum(walked, straight * pace))
    return float(pts[best <= minutes * 60, 2].sum())


def test_coverage__total_follows_the_walking_network(city):
    report = coverage_report(minutes_list=[10, 15], levels=["total"])
    total = report.rows["total"][0]
    assert total.residents == 169 * RESIDENTS_PER_NODE
    assert total.within[0] == _expected_within(city, 10, [city.open_post])
    assert total.within[1] == _expected_within(city, 15, [city.open_post])
    assert 0 < total.within[0] < total.within[1] < total.residents


def test_coverage__what_if_counts_planned_and_building_posts(city):
    today = coverage_report(minutes_list=[10], levels=["total"]).rows["total"][0]
    what_if = coverage_report(minutes_list=[10], what_if=True, levels=["total"]).rows["total"][0]
    posts = [city.open_post, city.building_post, city.planned_post]
    assert what_if.within[0] == _expected_within(city, 10, posts)
    assert what_if.within[0] > today.within[0]


def test_coverage__departments_roll_up_to_the_city(city):
    rows = {r.id: r for r in coverage_report(minutes_list=[15]).rows["department"]}
    t = city.territory
    a, b, whole = rows[t.district_a.id], rows[t.district_b.id], rows[t.city.id]
    assert a.residents == 6 * 13 * RESIDENTS_PER_NODE
    assert whole.residents == a.residents + b.residents
    assert whole.within[0] == a.within[0] + b.within[0]
    # The only open post is in the west: district A is better covered.
    assert a.share(0) > b.share(0)


def test_coverage__precinct_and_region_levels(city):
    report = coverage_report(minutes_list=[15], levels=["precinct", "region"])
    (precinct,) = report.rows["precinct"]
    assert precinct.id == city.territory.precinct_a.id
    assert precinct.residents == 6 * 13 * RESIDENTS_PER_NODE
    (region,) = report.rows["region"]
    assert region.residents == 169 * RESIDENTS_PER_NODE


@pytest.mark.parametrize("minutes", [0, -5, float("nan"), 500])
def test_coverage__bad_walking_time_is_refused(city, minutes):
    with pytest.raises(DomainError) as exc:  # the one rule of walking times
        coverage_report(minutes_list=[minutes])
    assert exc.value.field == "minutes"


def test_coverage_map__covered_and_uncovered_residents_and_isochrone(city):
    data = coverage_map(minutes=10)
    covered = sum(data["points"]["covered"]["residents"])
    uncovered = sum(data["points"]["uncovered"]["residents"])
    assert covered == _expected_within(city, 10, [city.open_post])
    assert covered + uncovered == 169 * RESIDENTS_PER_NODE
    assert data["isochrone"]["type"] in ("Polygon", "MultiPolygon")
    assert {p["state"] for p in data["posts"]} == {"open", "building", "planned"}


# --- API ------------------------------------------------------------------------------
def test_coverage_api__public_list_per_department(client, city):
    response = client.get("/api/v1/planning/coverage?minutes=15")
    assert response.status_code == 200
    rows = {r["department_id"]: r for r in response.json()}
    a = rows[city.territory.district_a.id]
    assert set(a) >= {"department_id", "residents", "residents_within", "share"}
    assert a["residents"] == 7800
    assert a["share"] == pytest.approx(a["residents_within"] / a["residents"], abs=1e-4)
    assert 0 <= a["share"] <= 1


def test_coverage_api__what_if_and_levels(client, city):
    plain = client.get("/api/v1/planning/coverage?minutes=10&level=total").json()[0]
    what_if = client.get("/api/v1/planning/coverage?minutes=10&level=total&what_if=true").json()
    assert what_if[0]["residents_within"] > plain["residents_within"]
    precincts = client.get("/api/v1/planning/coverage?minutes=10&level=precinct").json()
    assert precincts[0]["precinct_id"] == city.territory.precinct_a.id


@pytest.mark.parametrize(
    "query, field",
    [("minutes=0", "minutes"), ("minutes=-3", "minutes"), ("minutes=abc", "minutes"),
     ("minutes=10&level=street", "level")],
)  # fmt: skip
def test_coverage_api__bad_input_is_400_naming_the_field(client, city, query, field):
    response = client.get(f"/api/v1/planning/coverage?{query}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_coverage_api__no_network_is_503(client, db, settings, tmp_path):
    settings.PRECINCT_NETWORK_DIR = tmp_path / "none"
    assert client.get("/api/v1/planning/coverage?minutes=15").status_code == 503


def test_coverage__point_time_uses_nearest_node(city):
    pop = inputs.population()
    assert (pop.node >= 0).all()
    assert np.isclose(pop.total, 16900)


def test_coverage__posts_and_residents_beside_the_street_walk_their_legs(city):
    """A post 150 m off its street node and residents beside the streets: every figure
    (report, map, the reference) walks both legs, and they agree."""
    t = city.territory
    Post.objects.filter(pk=city.open_post.pk).update(lat=city.open_post.lat - 150 / 111_000)
    lon, lat = city.open_post.lon, city.open_post.lat
    beside = [(lon + 0.0004, lat + 0.0002), (lon + 0.011, lat + 0.0041), (lon + 0.0005, lat)]
    PopulationPoint.objects.bulk_create(
        PopulationPoint(region=t.region, department=t.district_a, precinct=t.precinct_a,
                        lon=x, lat=y, residents=7)
        for x, y in beside
    )  # fmt: skip
    without_legs = _reach_on_nodes_only(city, 10)
    report = coverage_report(minutes_list=[10, 15], levels=["total", "department"])
    total = report.rows["total"][0]
    assert total.within[0] == _expected_within(city, 10, [Post.objects.get(pk=city.open_post.pk)])
    assert total.within[0] < without_legs  # the legs cost someone his coverage
    data = coverage_map(minutes=10)
    assert sum(data["points"]["covered"]["residents"]) == round(total.within[0])
    by_id = {r.id: r for r in report.rows["department"]}
    assert by_id[t.city.id].within == total.within


def _reach_on_nodes_only(city, minutes):
    """What the old rule counted: a point's node within the time of the post's node."""
    walk = inputs.walk_network()
    post = Post.objects.get(pk=city.open_post.pk)
    (node,), _ = walk.snapper.snap_many([post.lon], [post.lat])
    times = dijkstra(walk.graph.to_csr_matrix(), indices=node)
    pts = np.array(list(PopulationPoint.objects.values_list("lon", "lat", "residents")))
    nodes, _ = walk.snapper.snap_many(pts[:, 0], pts[:, 1])
    return float(pts[times[nodes] <= minutes * 60, 2].sum())


def test_residents_brought_by_post__those_no_other_open_post_reaches(city):
    from precinct.planning import metrics
    from precinct.territory import services

    report = coverage_report(minutes_list=[15], levels=["precinct"])
    row_a = next(r for r in report.rows["precinct"] if r.id == city.territory.precinct_a.pk)
    # The only open post brings everyone coverage counts (east of the grid has no precinct).
    [brought] = metrics.residents_brought_by_post(post_id=city.open_post.pk, minutes=15)
    assert brought["precinct_id"] == city.territory.precinct_a.pk
    assert brought["residents"] == row_a.residents
    assert brought["residents_brought"] == row_a.within[0] > 0
    assert brought["share"] == row_a.within[0] / row_a.residents
    # A second open post at the same door: neither brings anyone the other does not reach.
    twin = services.post_create(
        department=city.territory.district_a, name="УПП Twin", state=Post.State.OPEN,
        opened_on=city.open_post.opened_on, lon=city.open_post.lon, lat=city.open_post.lat,
    )  # fmt: skip
    assert metrics.residents_brought_by_post(post_id=city.open_post.pk, minutes=15) == []
    assert metrics.residents_brought_by_post(post_id=twin.pk, minutes=15) == []
