"""The demo city built from the central-Almaty cut: real inputs, derived territory."""

import re
from pathlib import Path

import numpy as np
import shapely
from django.contrib.auth import authenticate
from django.db.models import Sum

from precinct.accounts.models import User
from precinct.analytics.network import regions
from precinct.demo import almaty
from precinct.dispatch.models import Incident
from precinct.planning import services as planning_services
from precinct.planning.models import SitingJob
from precinct.territory import network as territory_network
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


# --- the road network: stored as a deployment's region, and the pages route on it ------


def _tile_url(lon: float, lat: float, z: int = 15) -> str:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2 * n)
    return f"/territory/basemap/en/{z}/{x}/{y}.json"


def _central_point() -> tuple[float, float]:
    busiest = Precinct.objects.order_by("-residents").first()
    point = shapely.from_geojson(busiest.boundary).representative_point()
    return point.x, point.y


def test_the_network_is_stored_as_the_region_import_of_a_deployment(demo_city, db, settings):
    top = Path(settings.PRECINCT_NETWORK_DIR)
    assert regions.imported_regions(top) == [almaty.REGION_CODE] == [Region.objects.get().code]
    folder = regions.current_import(top / almaty.REGION_CODE)
    assert (top / almaty.REGION_CODE / "current").is_symlink()
    for mode in ("walk", "drive"):
        assert (folder / mode / "indptr.npy").is_file()
        assert (folder / mode / "meta.json").is_file()
    assert (folder / "boundary.geojson").is_file()
    assert (folder / "basemap.npz").is_file()
    # Nothing of the single-network layout the demo wrote before regions.
    assert not any((top / name).exists() for name in ("walk.npz", "drive.npz", "basemap.npz"))
    # Served as a deployment's: memory-mapped, shared by the server's workers.
    for mode in ("walk", "drive"):
        loaded = territory_network.network(mode)
        assert isinstance(loaded.graph.indices, np.memmap)
        assert territory_network.region_folder(loaded) == folder
    # The region's network area holds the whole city built on it.
    area = regions.load_region_boundary(folder)
    assert area.contains(_shape(Region.objects.get()).representative_point())


def test_the_pages_route_on_the_demo_network(client, demo_city, db):
    lon, lat = _central_point()
    # Locate: walking times to the nearest posts.
    posts = client.get("/api/v1/locate", {"lat": lat, "lon": lon}).json()["posts"]
    assert posts and all(p["walk_seconds"] is not None for p in posts)
    # The 102 recommendation: road times of the units to an open call.
    client.force_login(User.objects.get(username="demo-operator"))
    call = Incident.objects.filter(state="open").first()
    rows = client.get(f"/api/v1/dispatch/incidents/{call.id}/recommendations").json()
    assert any(r["eta_seconds"] is not None and r["kind"] == "car" for r in rows), rows
    # The base map's tiles come from the region's basemap.npz.
    tile = client.get(_tile_url(lon, lat))
    assert tile.status_code == 200
    assert any("k" in f["properties"] for f in tile.json()["features"])  # streets
    # Coverage, patrol sizing and siting draw the region's network.
    client.force_login(User.objects.get(username="demo-analyst"))
    rows = client.get("/api/v1/planning/coverage?minutes=15").json()
    assert sum(r["residents"] for r in rows) > 0
    assert client.get("/planning/coverage/").status_code == 200
    assert client.get("/planning/patrol/").status_code == 200
    job = planning_services.siting_job_create(
        actor=None, minutes=10, k=1, candidates_csv=f"lon,lat\n{lon:.7f},{lat:.7f}\n"
    )
    job = planning_services.siting_job_execute(job_id=job.pk)
    assert job.state == SitingJob.State.DONE, job.error
    assert job.covered_after >= job.covered_before
