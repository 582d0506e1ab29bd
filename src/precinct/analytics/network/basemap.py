"""The base map of an OSM extract: streets with their names and building footprints.

The routing graphs keep no names and no buildings, yet a resident reads a map by them.
The import writes them once into ``basemap.npz`` (flat coordinate arrays with offsets,
like the graphs); the web maps then ask for small tiles of it, clipped, thinned for the
zoom and without the streets and buildings too small to see there.

Nodes and ways are read; relations (multipolygon buildings, ~1 % of objects) are not.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import osmium
import shapely

from .graph import NetworkImportError

#: Road classes drawn, most important first, with the least map zoom that shows them.
STREET_CLASSES: dict[str, int] = {
    "motorway": 10, "trunk": 10, "primary": 10, "secondary": 11,
    "motorway_link": 13, "trunk_link": 13, "primary_link": 13, "secondary_link": 13,
    "tertiary": 12, "tertiary_link": 14,
    "residential": 14, "unclassified": 14, "living_street": 14, "road": 14,
    "pedestrian": 15, "service": 16, "footway": 16, "path": 16, "steps": 16, "track": 16,
    "cycleway": 16,
}  # fmt: skip
_CLASS_NAMES = tuple(STREET_CLASSES)
_CLASS_MIN_ZOOM = np.array(list(STREET_CLASSES.values()), dtype=np.int8)
#: Buildings appear from this zoom on (a house is then a few pixels wide).
BUILDING_MIN_ZOOM = 15
#: Street names from this zoom on for the major roads, one zoom later for the rest.
NAME_MIN_ZOOM = 14
_MAJOR = 10  # a class whose min zoom is at most this counts as major
#: The name keys kept, in the order of :attr:`Basemap.names`' columns.
NAME_KEYS = ("name", "name:ru", "name:kk", "name:en")
BASEMAP_FILE = "basemap.npz"


@dataclass(frozen=True)
class Basemap:
    """Streets (lines, class, names) and buildings (outer rings) of one extract."""

    street_xy: np.ndarray  # (k, 2) lon, lat of every street vertex
    street_offsets: np.ndarray  # (n + 1,) where each street's vertices start
    street_class: np.ndarray  # (n,) index into STREET_CLASSES
    names: np.ndarray  # (n, 4) strings for NAME_KEYS ("" when untagged)
    building_xy: np.ndarray
    building_offsets: np.ndarray

    @property
    def n_streets(self) -> int:
        return len(self.street_class)

    @property
    def n_buildings(self) -> int:
        return len(self.building_offsets) - 1


class _Reader:
    def __init__(self) -> None:
        self.streets: list[np.ndarray] = []
        self.classes: list[int] = []
        self.names: list[tuple[str, ...]] = []
        self.buildings: list[np.ndarray] = []

    def way(self, obj) -> None:
        tags = obj.tags
        highway = tags.get("highway")
        is_street = highway in STREET_CLASSES and tags.get("area") != "yes"
        if not is_street and "building" not in tags:
            return
        xy = np.array(
            [(n.location.lon, n.location.lat) for n in obj.nodes if n.location.valid()]
        ).reshape(-1, 2)
        if is_street and len(xy) >= 2:
            # West to east, so that a name written along the line is never upside down.
            self.streets.append(xy[::-1] if xy[0, 0] > xy[-1, 0] else xy)
            self.classes.append(_CLASS_NAMES.index(highway))
            self.names.append(tuple(tags.get(key, "") for key in NAME_KEYS))
        elif "building" in tags and len(xy) >= 4 and (xy[0] == xy[-1]).all():
            self.buildings.append(xy)


def _ragged(parts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated (k, 2) coordinates and the offsets where each part starts."""
    lengths = [len(p) for p in parts]
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(lengths)
    xy = np.concatenate(parts) if parts else np.zeros((0, 2))
    return xy.astype(np.float64), offsets


def read_basemap(pbf_path: str | os.PathLike) -> Basemap:
    """Read the drawable streets and the buildings of an OSM extract.

    Raises
    ------
    NetworkImportError
        Missing, empty or unreadable file.
    """
    path = Path(pbf_path)
    if not path.is_file() or path.stat().st_size == 0:
        raise NetworkImportError(f"{path.name}: file not found or empty ({path})")
    reader = _Reader()
    processor = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
    try:
        for obj in processor.with_locations():
            if obj.is_way():
                reader.way(obj)
    except RuntimeError as exc:
        raise NetworkImportError(f"{path.name}: not a readable OSM file ({exc})") from exc
    street_xy, street_offsets = _ragged(reader.streets)
    building_xy, building_offsets = _ragged(reader.buildings)
    return Basemap(
        street_xy=street_xy,
        street_offsets=street_offsets,
        street_class=np.array(reader.classes, dtype=np.int8),
        names=np.array(reader.names, dtype=str).reshape(-1, len(NAME_KEYS)),
        building_xy=building_xy,
        building_offsets=building_offsets,
    )


def from_lines(lines: list[np.ndarray]) -> Basemap:
    """A base map of unnamed residential streets only (from a graph, when no extract is kept)."""
    xy, offsets = _ragged(lines)
    return Basemap(
        street_xy=xy,
        street_offsets=offsets,
        street_class=np.full(len(lines), _CLASS_NAMES.index("residential"), dtype=np.int8),
        names=np.zeros((len(lines), len(NAME_KEYS)), dtype=str),
        building_xy=np.zeros((0, 2)),
        building_offsets=np.zeros(1, dtype=np.int64),
    )


def write_basemap_tmp(basemap: Basemap, directory: Path) -> Path:
    """Write the base map to a temporary file in ``directory`` (renamed by the caller)."""
    fd, name = tempfile.mkstemp(dir=directory, suffix=".npz.tmp")
    with os.fdopen(fd, "wb") as out:
        np.savez(out, **{f: getattr(basemap, f) for f in Basemap.__dataclass_fields__})
    return Path(name)


def load_basemap(path: str | os.PathLike) -> Basemap:
    """Load ``basemap.npz``; a damaged file is a :class:`NetworkImportError`."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return Basemap(**{f: data[f] for f in Basemap.__dataclass_fields__})
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise NetworkImportError(f"{Path(path).name}: damaged base map ({exc})") from exc


class TileIndex:
    """A base map's geometries with a spatial index, to cut tiles from."""

    def __init__(self, basemap: Basemap) -> None:
        self.basemap = basemap
        self.streets = _geometries(shapely.linestrings, basemap.street_xy, basemap.street_offsets)
        rings = _geometries(shapely.linearrings, basemap.building_xy, basemap.building_offsets)
        self.buildings = shapely.polygons(rings)
        self.street_tree = shapely.STRtree(self.streets)
        self.building_tree = shapely.STRtree(self.buildings)

    def tile(self, z: int, x: int, y: int, *, map_zoom: int, lang: str) -> dict:
        """GeoJSON of tile (z, x, y) as drawn at ``map_zoom``, names in ``lang`` if tagged."""
        bounds = tile_bounds(z, x, y)
        # A pixel at map_zoom, in degrees of longitude: thinner detail cannot be seen.
        pixel = 360 / (256 * 2**map_zoom)
        box = shapely.box(*bounds)
        features = self._streets(box, map_zoom, pixel, lang)
        if map_zoom >= BUILDING_MIN_ZOOM:
            features += self._buildings(box, pixel)
        return {"type": "FeatureCollection", "features": features}

    def _streets(self, box, map_zoom: int, pixel: float, lang: str) -> list[dict]:
        b = self.basemap
        hits = self.street_tree.query(box)
        hits = hits[_CLASS_MIN_ZOOM[b.street_class[hits]] <= map_zoom]
        # Lines run a few pixels past the edge so that neighbouring tiles join without gaps.
        margin = shapely.buffer(box, 4 * pixel, join_style="mitre")
        clipped = shapely.clip_by_rect(self.streets[hits], *margin.bounds)
        simple = shapely.simplify(clipped, pixel / 2)
        out = []
        # Major roads last, so that they are drawn over the minor ones.
        for i in np.argsort(-b.street_class[hits], kind="stable"):
            geometry = _geojson(simple[i], pixel)
            if geometry is None:
                continue
            cls = int(b.street_class[hits[i]])
            props = {"k": _CLASS_NAMES[cls]}
            name_zoom = NAME_MIN_ZOOM if _CLASS_MIN_ZOOM[cls] <= _MAJOR else NAME_MIN_ZOOM + 1
            name = local_name(b.names[hits[i]], lang) if map_zoom >= name_zoom else ""
            if name:
                props["n"] = name
            out.append({"type": "Feature", "properties": props, "geometry": geometry})
        return out

    def _buildings(self, box, pixel: float) -> list[dict]:
        hits = np.sort(self.building_tree.query(box, predicate="intersects"))
        simple = shapely.simplify(self.buildings[hits], pixel / 2, preserve_topology=True)
        # Houses smaller than a pixel or two are noise at this zoom.
        big = shapely.area(simple) >= (1.5 * pixel) ** 2
        features = []
        for geometry in simple[big]:
            encoded = _geojson(geometry, pixel)
            if encoded is not None:
                features.append({"type": "Feature", "properties": {"b": 1}, "geometry": encoded})
        return features


def _geometries(make, xy: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    if len(offsets) <= 1:
        return np.array([], dtype=object)
    indices = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    return make(xy, indices=indices)


def _geojson(geometry, pixel: float) -> dict | None:
    """A geometry's GeoJSON with coordinates rounded to about a pixel, or None if empty."""
    if geometry is None or shapely.is_empty(geometry):
        return None
    # 5 decimals (about a metre) at street zoom; fewer when a pixel is larger than that.
    decimals = int(min(5, max(3, np.ceil(-np.log10(pixel)))))
    rounded = shapely.set_precision(geometry, 10.0**-decimals)
    if shapely.is_empty(rounded):
        return None
    return shapely.geometry.mapping(rounded)


def local_name(names: np.ndarray, lang: str) -> str:
    """The street's name in ``lang`` (``name:<lang>``), else its plain ``name``."""
    by_key = dict(zip(NAME_KEYS, names.tolist(), strict=True))
    return by_key.get(f"name:{lang}") or by_key["name"]


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of the web-mercator tile z/x/y."""
    n = 2**z

    def lat(row: int) -> float:
        return float(np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * row / n)))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)
