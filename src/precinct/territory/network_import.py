"""Import OSM extracts into the regions' road networks (``precinct network import``).

An extract given with a region code goes to that region. Without one, each extract goes to
every region whose area it overlaps, cut by that area: one country extract fills all the
regions, or several regional extracts fill one region each. A region's area is its own
boundary, else the union of its departments' boundaries, else of its precincts'.
"""

from collections.abc import Callable
from pathlib import Path

import shapely
from django.conf import settings

from precinct.analytics.network import NetworkImportError, build_networks, read_basemap
from precinct.analytics.network import regions as store
from precinct.territory.models import Department, Precinct, Region
from precinct.territory.network import network_dir, network_path


def region_areas() -> dict[str, shapely.Geometry]:
    """Each region's area (lon/lat), for the regions that have one."""
    areas = {}
    for region in Region.objects.order_by("code"):
        departments = Department.objects.filter(region=region)
        area = _union([region.boundary])
        area = area or _union(departments.values_list("boundary", flat=True))
        area = area or _union(
            Precinct.objects.filter(department__region=region).values_list("boundary", flat=True)
        )
        if area is not None:
            areas[region.code] = area
    return areas


def _union(boundaries) -> shapely.Geometry | None:
    shapes = [shapely.from_geojson(text) for text in boundaries if text]
    return shapely.make_valid(shapely.union_all(shapes)) if shapes else None


def networks_import(
    files: list[Path], *, region: str | None = None, log: Callable[[str], None] = print
) -> list[store.RegionImport]:
    """Build the graphs of every extract and store them per region; the regions written.

    Raises
    ------
    NetworkImportError
        A file is missing or unreadable, a region is unknown, an extract overlaps no
        region's area, or two extracts fall in the same region; nothing is written then
        for the extract at fault (earlier extracts of the same call are kept).
    """
    for path in files:
        if not Path(path).is_file():
            raise NetworkImportError(f"{Path(path).name}: file not found ({path})")
    areas = region_areas()
    if region is not None:
        return [_import_into(files, region, areas.get(region), log)]
    if not areas:
        raise NetworkImportError(
            "No region has an area (its own boundary, its departments' or its precincts'): "
            "give the region with --region CODE."
        )
    written: list[store.RegionImport] = []
    for path in files:
        written += _import_by_area(Path(path), areas, {r.region: r.source for r in written}, log)
    return written


def _import_into(files, region, area, log) -> store.RegionImport:
    """One extract into the named region, cut to its area when it has one."""
    if len(files) != 1:
        raise NetworkImportError(f"--region {region} takes one extract, {len(files)} were given.")
    if not Region.objects.filter(code=region).exists():
        known = ", ".join(Region.objects.order_by("code").values_list("code", flat=True))
        raise NetworkImportError(f"No region with code {region!r} (known: {known or 'none'}).")
    path = Path(files[0])
    networks = _build(path)
    if area is not None and not area.intersects(store.network_area(networks)):
        raise NetworkImportError(f"{path.name}: the extract lies outside region {region}.")
    area = area or store.network_area(networks)
    return _store(path, region, networks, read_basemap(path), area, log)


def _import_by_area(path: Path, areas, taken: dict[str, str], log) -> list[store.RegionImport]:
    """One extract into every region its roads overlap."""
    networks = _build(path)
    hull = store.network_area(networks)
    codes = [code for code, area in areas.items() if area.intersects(hull)]
    if not codes:
        raise NetworkImportError(
            f"{path.name}: the extract overlaps no region's area; give it with --region CODE."
        )
    for code in codes:
        if code in taken:
            raise NetworkImportError(
                f"{path.name}: region {code} is also covered by {taken[code]}; "
                "import one extract per region (or a country extract alone)."
            )
    basemap = read_basemap(path)
    return [_store(path, code, networks, basemap, areas[code], log) for code in codes]


def _build(path: Path):
    return build_networks(path, walk_speed_kmh=settings.PRECINCT_WALK_SPEED_KMH)


def _store(path: Path, region: str, networks, basemap, area, log) -> store.RegionImport:
    cut = store.cut_networks(networks, area)
    if cut.walk.n_edges == 0 or cut.drive.n_edges == 0:
        raise NetworkImportError(f"{path.name}: no roads of region {region} in the extract.")
    target = store.save_region(network_dir() / region, cut, area, store.cut_basemap(basemap, area))
    log(
        f"{region}: walking {cut.walk.n_nodes} nodes, {cut.walk.street_km():.0f} km; "
        f"driving {cut.drive.n_nodes} nodes, {cut.drive.street_km():.0f} km (from {path.name})."
    )
    return store.RegionImport(region, path.name, cut.walk.n_nodes, cut.drive.n_nodes, target)


def legacy_network_left() -> bool:
    """Whether a network imported before regions still lies at the top of the directory."""
    return network_path("walk").is_file()
