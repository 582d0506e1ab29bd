"""The road networks of several regions: cut per region, stored as memory-mappable arrays.

Layout of a network directory (``PRECINCT_NETWORK_DIR``)::

    <region code>/current -> <import id>-<suffix>  symlink, swapped atomically by an import
    <region code>/<import id>/walk/<array>.npy  one file per CSR array, plus meta.json
    <region code>/<import id>/drive/...
    <region code>/<import id>/boundary.geojson  the area the graphs were cut to
    <region code>/<import id>/basemap.npz       the maps' streets and buildings

Graphs are loaded with ``np.load(mmap_mode="r")``: the arrays are read-only views of the
files' pages, so every process of a server that loads the same region shares one copy in
the page cache. The reversed graph (incoming edges, for many-to-one queries) and the nodes' metric
coordinates the snapper indexes are stored too, so no process builds a private transpose
or projection (the snapper's k-d tree keeps only its small index arrays private).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from .basemap import Basemap, write_basemap_tmp
from .graph import _ARRAYS, FORMAT_VERSION, Graph, NetworkImportError, _meta_json, graph_from_edges
from .osm import Networks
from .snap import metric_xy

CURRENT = "current"
BOUNDARY_FILE = "boundary.geojson"
MODES = ("walk", "drive")
#: The nodes' metric coordinates the snapper's tree indexes (``snap.metric_xy``).
NODE_XY = "node_xy"
_EDGE_ARRAYS = ("indptr", "indices", "seconds", "meters")
#: The reversed graph's arrays, stored beside the graph's own (the nodes are shared).
_REVERSED = tuple(f"reversed_{name}" for name in _EDGE_ARRAYS)


@dataclass(frozen=True)
class RegionImport:
    """What one region received from an import, for the admin's message."""

    region: str
    source: str
    walk_nodes: int
    drive_nodes: int
    path: Path


def cut_networks(networks: Networks, area: shapely.Geometry) -> Networks:
    """The walking and driving graphs restricted to the nodes inside ``area`` (lon/lat).

    Each graph keeps its largest (for driving: strongly) connected component inside the
    area, so a region's graph never routes through a neighbour's streets.
    """
    return Networks(walk=_cut(networks.walk, area), drive=_cut(networks.drive, area))


def _cut(graph: Graph, area: shapely.Geometry) -> Graph:
    inside = shapely.contains_xy(area, graph.lon, graph.lat)
    tail, head = graph.tails(), graph.indices
    keep = inside[tail] & inside[head]
    return graph_from_edges(
        tail[keep], head[keep], graph.seconds[keep], graph.meters[keep],
        graph.lon, graph.lat, graph.osm_id, mode=graph.mode, source=graph.source,
        created=graph.created, speeds_kmh=dict(graph.speeds_kmh), import_id=graph.import_id,
    )  # fmt: skip


#: How far (degrees, about a centimetre) the area of an extract reaches past its nodes'
#: convex hull: a cut keeps only nodes strictly inside, and the hull's corners are nodes.
_HULL_MARGIN = 1e-7


def network_area(networks: Networks) -> shapely.Geometry:
    """The area a graph covers when no boundary was given: the convex hull of the walking
    and driving nodes, a hair wider so that cutting by it keeps every node."""
    lon = np.concatenate([networks.walk.lon, networks.drive.lon])
    lat = np.concatenate([networks.walk.lat, networks.drive.lat])
    hull = shapely.convex_hull(shapely.multipoints(np.column_stack([lon, lat])))
    return shapely.buffer(hull, _HULL_MARGIN)


def cut_basemap(basemap: Basemap, area: shapely.Geometry) -> Basemap:
    """The streets and buildings with at least one vertex inside ``area``."""
    streets = _parts_inside(basemap.street_xy, basemap.street_offsets, area)
    buildings = _parts_inside(basemap.building_xy, basemap.building_offsets, area)
    street_xy, street_offsets = _take_parts(basemap.street_xy, basemap.street_offsets, streets)
    building_xy, building_offsets = _take_parts(
        basemap.building_xy, basemap.building_offsets, buildings
    )
    return Basemap(
        street_xy=street_xy,
        street_offsets=street_offsets,
        street_class=basemap.street_class[streets],
        names=basemap.names[streets],
        building_xy=building_xy,
        building_offsets=building_offsets,
    )


def _parts_inside(xy: np.ndarray, offsets: np.ndarray, area: shapely.Geometry) -> np.ndarray:
    inside = shapely.contains_xy(area, xy[:, 0], xy[:, 1]).astype(np.int64)
    counts = np.add.reduceat(inside, offsets[:-1]) if len(xy) else np.zeros(0, np.int64)
    return np.flatnonzero(counts[: len(offsets) - 1] > 0)


def _take_parts(xy: np.ndarray, offsets: np.ndarray, parts: np.ndarray):
    lengths = np.diff(offsets)[parts]
    new_offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=new_offsets[1:])
    rows = np.concatenate([np.arange(offsets[i], offsets[i + 1]) for i in parts] or [[]])
    return xy[rows.astype(np.int64)].reshape(-1, 2), new_offsets


def save_region(
    region_dir: Path, networks: Networks, area: shapely.Geometry, basemap: Basemap
) -> Path:
    """Write one region's graphs, boundary and base map, then make them current at once.

    Everything goes into a new directory named by the import; a symlink swap makes it
    current (readers see the old import or the new one, never half of each), and older
    imports are removed. A process that mapped an old file keeps its pages until it reloads.
    """
    region_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=region_dir))
    target = region_dir / f"{networks.walk.import_id[:12]}-{staging.name[len('.import-') :]}"
    try:
        for graph in (networks.walk, networks.drive):
            _write_graph_dir(graph, staging / graph.mode)
        (staging / BOUNDARY_FILE).write_text(shapely.to_geojson(area), encoding="utf-8")
        write_basemap_tmp(basemap, staging).rename(staging / "basemap.npz")
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _make_current(region_dir, target.name)
    for old in region_dir.iterdir():
        if old.is_dir() and not old.is_symlink() and old.name != target.name:
            shutil.rmtree(old, ignore_errors=True)
    return target


def _make_current(region_dir: Path, name: str) -> None:
    link = region_dir / f".{CURRENT}-{name}"
    link.unlink(missing_ok=True)
    link.symlink_to(name)
    os.replace(link, region_dir / CURRENT)


def _write_graph_dir(graph: Graph, directory: Path) -> None:
    directory.mkdir()
    reverse = graph.reversed()
    arrays = {name: getattr(graph, name) for name in _ARRAYS}
    pairs = zip(_REVERSED, _EDGE_ARRAYS, strict=True)
    arrays |= {rev: getattr(reverse, name) for rev, name in pairs}
    arrays[NODE_XY] = metric_xy(graph)
    for name, array in arrays.items():
        np.save(directory / f"{name}.npy", np.ascontiguousarray(array))
    (directory / "meta.json").write_text(_meta_json(graph), encoding="utf-8")


def current_import(region_dir: Path) -> Path | None:
    """The directory of the region's current import (None when nothing was imported)."""
    link = region_dir / CURRENT
    if not link.is_symlink():
        return None
    return region_dir / os.readlink(link)


def imported_regions(network_dir: Path) -> list[str]:
    """Codes of the regions that have a current import, sorted."""
    if not network_dir.is_dir():
        return []
    return sorted(p.name for p in network_dir.iterdir() if current_import(p) is not None)


def load_region_boundary(import_dir: Path) -> shapely.Geometry:
    """The area a region's graphs were cut to."""
    return shapely.from_geojson((import_dir / BOUNDARY_FILE).read_text(encoding="utf-8"))


def load_graph_dir(directory: Path, *, mmap: bool = True) -> Graph:
    """Load a graph written by :func:`save_region`, its reversed graph attached.

    With ``mmap`` the arrays are read-only maps of the files (shared between processes);
    without it they are private in-memory copies (the reference of bench/network_memory.py).
    """
    try:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        arrays = {
            name: np.load(directory / f"{name}.npy", mmap_mode="r" if mmap else None)
            for name in _ARRAYS + _REVERSED
        }
    except (OSError, ValueError) as exc:
        raise NetworkImportError(f"{directory}: damaged or missing graph ({exc})") from exc
    if meta.pop("format_version", None) != FORMAT_VERSION:
        raise NetworkImportError(f"{directory}: an older graph format; import the extract again")
    graph = Graph(**{name: arrays[name] for name in _ARRAYS}, **meta)
    reverse = Graph(
        **{name: arrays[rev] for rev, name in zip(_REVERSED, _EDGE_ARRAYS, strict=True)},
        lon=graph.lon, lat=graph.lat, osm_id=graph.osm_id, **meta,
    )  # fmt: skip
    graph.__dict__["_reversed"] = reverse
    reverse.__dict__["_reversed"] = graph
    return graph


def load_node_xy(directory: Path, *, mmap: bool = True) -> np.ndarray:
    """The stored metric coordinates of a graph's nodes, for ``Snapper(node_xy=...)``."""
    return np.load(directory / f"{NODE_XY}.npy", mmap_mode="r" if mmap else None)
