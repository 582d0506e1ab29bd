"""Every region's road networks: one import cut per region, picked by point, loaded lazily.

The central-Almaty cut stands in for a country extract: two pseudo-regions split it at
longitude 76.95, "west" by its own boundary and "east" by its department's territory.
"""

import datetime as dt
from pathlib import Path

import numpy as np
import osmium
import pytest
import shapely
from django.core.management import CommandError, call_command

from precinct.analytics.network import Snapper, build_networks, one_to_many, regions, save_graph
from precinct.dispatch.models import Incident, Unit, UnitKind
from precinct.dispatch.selectors import recommendations
from precinct.territory import network as network_module
from precinct.territory import services
from precinct.territory.models import Department, PopulationPoint, Post, Provenance, Region
from precinct.territory.network import OutsideRegions, loaded_regions, network, network_at
from tests.conftest import CUT_OSM
from tests.shared_data import SHARED_DATA

ALMATY_OSM = SHARED_DATA / "osm" / "almaty.osm.pbf"

WEST_AREA = shapely.box(76.85, 43.15, 76.95, 43.285)  # the cut's roads span 51 % of it
EAST_AREA = shapely.box(76.95, 43.15, 77.07, 43.285)  # 37 %
BEYOND_AREA = shapely.box(77.20, 43.20, 77.30, 43.30)  # a precinct no region's network covers
WEST_POINT = (76.93, 43.25)
EAST_POINT = (76.9773, 43.2041)  # 2.7 km from the west graph: nothing there snaps
BEYOND_POINT = (77.25, 43.25)


@pytest.fixture
def two_regions(db, settings, tmp_path, monkeypatch):
    """West (own boundary) and east (its department's territory), nothing imported yet;
    this process has loaded no region's graph."""
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    monkeypatch.setattr(network_module, "_loaded", {})
    west = Region.objects.create(
        code="west", kind=Region.Kind.OBLAST, name="Запад", boundary=shapely.to_geojson(WEST_AREA)
    )
    east = Region.objects.create(code="east", kind=Region.Kind.OBLAST, name="Восток")
    for region, area, point in ((west, WEST_AREA, WEST_POINT), (east, EAST_AREA, EAST_POINT)):
        department = _department(region, area)
        services.precinct_create(
            department=department, number=1, geometry=area, source=Provenance.DERIVED
        )
        services.post_create(
            department=department, name=f"Post {region.code}", lon=point[0] + 0.001,
            lat=point[1], state=Post.State.OPEN, opened_on=dt.date(2024, 1, 1),
        )  # fmt: skip
    beyond = _department(east, None, code="beyond")
    services.precinct_create(
        department=beyond, number=2, geometry=BEYOND_AREA, source=Provenance.DERIVED
    )
    return west, east


def _department(region, area, code=None) -> Department:
    return services.department_create(
        region=region, parent=None, kind=Department.Kind.REGIONAL, code=code or f"dp-{region.code}",
        name=f"ДП {region.name}", geometry=area, boundary_source=Provenance.DERIVED,
    )  # fmt: skip


def _import(*args) -> None:
    call_command("network", "import", *[str(a) for a in args])


def test_import__one_extract_is_cut_into_every_region_it_overlaps(two_regions, settings):
    _import(CUT_OSM)
    assert regions.imported_regions(settings.PRECINCT_NETWORK_DIR) == ["east", "west"]
    for code, area in (("west", WEST_AREA), ("east", EAST_AREA)):
        folder = regions.current_import(settings.PRECINCT_NETWORK_DIR / code)
        for mode in ("walk", "drive"):
            graph = regions.load_graph_dir(folder / mode)
            assert graph.n_nodes > 100
            assert shapely.contains_xy(area, graph.lon, graph.lat).all()
        assert regions.load_region_boundary(folder).equals(area)
        assert network_module.basemap_path(code) == folder / "basemap.npz"
        assert (folder / "basemap.npz").is_file()


def test_import__a_new_import_replaces_the_current_one(two_regions, settings):
    _import(CUT_OSM, "--region", "west")
    first = regions.current_import(settings.PRECINCT_NETWORK_DIR / "west")
    _import(CUT_OSM, "--region", "west")
    second = regions.current_import(settings.PRECINCT_NETWORK_DIR / "west")
    assert second != first and not first.exists()
    assert regions.imported_regions(settings.PRECINCT_NETWORK_DIR) == ["west"]


def test_graphs__are_read_only_maps_of_the_files_and_route_like_in_memory_ones(two_regions):
    _import(CUT_OSM)
    loaded = network("drive", region="west")
    drive = loaded.graph
    assert isinstance(drive.seconds, np.memmap) and not drive.seconds.flags.writeable
    assert isinstance(drive.reversed().indices, np.memmap)  # stored, not built per process
    folder = network_module.region_folder(loaded) / "drive"
    in_memory = regions.load_graph_dir(folder, mmap=False)
    assert np.array_equal(one_to_many(drive, 0), one_to_many(in_memory, 0))
    assert np.array_equal(one_to_many(drive.reversed(), 5), one_to_many(in_memory.reversed(), 5))
    # The snapper indexes the stored metric coordinates and snaps as one built from lon/lat.
    lons, lats = np.linspace(76.86, 76.94, 50), np.linspace(43.20, 43.27, 50)
    fresh = Snapper(in_memory, max_distance_m=loaded.snapper.max_distance_m)
    got, want = loaded.snapper.snap_many(lons, lats), fresh.snap_many(lons, lats)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_allclose(got[1], want[1])


def test_locate__each_point_walks_on_its_own_region_graph_loaded_on_first_use(two_regions, client):
    _import(CUT_OSM)
    assert loaded_regions() == []
    west = client.get("/api/v1/locate", {"lon": WEST_POINT[0], "lat": WEST_POINT[1]}).json()
    assert [p["name"] for p in west["posts"]] == ["Post west"]
    assert loaded_regions() == ["west"]  # the east graph is not touched
    east = client.get("/api/v1/locate", {"lon": EAST_POINT[0], "lat": EAST_POINT[1]}).json()
    assert [p["name"] for p in east["posts"]] == ["Post east"]
    assert loaded_regions() == ["east", "west"]
    assert set(network_module._loaded) == {("west", "walk"), ("east", "walk")}


def test_locate__a_point_outside_every_imported_region_is_404(two_regions, client):
    _import(CUT_OSM)
    response = client.get("/api/v1/locate", {"lon": BEYOND_POINT[0], "lat": BEYOND_POINT[1]})
    assert response.status_code == 404
    assert response.json()["code"] == "no_region_network"
    assert "outside every imported region (east, west)" in response.json()["detail"]
    with pytest.raises(OutsideRegions):
        network_at("drive", *BEYOND_POINT)


def test_recommendations__rank_on_the_incident_region_driving_graph(two_regions):
    _import(CUT_OSM)
    near_west = Unit(kind=UnitKind.CAR, callsign="W1", lon=WEST_POINT[0] - 0.01, lat=WEST_POINT[1])
    near_east = Unit(kind=UnitKind.CAR, callsign="E1", lon=EAST_POINT[0] + 0.01, lat=EAST_POINT[1])
    incident = Incident(lon=WEST_POINT[0], lat=WEST_POINT[1])
    ranked = recommendations(incident=incident, units=[near_west, near_east])
    assert [r.unit.callsign for r in ranked if r.eta_seconds is not None] == ["W1"]
    assert set(network_module._loaded) == {("west", "drive")}
    incident = Incident(lon=EAST_POINT[0], lat=EAST_POINT[1])
    ranked = recommendations(incident=incident, units=[near_west, near_east])
    assert [r.unit.callsign for r in ranked if r.eta_seconds is not None] == ["E1"]


def _tile_url(lon: float, lat: float, z: int = 15) -> str:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2 * n)
    return f"/territory/basemap/en/{z}/{x}/{y}.json"


def test_coverage__each_region_walks_on_its_own_graph(two_regions):
    from precinct.planning import inputs
    from precinct.planning.coverage import coverage_report

    west, east = two_regions
    _import(CUT_OSM)
    inputs.clear()
    for region, (lon, lat), residents in (
        (west, WEST_POINT, 100), (east, EAST_POINT, 10), (east, BEYOND_POINT, 1),
    ):  # fmt: skip
        PopulationPoint.objects.create(region=region, lon=lon, lat=lat, residents=residents)
    report = coverage_report(minutes_list=[15], levels=["region", "total"])
    within = {row.id: row.within[0] for row in report.rows["region"]}
    assert within == {west.id: 100, east.id: 10}  # beyond the east network: not covered
    assert report.residents_off_network == 1
    assert report.rows["total"][0].within == [110]


def _residents_in_each_region(west, east) -> None:
    from precinct.planning import inputs

    inputs.clear()
    for region, (lon, lat), residents in (
        (west, WEST_POINT, 100), (east, EAST_POINT, 10), (east, BEYOND_POINT, 1),
    ):  # fmt: skip
        department = Department.objects.get(code=f"dp-{region.code}")
        PopulationPoint.objects.create(
            region=region, department=department, lon=lon, lat=lat, residents=residents
        )


def test_coverage_map__shows_one_region_on_its_own_graph(two_regions, client):
    west, east = two_regions
    _import(CUT_OSM)
    _residents_in_each_region(west, east)
    url = "/planning/coverage/map.json"
    shown = client.get(url, {"minutes": 15, "region": "west"}).json()
    assert [p["name"] for p in shown["posts"]] == ["Post west"]
    assert sum(shown["points"]["covered"]["residents"]) == 100
    assert set(network_module._loaded) == {("west", "walk")}  # east's graph untouched
    # Without a choice: the first region by name ("Восток", east).
    first = client.get(url, {"minutes": 15}).json()
    assert [p["name"] for p in first["posts"]] == ["Post east"]
    assert sum(first["points"]["covered"]["residents"]) == 10
    unknown = client.get(url, {"minutes": 15, "region": "north"})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "region"
    page = client.get("/planning/coverage/", {"region": "west"}).content.decode()
    assert '<option value="west" selected>Запад</option>' in page
    assert "region=west" in page


def test_patrol_sizing__each_zone_travels_on_its_region_graphs(two_regions, settings):
    from precinct.planning.patrol import patrol_sizing

    west, east = two_regions
    _import(CUT_OSM)
    for region in (west, east):  # residents spread over the streets of each region
        walk = network("walk", region=region.code).graph
        department = Department.objects.get(code=f"dp-{region.code}")
        for node in np.linspace(0, walk.n_nodes - 1, 20).astype(int):
            PopulationPoint.objects.create(
                region=region, department=department, lon=walk.lon[node], lat=walk.lat[node],
                residents=50,
            )  # fmt: skip
    report = patrol_sizing(modes=("car",))
    travel = {z.name: z.median_travel_s for z in report.zones}
    assert set(travel) == {"ДП Запад", "ДП Восток"}
    assert all(0 < t < 3600 for t in travel.values()), travel
    assert {("west", "drive"), ("east", "drive")} <= set(network_module._loaded)
    assert report.without_network == []


def test_basemap_tiles__come_from_the_region_of_the_tile(two_regions, client):
    _import(CUT_OSM)
    west = client.get(_tile_url(*WEST_POINT))
    assert west.status_code == 200 and west.json()["features"]
    beyond = client.get(_tile_url(*BEYOND_POINT))
    assert beyond.status_code == 404 and beyond.json()["code"] == "no_region_network"


def test_a_network_imported_before_regions_still_serves_points_outside_them(
    two_regions, settings, capsys
):
    _import(CUT_OSM, "--region", "west")
    legacy = regions.load_graph_dir(
        regions.current_import(settings.PRECINCT_NETWORK_DIR / "west") / "walk", mmap=False
    )
    save_graph(legacy, settings.PRECINCT_NETWORK_DIR / "walk.npz")
    assert network_at("walk", *BEYOND_POINT).stamp[0].endswith("walk.npz")
    assert network_at("walk", *WEST_POINT).stamp[0].endswith("/walk")
    capsys.readouterr()
    _import(CUT_OSM, "--region", "west")
    assert "the network imported before regions" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.osm.pbf"], "missing.osm.pbf: file not found"),
        ([CUT_OSM, "--region", "nowhere"], "No region with code 'nowhere' (known: east, west)"),
        (
            [CUT_OSM, ALMATY_OSM, "--region", "west"],
            "--region west takes one extract, 2 were given",
        ),
        ([CUT_OSM, CUT_OSM], "almaty_cut.osm.pbf: given twice"),
    ],
)
def test_cli__errors_name_the_file_or_region(two_regions, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _import(*args)


def test_cli__the_same_region_in_two_extracts_of_one_size_is_refused(two_regions, tmp_path):
    copy = tmp_path / "copy.osm.pbf"
    copy.write_bytes(CUT_OSM.read_bytes())
    message = r"copy\.osm\.pbf: region east is also covered by almaty_cut\.osm\.pbf"
    with pytest.raises(CommandError, match=message):
        _import(CUT_OSM, copy)
    assert regions.imported_regions(network_module.network_dir()) == []  # nothing written


def _cut_extract(target: Path, west: float, east: float) -> Path:
    """The ways of the cut with a node between two longitudes, complete (a smaller extract)."""
    processor = osmium.FileProcessor(str(CUT_OSM), osmium.osm.NODE | osmium.osm.WAY)
    with osmium.BackReferenceWriter(str(target), ref_src=str(CUT_OSM), overwrite=True) as out:
        for obj in processor.with_locations():
            if obj.is_node() and west <= obj.location.lon <= east:
                out.add_node(obj)
            elif obj.is_way() and any(
                n.location.valid() and west <= n.lon <= east for n in obj.nodes
            ):
                out.add_way(obj)
    return target


def test_import__a_region_spanned_by_two_extracts_is_cut_from_the_smaller(
    two_regions, tmp_path, capsys
):
    west_only = _cut_extract(tmp_path / "west-only.osm.pbf", 76.80, 76.94)
    _import(CUT_OSM, west_only)
    out = capsys.readouterr().out
    assert "west: walking" in out and "(from west-only.osm.pbf)" in out.split("west: ")[1]
    assert "(from almaty_cut.osm.pbf)" in out.split("east: ")[1].split("\n")[0]


def test_cli__an_extract_overlapping_no_region_is_refused(two_regions):
    Region.objects.filter(code="west").update(boundary=shapely.to_geojson(BEYOND_AREA))
    Department.objects.filter(code="dp-east").update(boundary=shapely.to_geojson(BEYOND_AREA))
    with pytest.raises(CommandError, match=r"almaty_cut\.osm\.pbf: the extract overlaps no region"):
        _import(CUT_OSM)


def test_cli__regions_without_any_area_need_the_region_named(db, settings, tmp_path):
    settings.PRECINCT_NETWORK_DIR = tmp_path
    Region.objects.create(code="almaty", kind=Region.Kind.CITY, name="Алматы")
    with pytest.raises(CommandError, match="No region has an area"):
        _import(CUT_OSM)
    _import(CUT_OSM, "--region", "almaty")  # the whole extract, its own hull as the area
    assert regions.imported_regions(tmp_path) == ["almaty"]
    assert network_at("walk", *WEST_POINT).graph.n_nodes > 2000
    # Every node, the hull's corners too (a cut keeps only the nodes strictly inside).
    whole = build_networks(CUT_OSM)
    for mode in ("walk", "drive"):
        assert network_at(mode, *WEST_POINT).graph.n_nodes == getattr(whole, mode).n_nodes
