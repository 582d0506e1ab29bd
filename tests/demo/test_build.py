"""The demo city built from the central-Almaty cut: real inputs, derived territory."""

import re

import shapely
from django.contrib.auth import authenticate
from django.db.models import Sum

from precinct.accounts.models import User
from precinct.territory.models import (
    Department,
    Officer,
    PopulationPoint,
    Post,
    Precinct,
    PrecinctAssignment,
    Region,
)
from tests import factories


def _shape(area):
    return shapely.from_geojson(area.boundary)


def test_residents_sum_to_the_official_total_scaled_to_the_cut(demo_city, db):
    region = Region.objects.get()
    points = PopulationPoint.objects.aggregate(n=Sum("residents"))["n"]
    precincts = Precinct.objects.aggregate(n=Sum("residents"))["n"]
    assert region.population == 2_161_695  # the official figure is kept on the region
    assert points == precincts
    assert 0.1 * 2_161_695 < points < 0.5 * 2_161_695
    assert any("residents scaled" in line for line in demo_city.lines)


def test_precincts_partition_each_department_without_overlap(demo_city, db):
    for department in Department.objects.filter(kind=Department.Kind.DISTRICT):
        outline = _shape(department)
        parts = [_shape(p) for p in department.precincts.all()]
        union = shapely.union_all(parts)
        assert abs(union.area - outline.area) < 1e-6 * max(outline.area, 1e-12) + 1e-9
        assert abs(sum(p.area for p in parts) - union.area) < 1e-7


def test_every_population_point_lies_in_its_precinct(demo_city, db):
    shapes = {p.id: _shape(p) for p in Precinct.objects.all()}
    for point in PopulationPoint.objects.all()[:500]:
        assert shapes[point.precinct_id].buffer(1e-9).contains(shapely.Point(point.lon, point.lat))


def test_provenance_says_what_is_real_and_what_is_derived(demo_city, db):
    assert Region.objects.get().boundary_source == "real"
    districts = Department.objects.filter(kind=Department.Kind.DISTRICT)
    assert {d.boundary_source for d in districts} == {"derived"}
    assert {p.boundary_source for p in Precinct.objects.all()} == {"derived"}
    assert set(Officer.objects.values_list("source", flat=True)) == {"generated"}
    real = Post.objects.filter(source="real")
    assert real.exists() and all(p.osm_ref for p in real)


def test_real_posts_are_police_stations_not_traffic_spots(demo_city, db):
    names = " ".join(Post.objects.filter(source="real").values_list("name", flat=True))
    assert "Засада" not in names and "ГАИ" not in names


def test_every_precinct_has_an_inspector_and_staffing_is_below_the_norm(demo_city, db):
    current = PrecinctAssignment.objects.filter(ends_on__isnull=True)
    assert set(current.values_list("precinct", flat=True)) == set(
        Precinct.objects.values_list("id", flat=True)
    )
    residents = Precinct.objects.aggregate(n=Sum("residents"))["n"]
    inspectors = Officer.objects.filter(role=Officer.Role.INSPECTOR).count()
    assert 0.6 * residents / 3000 < inspectors < residents / 3000


def test_open_posts_have_opening_dates_and_others_planned_dates(demo_city, db):
    assert not Post.objects.filter(state="open", opened_on__isnull=True).exists()
    pending = Post.objects.filter(state__in=["planned", "building"])
    assert pending.exists()
    assert not pending.filter(planned_opening__isnull=True).exists()


def test_demo_accounts_exist_for_every_role_with_the_demo_password(demo_city, db):
    usernames = set(User.objects.values_list("username", flat=True))
    expected = {
        f"demo-{r}" for r in ("inspector", "patrol", "operator", "head", "analyst", "admin")
    }
    assert expected <= usernames
    user = authenticate(
        factories.sign_in_request(), username="demo-head", password=demo_city.password
    )
    assert user is not None and user.role == "head" and user.department is not None
    assert User.objects.get(username="demo-analyst").department is None


def test_names_of_the_demo_in_every_language(demo_city, db):
    from precinct.dispatch.models import Unit
    from precinct.receptions.models import ReceptionSlot

    generated = Post.objects.filter(source="generated")
    assert generated.exists()
    for post in generated:
        assert post.name == f"УПП № {post.precinct.number}"
        assert post.name_kk == f"№ {post.precinct.number} учаскелік полиция пункті"
        assert post.name_en == f"District police post No. {post.precinct.number}"
        assert post.opening_hours == "Mo-Fr 09:00-18:00; Sa 10:00-14:00"
    assert all(p.name_kk and p.name_en for p in Post.objects.all())
    ranks = set(Officer.objects.values_list("rank", flat=True))
    assert ranks <= set(Officer.Rank.values) and "captain" in ranks
    assert all(r.name_kk and r.name_en for r in Region.objects.all())
    slot = ReceptionSlot.objects.first()
    assert slot.place.startswith("Здание") and slot.place_kk and slot.place_en
    assert all(re.fullmatch(r"[А-ЯЁ]{3}\d*-П?\d+", c) for c in Unit.objects.values_list(
        "callsign", flat=True))  # fmt: skip
