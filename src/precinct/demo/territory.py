"""The demo's territory: Almaty's departments, precincts, residents, posts and staff.

Everything is derived from real data (the OSM network, the city boundary, the official
population) with a seeded random generator, so the same seed builds the same city.
"""

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.utils.translation import gettext_lazy
from scipy.spatial import cKDTree

from precinct.analytics import partition
from precinct.analytics.network import Graph, Snapper, multi_source
from precinct.core.i18n import in_every_language
from precinct.demo import almaty, names
from precinct.territory import hours, services
from precinct.territory.models import (
    Department,
    Officer,
    PopulationPoint,
    Post,
    Provenance,
    Region,
)

# A generated post is named after its precinct in each language ("УПП № 12").
POST_NAME = gettext_lazy("District police post No. %(number)s")
POST_HOURS = "Mo-Fr 09:00-18:00; Sa 10:00-14:00"  # OSM syntax, written out per language


@dataclass(frozen=True)
class Staffing:
    """Norms the demo staffs against (configurable; see docs/demo.md for the sources)."""

    residents_per_inspector: int = 3000
    inspectors_per_precinct: int = 2
    staffed_share: float = 0.8  # "somewhat below the norm": ~3,000 inspectors are missing
    patrol_per_district: int = 12
    operators: int = 8
    open_share_of_new_posts: float = 0.7


@dataclass
class CityNodes:
    """The walking-network nodes inside the city, with residents and their labels."""

    index: np.ndarray  # node ids in the walk graph
    lon: np.ndarray
    lat: np.ndarray
    residents: np.ndarray
    cells: np.ndarray  # Voronoi cell of each node, clipped to the city
    district: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    precinct: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def city_area(boundary, walk: Graph):
    """The city polygon, cut to the part the extract's network actually covers."""
    hull = shapely.convex_hull(shapely.multipoints(np.column_stack([walk.lon, walk.lat])))
    area = shapely.intersection(boundary, shapely.buffer(hull, 0.005))
    if area.is_empty:
        raise ValueError("The OSM extract does not overlap the city boundary.")
    return area


def extract_spans(boundary, walk: Graph) -> bool:
    """The extract's network reaches every side of the city's bounding box.

    Empty land inside a spanned city (mountains, reservoirs) has no residents to lose;
    only an extract cut out of the city needs its residents scaled down.
    """
    min_lon, min_lat, max_lon, max_lat = boundary.bounds
    return bool(
        walk.lon.min() <= min_lon
        and walk.lon.max() >= max_lon
        and walk.lat.min() <= min_lat
        and walk.lat.max() >= max_lat
    )


def covered_share(boundary, walk: Graph, cell_m: float = 500.0) -> float:
    """Share of the city's 500 m grid cells that hold at least one walkable node."""
    min_x, min_y, max_x, max_y = _metric_bounds(boundary)
    xs = np.arange(min_x + cell_m / 2, max_x, cell_m)
    ys = np.arange(min_y + cell_m / 2, max_y, cell_m)
    cx, cy = np.meshgrid(xs, ys)
    lon, lat = _from_metric(cx.ravel(), cy.ravel())
    in_city = shapely.contains_xy(boundary, lon, lat)
    node_xy = _metric(walk.lon, walk.lat)
    col = ((node_xy[:, 0] - min_x) // cell_m).astype(np.int64)
    row = ((node_xy[:, 1] - min_y) // cell_m).astype(np.int64)
    ok = (col >= 0) & (col < xs.size) & (row >= 0) & (row < ys.size)
    occupied = np.zeros(cx.size, dtype=bool)
    occupied[row[ok] * xs.size + col[ok]] = True
    return float((occupied & in_city).sum() / max(in_city.sum(), 1))


def _metric_bounds(geometry) -> tuple[float, float, float, float]:
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    (x0, y0), (x1, y1) = _metric(np.array([min_lon, max_lon]), np.array([min_lat, max_lat]))
    return x0, y0, x1, y1


def _from_metric(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return x / (111_320 * np.cos(np.deg2rad(43.25))), y / 110_540


def city_nodes(walk: Graph, area, buildings: np.ndarray, total: int, rng) -> CityNodes:
    """Nodes inside the city, each holding residents in proportion to what is around it."""
    inside = np.flatnonzero(shapely.contains_xy(area, walk.lon, walk.lat))
    if inside.size == 0:
        raise ValueError("No walkable road lies inside the city boundary.")
    lon, lat = walk.lon[inside], walk.lat[inside]
    weights = _residential_weight(walk, inside, buildings)
    # A little seeded noise, so neighbouring streets are not uniform.
    weights *= rng.uniform(0.8, 1.2, size=weights.size)
    residents = partition.apportion(weights, total)
    cells = partition.voronoi_cells(lon, lat, area)
    return CityNodes(inside, lon, lat, residents, cells)


def _residential_weight(walk: Graph, nodes: np.ndarray, buildings: np.ndarray) -> np.ndarray:
    """Street length served by each node, raised where buildings stand close by."""
    half_length = np.add.reduceat(walk.meters, walk.indptr[:-1])[nodes] / 2
    half_length[np.diff(walk.indptr)[nodes] == 0] = 0
    weight = np.maximum(half_length, 10.0)
    if len(buildings):
        xy = _metric(walk.lon[nodes], walk.lat[nodes])
        tree = cKDTree(_metric(buildings[:, 0], buildings[:, 1]))
        nearby = np.array([len(i) for i in tree.query_ball_point(xy, r=150.0)])
        weight *= 1.0 + 3.0 * nearby / max(nearby.mean(), 1e-9)
    return weight


def _metric(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Local equirectangular metres: plenty for seeding within one city."""
    lat0 = np.deg2rad(43.25)
    return np.column_stack([lon * 111_320 * np.cos(lat0), lat * 110_540])


def assign_districts(walk: Graph, snapper: Snapper, nodes: CityNodes) -> list[almaty.District]:
    """Label each city node with the district centre it reaches first on foot."""
    centre_nodes, metres = snapper.snap_many(
        [d.lon for d in almaty.DISTRICTS], [d.lat for d in almaty.DISTRICTS]
    )
    kept = [i for i, node in enumerate(centre_nodes) if node >= 0 and metres[i] <= 2000]
    if not kept:
        raise ValueError("No district centre lies on the imported network.")
    label = _network_voronoi(walk, centre_nodes[kept], nodes)
    # A centre on the network may still win no node inside the city: drop that district.
    present = np.unique(label)
    nodes.district = np.searchsorted(present, label)
    return [almaty.DISTRICTS[kept[i]] for i in present]


def assign_precincts(walk: Graph, nodes: CityNodes, n_districts: int, staffing: Staffing, rng):
    """Label nodes with precincts: seeds where people live, grown along the network."""
    nodes.precinct = np.full(nodes.index.size, -1, dtype=np.int64)
    per_precinct = staffing.residents_per_inspector * staffing.inspectors_per_precinct
    seeds_by_district, offset = [], 0
    for d in range(n_districts):
        member = np.flatnonzero(nodes.district == d)
        people = nodes.residents[member].astype(np.float64)
        k = int(min(max(1, round(people.sum() / per_precinct)), member.size))
        xy = _metric(nodes.lon[member], nodes.lat[member])
        local_seeds = partition.weighted_seeds(xy, people + 1e-6, k, rng)
        label = _network_voronoi(walk, nodes.index[member][local_seeds], nodes, member)
        nodes.precinct[member] = label + offset
        seeds_by_district.append(member[local_seeds])
        offset += local_seeds.size
    return seeds_by_district


def _network_voronoi(walk: Graph, sources: np.ndarray, nodes: CityNodes, member=None):
    """Index of the source each city node (or member subset) reaches first along roads."""
    member = np.arange(nodes.index.size) if member is None else member
    _, nearest = multi_source(walk, np.asarray(sources, dtype=np.int64))
    label = nearest[nodes.index[member]].astype(np.int64)
    unreached = label < 0
    if unreached.any():  # islands of the network: fall back to the straight-line nearest
        tree = cKDTree(_metric(walk.lon[sources], walk.lat[sources]))
        _, label[unreached] = tree.query(
            _metric(nodes.lon[member][unreached], nodes.lat[member][unreached])
        )
    return label


def create_region(population: int) -> Region:
    """The city as a region, with its official population; its boundary comes later
    (:func:`set_region_area`): the region is created before its road network is imported,
    and the city's area is cut to what that network covers."""
    name, name_kk, name_en = almaty.REGION_NAME
    return Region.objects.create(
        code=almaty.REGION_CODE,
        kind=Region.Kind.CITY,
        name=name,
        name_kk=name_kk,
        name_en=name_en,
        timezone="Asia/Almaty",
        population=population,
        population_date=dt.date(2023, 1, 1),
        population_source="Bureau of National Statistics, 1 January 2023",
    )


def set_region_area(region: Region, area) -> None:
    """Give the region its real boundary (the city's, cut to the network's reach)."""
    region.boundary = shapely.to_geojson(area)
    region.boundary_source = Provenance.REAL
    for name, value in _bbox(area).items():
        setattr(region, name, value)
    region.save()


def _bbox(geometry) -> dict:
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    return {"min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat}


def create_departments(region: Region, area, districts, nodes: CityNodes):
    """The city police department and one derived district department per district."""
    code, name, name_kk, name_en = almaty.CITY_DEPARTMENT
    city = services.department_create(
        region=region,
        parent=None,
        kind=Department.Kind.REGIONAL,
        code=code,
        name=name,
        name_kk=name_kk,
        name_en=name_en,
        geometry=area,
        boundary_source=Provenance.REAL,
    )
    polygons = partition.dissolve(nodes.cells, nodes.district, len(districts))
    departments = [
        services.department_create(
            region=region,
            parent=city,
            kind=Department.Kind.DISTRICT,
            code=d.code,
            name=d.name,
            name_kk=d.name_kk,
            name_en=d.name_en,
            geometry=polygon,
            boundary_source=Provenance.DERIVED,
        )
        for d, polygon in zip(districts, polygons, strict=True)
    ]
    return city, departments


def create_precincts(departments, nodes: CityNodes, seeds_by_district):
    """Precinct polygons as unions of their nodes' cells, numbered within each district."""
    n = int(nodes.precinct.max()) + 1
    polygons = partition.dissolve(nodes.cells, nodes.precinct, n)
    residents = np.bincount(nodes.precinct, weights=nodes.residents, minlength=n)
    precincts, label = [], 0
    for department, seeds in zip(departments, seeds_by_district, strict=True):
        for number in range(1, len(seeds) + 1):
            precincts.append(
                services.precinct_create(
                    department=department,
                    number=number,
                    geometry=polygons[label],
                    residents=int(residents[label]),
                    source=Provenance.DERIVED,
                )
            )
            label += 1
    return precincts


def create_population(region, departments, precincts, nodes: CityNodes) -> int:
    """One population point per inhabited node, tagged with its department and precinct."""
    district_of_precinct = {p.id: p.department_id for p in precincts}
    rows = [
        PopulationPoint(
            region=region,
            department_id=district_of_precinct[precincts[label].id],
            precinct=precincts[label],
            lon=float(lon),
            lat=float(lat),
            residents=float(people),
            source=Provenance.DERIVED,
        )
        for lon, lat, people, label in zip(
            nodes.lon, nodes.lat, nodes.residents, nodes.precinct, strict=True
        )
        if people > 0
    ]
    PopulationPoint.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def create_posts(precincts, nodes: CityNodes, seeds_by_district, stations, staffing, rng):
    """Real police stations where OSM has them; generated posts for the other precincts."""
    tree = shapely.STRtree([shapely.from_geojson(p.boundary) for p in precincts])
    served = set()
    posts = []
    for station in stations:
        hit = tree.query(shapely.Point(station.lon, station.lat), predicate="intersects")
        if len(hit) == 0:
            continue
        precinct = precincts[int(hit.min())]
        served.add(precinct.id)
        posts.append(_real_post(precinct, station))
    seeds = np.concatenate(seeds_by_district)
    for precinct, seed in zip(precincts, seeds, strict=True):
        if precinct.id not in served:
            posts.append(_generated_post(precinct, nodes, int(seed), staffing, rng))
    return posts


def _real_post(precinct, station) -> Post:
    tags = station.tags
    # OSM's names where it has them; our pattern in the languages it does not name.
    ours = in_every_language(POST_NAME, number=precinct.number)
    names = {
        "name": tags.get("name") or ours["name"],
        "name_kk": tags.get("name:kk") or ours["name_kk"],
        "name_en": tags.get("name:en") or ours["name_en"],
    }
    return services.post_create(
        department=precinct.department,
        precinct=precinct,
        **names,
        opening_hours=hours.from_russian(tags.get("opening_hours", "")),
        lon=station.lon,
        lat=station.lat,
        state=Post.State.OPEN,
        # OSM has the station since at least the extract's date; the exact day is unknown.
        opened_on=dt.date(2012, 3, 13),
        source=Provenance.REAL,
        osm_ref=f"{station.osm_type}{station.osm_id}",
        address=station.tags.get("addr:street", ""),
    )


def _generated_post(precinct, nodes: CityNodes, seed: int, staffing: Staffing, rng) -> Post:
    """A post at the precinct's seed: most open, the rest planned or being built."""
    return services.post_create(
        department=precinct.department,
        precinct=precinct,
        **in_every_language(POST_NAME, number=precinct.number),
        lon=float(nodes.lon[seed]),
        lat=float(nodes.lat[seed]),
        opening_hours=POST_HOURS,
        phone=f"+7 727 {rng.integers(200, 400)} {rng.integers(10, 99)} {rng.integers(10, 99)}",
        source=Provenance.GENERATED,
        **_post_lifecycle(staffing, rng),
    )


def _post_lifecycle(staffing: Staffing, rng) -> dict:
    """State and dates of a generated post (open since 2019, or due in 2026–2027)."""
    draw = rng.random()
    if draw <= staffing.open_share_of_new_posts:
        opened = dt.date(2019, 1, 1) + dt.timedelta(days=int(rng.integers(0, 2400)))
        return {"state": Post.State.OPEN, "opened_on": opened}
    if draw < (1 + staffing.open_share_of_new_posts) / 2:
        return {
            "state": Post.State.BUILDING,
            "construction_started": dt.date(2025, int(rng.integers(1, 13)), 1),
            "planned_opening": dt.date(2026, int(rng.integers(1, 13)), 1),
        }
    return {
        "state": Post.State.PLANNED,
        "planned_opening": dt.date(2027, int(rng.integers(1, 13)), 1),
    }


def create_staff(city, departments, precincts, staffing: Staffing, rng) -> dict[str, int]:
    """Heads, inspectors (below the norm), patrol officers, operators and analysts."""
    counts = {"head": 0, "inspector": 0, "patrol": 0, "operator": 0, "analyst": 0}
    since = dt.date(2024, 1, 1)
    for department in [city, *departments]:
        _officer(department, Officer.Role.HEAD, rng)
        counts["head"] += 1
    for precinct in precincts:
        needed = precinct.residents / staffing.residents_per_inspector
        actual = max(1, int(np.floor(needed * staffing.staffed_share + rng.random())))
        for _ in range(actual):
            inspector = _officer(precinct.department, Officer.Role.INSPECTOR, rng)
            services.inspector_assign(officer=inspector, precinct=precinct, starts_on=since)
        counts["inspector"] += actual
    for department in departments:
        for _ in range(staffing.patrol_per_district):
            _officer(department, Officer.Role.PATROL, rng)
        counts["patrol"] += staffing.patrol_per_district
    for _ in range(staffing.operators):
        _officer(city, Officer.Role.OPERATOR, rng)
    for _ in range(2):
        _officer(city, Officer.Role.ANALYST, rng)
    counts["operator"], counts["analyst"] = staffing.operators, 2
    return counts


def _officer(department, role: str, rng) -> Officer:
    return Officer.objects.create(
        department=department,
        role=role,
        source=Provenance.GENERATED,
        **names.person(rng, role),
    )
