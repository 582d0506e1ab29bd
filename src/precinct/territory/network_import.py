"""Import OSM extracts into the regions' road networks (``precinct network import``).

An extract given with a region code goes to that region. Without one, each extract goes to
every region whose area it spans (``MIN_SHARE``), cut by that area: one country extract
fills all the regions, or several regional extracts fill one region each; a region spanned
by several extracts is cut from the smallest. A region's area is its own boundary, else the
union of its departments' boundaries, else of its precincts'. Every extract is checked
and cut before any region is written.
"""

from collections.abc import Callable
from pathlib import Path

import shapely
from django.conf import settings

from precinct.analytics.network import NetworkImportError, build_networks, read_basemap
from precinct.analytics.network import regions as store
from precinct.territory.models import Department, Precinct, Region
from precinct.territory.network import network_dir, network_path

#: An extract goes to the regions it spans at least this share of (its roads' convex hull
#: over the region's area): a city's extract does not spill into the oblast around it.
MIN_SHARE = 0.25


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
        A file is missing or unreadable, a region is unknown, an extract spans no
        region's area, or an extract's regions are all taken by smaller extracts; nothing
        is written then.
    """
    seen: set[Path] = set()
    for path in map(Path, files):
        if not path.is_file():
            raise NetworkImportError(f"{path.name}: file not found ({path})")
        if path.resolve() in seen:
            raise NetworkImportError(f"{path.name}: given twice.")
        seen.add(path.resolve())
    areas = region_areas()
    if region is not None:
        return [_import_into(files, region, areas.get(region), log)]
    if not areas:
        raise NetworkImportError(
            "No region has an area (its own boundary, its departments' or its precincts'): "
            "give the region with --region CODE."
        )
    built = {Path(path): _build(Path(path)) for path in files}
    chosen = _assign(built, areas)
    cuts = {code: store.cut_networks(built[path], areas[code]) for code, path in chosen.items()}
    for code, cut in cuts.items():
        if cut.walk.n_edges == 0 or cut.drive.n_edges == 0:
            raise NetworkImportError(f"{chosen[code].name}: no roads of region {code} in it.")
    basemaps = {path: read_basemap(path) for path in set(chosen.values())}
    return [
        _store(chosen[code], code, cut, basemaps[chosen[code]], areas[code], log)
        for code, cut in cuts.items()
    ]


def _assign(built: dict, areas: dict) -> dict[str, Path]:
    """Region code -> the extract it is cut from: of the extracts covering at least
    ``MIN_SHARE`` of the region's area, the smallest (a city's extract before the country's).
    Every extract must get a region."""
    hulls = {path: store.network_area(networks) for path, networks in built.items()}
    chosen: dict[str, Path] = {}
    for code, area in areas.items():
        covering = [p for p, hull in hulls.items() if _share(area, hull) >= MIN_SHARE]
        if covering:
            chosen[code] = min(covering, key=lambda p: hulls[p].area)
    for path, hull in hulls.items():
        if path in chosen.values():
            continue
        taken = [c for c in chosen if _share(areas[c], hull) >= MIN_SHARE]
        if taken:
            raise NetworkImportError(
                f"{path.name}: region {taken[0]} is also covered by {chosen[taken[0]].name}; "
                "import one extract per region (or a country extract alone)."
            )
        raise NetworkImportError(
            f"{path.name}: the extract overlaps no region's area (covers under "
            f"{MIN_SHARE:.0%} of every region); give it with --region CODE."
        )
    return chosen


def _share(area: shapely.Geometry, hull: shapely.Geometry) -> float:
    """How much of a region's area an extract's roads span (their convex hull)."""
    return shapely.intersection(area, hull).area / area.area if area.area > 0 else 0.0


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
    cut = store.cut_networks(networks, area)
    if cut.walk.n_edges == 0 or cut.drive.n_edges == 0:
        raise NetworkImportError(f"{path.name}: no roads of region {region} in it.")
    return _store(path, region, cut, read_basemap(path), area, log)


def _build(path: Path):
    return build_networks(path, walk_speed_kmh=settings.PRECINCT_WALK_SPEED_KMH)


def _store(path: Path, region: str, cut, basemap, area, log) -> store.RegionImport:
    target = store.save_region(network_dir() / region, cut, area, store.cut_basemap(basemap, area))
    log(
        f"{region}: walking {cut.walk.n_nodes} nodes, {cut.walk.street_km():.0f} km; "
        f"driving {cut.drive.n_nodes} nodes, {cut.drive.street_km():.0f} km (from {path.name})."
    )
    return store.RegionImport(region, path.name, cut.walk.n_nodes, cut.drive.n_nodes, target)


def legacy_network_left() -> bool:
    """Whether a network imported before regions still lies at the top of the directory."""
    return network_path("walk").is_file()
