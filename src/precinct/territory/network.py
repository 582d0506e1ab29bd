"""The road networks of the deployment, per region, loaded once per process from the disk.

``precinct network import FILE [FILE...]`` writes each region's walking and driving graphs
into ``PRECINCT_NETWORK_DIR/<region code>/`` (``analytics.network.regions``); a network
imported before regions existed (``walk.npz``, ``drive.npz`` at the top) is still read.
A process loads a region's graphs on first use (memory-mapped, read only: the workers of a
server share the pages) and reloads them when a newer import replaced the files.
"""

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from django.conf import settings
from django.db.models import Count, Max

from precinct.analytics.network import BASEMAP_FILE, Graph, Snapper, load_graph, regions
from precinct.territory.models import Post


class NetworkMissing(RuntimeError):
    """No road network has been imported for the place or region asked about."""


class OutsideRegions(NetworkMissing):
    """Networks are imported, but for other regions than the one holding the point."""


@dataclass(frozen=True)
class LoadedNetwork:
    graph: Graph
    snapper: Snapper
    stamp: tuple[str, float]  # path and version of the files it was loaded from


_lock = threading.Lock()
_loaded: dict[tuple[str, str], LoadedNetwork] = {}
_boundaries: dict[str, tuple] = {}
IMPORT_HINT = "run 'precinct network import FILE.osm.pbf'"


def network_dir() -> Path:
    return Path(settings.PRECINCT_NETWORK_DIR)


def network_path(mode: str) -> Path:
    """Where the legacy single network of a mode ('walk' or 'drive') is cached."""
    return network_dir() / f"{mode}.npz"


def imported_regions() -> list[str]:
    """Codes of the regions whose networks are imported (``PRECINCT_NETWORK_DIR/<code>/``)."""
    return regions.imported_regions(network_dir())


def network_imported(mode: str) -> bool:
    """Whether a network of this mode is imported: the legacy single one or a region's."""
    return network_path(mode).is_file() or bool(imported_regions())


def network(mode: str, *, region: str | None = None) -> LoadedNetwork:
    """The graph and snapper of a mode in ``region`` (a Region code), loaded once per process.

    Without a region: the deployment's single network (the legacy files at the top of
    ``PRECINCT_NETWORK_DIR``, or the one region imported). A region without its own import
    falls back to a legacy single network. Reloaded when a newer import replaced the files.
    """
    if region is not None:
        import_dir = regions.current_import(network_dir() / region)
        if import_dir is not None:
            return _region_network(mode, region, import_dir)
        if network_path(mode).is_file():
            return _legacy_network(mode)
        raise NetworkMissing(
            f"No road network for region {region}: {IMPORT_HINT} (or add --region {region})."
        )
    if network_path(mode).is_file():
        return _legacy_network(mode)
    codes = imported_regions()
    if len(codes) == 1:
        return network(mode, region=codes[0])
    if not codes:
        raise NetworkMissing(f"No {mode} network at {network_path(mode)}: {IMPORT_HINT}.")
    raise NetworkMissing(
        f"Road networks of several regions are imported ({', '.join(codes)}): "
        "this needs a point or a region to choose one."
    )


def networks_by_region(mode: str) -> list[tuple[str | None, LoadedNetwork]]:
    """Every network of the deployment with its region code: ``[(None, single)]`` for a
    network imported before regions or a lone region, else one per imported region."""
    codes = imported_regions()
    if network_path(mode).is_file() or len(codes) <= 1:
        return [(None, network(mode))]
    return [(code, network(mode, region=code)) for code in codes]


def network_at(mode: str, lon: float, lat: float) -> LoadedNetwork:
    """The network of the region whose imported area holds (lon, lat)."""
    code = region_at(lon, lat)
    if code is not None:
        return network(mode, region=code)
    if network_path(mode).is_file() or not imported_regions():
        return network(mode)
    raise OutsideRegions(
        "No road network for this point: it lies outside every imported region "
        f"({', '.join(imported_regions())})."
    )


def region_folder(loaded: LoadedNetwork) -> Path:
    """The folder of the import a network was loaded from (its base map lies there)."""
    return Path(loaded.stamp[0]).parent


def basemap_path(region: str | None = None) -> Path:
    """The base map (``basemap.npz``) imported with the region's networks, else the one of a
    network imported before regions (the file may be missing: nothing imported)."""
    import_dir = regions.current_import(network_dir() / region) if region else None
    return (import_dir or network_dir()) / BASEMAP_FILE


def region_at(lon: float, lat: float) -> str | None:
    """Code of the imported region whose area (the boundary it was cut to) holds the point."""
    for code in imported_regions():
        import_dir = regions.current_import(network_dir() / code)
        if import_dir is None:  # removed since the listing
            continue
        cached = _boundaries.get(code)
        if cached is None or cached[0] != import_dir:
            cached = (import_dir, regions.load_region_boundary(import_dir))
            shapely.prepare(cached[1])
            _boundaries[code] = cached
        if shapely.contains_xy(cached[1], lon, lat):
            return code
    return None


def _legacy_network(mode: str) -> LoadedNetwork:
    path = network_path(mode)
    try:
        stamp = (str(path), path.stat().st_mtime)
    except FileNotFoundError:
        raise NetworkMissing(f"No {mode} network at {path}: {IMPORT_HINT}.") from None
    return _cached(("", mode), stamp, lambda: (load_graph(path), None))


def _region_network(mode: str, region: str, import_dir: Path) -> LoadedNetwork:
    folder = import_dir / mode
    return _cached(
        (region, mode),
        (str(folder), 0.0),
        lambda: (regions.load_graph_dir(folder), regions.load_node_xy(folder)),
    )


def _cached(key: tuple[str, str], stamp: tuple, load) -> LoadedNetwork:
    """The network under ``key``, (re)loaded by ``load() -> (graph, node_xy or None)``."""
    current = _loaded.get(key)
    if current is None or current.stamp != stamp:
        with _lock:
            current = _loaded.get(key)
            if current is None or current.stamp != stamp:
                graph, node_xy = load()
                snapper = Snapper(
                    graph, max_distance_m=settings.PRECINCT_SNAP_MAX_METERS, node_xy=node_xy
                )
                current = _loaded[key] = LoadedNetwork(graph, snapper, stamp)
    return current


def loaded_regions() -> list[str]:
    """The regions whose graphs this process has loaded (lazy loading, for tests)."""
    return sorted({region for region, _ in _loaded if region})


@dataclass(frozen=True)
class PostIndex:
    """Open posts as arrays: their ids, places, the walking-network nodes they stand at
    and how far from them (metres: the access leg from the street to the post's door)."""

    stamp: tuple
    post_ids: np.ndarray
    nodes: np.ndarray
    snap_m: np.ndarray
    lon: np.ndarray
    lat: np.ndarray


def open_posts_index(walk: LoadedNetwork) -> PostIndex:
    """Open posts snapped to the walking network, rebuilt when a post or the network changes.

    Posts farther than the snapping limit from any road are left out: nobody can walk there.
    """
    open_posts = Post.objects.filter(state=Post.State.OPEN)
    agg = open_posts.aggregate(n=Count("id"), last=Max("updated_at"))
    stamp = (walk.stamp, agg["n"], agg["last"])
    current = _posts.get(walk.stamp[0])
    if current is None or current.stamp != stamp:
        rows = np.array(list(open_posts.values_list("id", "lon", "lat")), dtype=np.float64)
        rows = rows.reshape(-1, 3)
        nodes, metres = walk.snapper.snap_many(rows[:, 1], rows[:, 2])
        on = nodes >= 0
        current = PostIndex(
            stamp, rows[on, 0].astype(np.int64), nodes[on], metres[on], rows[on, 1], rows[on, 2]
        )
        _posts[walk.stamp[0]] = current
    return current


_posts: dict[str, PostIndex] = {}
