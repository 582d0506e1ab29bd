"""Map features of an OSM extract for geocoding and the demo: police, addresses, streets.

Nodes and ways are read; relations (multipolygon buildings, ~1 % of objects) are not.
Closed ways stand for their centroid (planar in lon/lat, fine at building scale).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import osmium

from .graph import NetworkImportError


class PoliceFeature(NamedTuple):
    """An ``amenity=police`` object."""

    osm_type: str  # 'n' or 'w'
    osm_id: int
    lon: float
    lat: float
    tags: dict[str, str]


class AddressFeature(NamedTuple):
    """An object with ``addr:housenumber``."""

    osm_type: str
    osm_id: int
    lon: float
    lat: float
    street: str
    housenumber: str
    city: str
    name: str


class StreetFeature(NamedTuple):
    """A named highway way: its names and its line."""

    osm_id: int
    name: str
    name_ru: str
    name_kk: str
    name_en: str
    other_names: tuple[str, ...]  # alt_name, old_name, … (``;``-lists split)
    lon: float  # a representative point: the middle vertex
    lat: float
    coords: tuple[tuple[float, float], ...]


@dataclass
class OsmFeatures:
    """What :func:`read_features` found."""

    police: list[PoliceFeature] = field(default_factory=list)
    addresses: list[AddressFeature] = field(default_factory=list)
    streets: list[StreetFeature] = field(default_factory=list)
    #: Building centroids, shape (k, 2) as (lon, lat), for spreading population.
    buildings: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))

    def police_stations(self) -> list[PoliceFeature]:
        """The police objects that are stations or posts, not traffic-police spots."""
        return [p for p in self.police if is_police_station(p.tags)]


# Traffic-police names: a speed trap ("Засада"), the road police (ГАИ, ОблГАИ, УДП, ДПС,
# "Дорожная полиция"). Word boundaries so a station's name that merely contains the
# letters is kept.
_TRAFFIC_NAME = re.compile(
    r"\b(засада|гаи|облгаи|удп|дпс|дорожная полиция|дорожной полиции)\b", re.IGNORECASE
)


def is_police_station(tags: Mapping[str, str]) -> bool:
    """Whether an ``amenity=police`` object is a station or post, not a traffic-police spot.

    The Almaty extract maps speed traps and traffic-camera spots as ``amenity=police``
    with ``attention=…``/``att=…`` ("Скорость не более 60 км/ч") or names such as
    "Засада", "ГАИ", "ОблГАИ", "УДП", "Дорожная полиция"; those are not posts.
    """
    if tags.get("amenity") != "police":
        return False
    if "attention" in tags or "att" in tags:
        return False
    return not _TRAFFIC_NAME.search(tags.get("name", ""))


_OTHER_NAME_KEYS = ("alt_name", "old_name", "official_name", "short_name", "loc_name")


class _Collector:
    """Accumulates features object by object, keeping only what is needed."""

    def __init__(self) -> None:
        self.features = OsmFeatures()
        self._buildings: list[tuple[float, float]] = []

    def node(self, obj) -> None:
        tags = obj.tags
        if "amenity" not in tags and "addr:housenumber" not in tags:
            return
        loc = obj.location
        if not loc.valid():
            return
        self._point("n", obj.id, loc.lon, loc.lat, tags)

    def way(self, obj) -> None:
        tags = obj.tags
        wanted = ("highway" in tags and "name" in tags) or any(
            key in tags for key in ("building", "amenity", "addr:housenumber")
        )
        if not wanted:
            return
        coords = [(n.location.lon, n.location.lat) for n in obj.nodes if n.location.valid()]
        if not coords:
            return
        if "highway" in tags and "name" in tags:
            self._street(obj.id, tags, coords)
        lon, lat = _centroid(coords)
        if "building" in tags:
            self._buildings.append((lon, lat))
        self._point("w", obj.id, lon, lat, tags)

    def _point(self, osm_type: str, osm_id: int, lon: float, lat: float, tags) -> None:
        if tags.get("amenity") == "police":
            self.features.police.append(PoliceFeature(osm_type, osm_id, lon, lat, dict(tags)))
        if "addr:housenumber" in tags:
            self.features.addresses.append(
                AddressFeature(
                    osm_type, osm_id, lon, lat,
                    tags.get("addr:street", ""), tags.get("addr:housenumber", ""),
                    tags.get("addr:city", ""), tags.get("name", ""),
                )
            )  # fmt: skip

    def _street(self, osm_id: int, tags, coords: list[tuple[float, float]]) -> None:
        others = tuple(
            name.strip()
            for key in _OTHER_NAME_KEYS
            for name in tags.get(key, "").split(";")
            if name.strip()
        )
        lon, lat = coords[len(coords) // 2]
        self.features.streets.append(
            StreetFeature(
                osm_id, tags.get("name", ""), tags.get("name:ru", ""), tags.get("name:kk", ""),
                tags.get("name:en", ""), others, lon, lat, tuple(coords),
            )
        )  # fmt: skip

    def result(self) -> OsmFeatures:
        if self._buildings:
            self.features.buildings = np.array(self._buildings, dtype=np.float64)
        return self.features


def _centroid(coords: list[tuple[float, float]]) -> tuple[float, float]:
    """Area centroid of a closed ring (shoelace), else the mean of the vertices."""
    xy = np.asarray(coords, dtype=np.float64)
    if len(xy) >= 4 and xy[0, 0] == xy[-1, 0] and xy[0, 1] == xy[-1, 1]:
        # Shift to the first vertex so the cross products stay well conditioned.
        x, y = xy[:, 0] - xy[0, 0], xy[:, 1] - xy[0, 1]
        cross = x[:-1] * y[1:] - x[1:] * y[:-1]
        area = cross.sum() / 2
        if area != 0:
            cx = ((x[:-1] + x[1:]) * cross).sum() / (6 * area)
            cy = ((y[:-1] + y[1:]) * cross).sum() / (6 * area)
            return float(cx + xy[0, 0]), float(cy + xy[0, 1])
        xy = xy[:-1]
    mean = xy.mean(axis=0)
    return float(mean[0]), float(mean[1])


def read_features(pbf_path: str | os.PathLike) -> OsmFeatures:
    """Read police objects, addresses, named streets and building centroids.

    Parameters
    ----------
    pbf_path : str or PathLike
        An OSM extract.

    Returns
    -------
    OsmFeatures

    Raises
    ------
    NetworkImportError
        Missing, empty or unreadable file.
    """
    path = Path(pbf_path)
    if not path.is_file():
        raise NetworkImportError(f"{path.name}: file not found ({path})")
    if path.stat().st_size == 0:
        raise NetworkImportError(f"{path.name}: file is empty")
    collector = _Collector()
    processor = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
    try:
        for obj in processor.with_locations():
            if obj.is_node():
                collector.node(obj)
            else:
                collector.way(obj)
    except RuntimeError as exc:
        raise NetworkImportError(f"{path.name}: not a readable OSM file ({exc})") from exc
    return collector.result()
