"""OSM import: who may use which road, and building the walking and driving graphs."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import osmium

from .basemap import BASEMAP_FILE, read_basemap, write_basemap_tmp
from .graph import (
    Graph,
    NetworkImportError,
    graph_from_edges,
    haversine_m,
    load_graph,
    write_graph_tmp,
)

#: Urban driving speeds by ``highway=*`` class, km/h. Links run a bit below their parent.
DEFAULT_DRIVE_SPEEDS_KMH: dict[str, float] = {
    "motorway": 80,
    "motorway_link": 60,
    "trunk": 70,
    "trunk_link": 50,
    "primary": 60,
    "primary_link": 45,
    "secondary": 50,
    "secondary_link": 40,
    "tertiary": 40,
    "tertiary_link": 30,
    "unclassified": 30,
    "residential": 30,
    "road": 30,
    "living_street": 10,
    "service": 15,
}

DEFAULT_WALK_SPEED_KMH = 4.5

#: Highways a pedestrian may use unless tagged otherwise.
WALK_HIGHWAYS = frozenset(
    {
        "footway", "path", "pedestrian", "steps", "corridor", "crossing", "track",
        "residential", "living_street", "service", "unclassified", "road", "unsurfaced",
        "primary", "primary_link", "secondary", "secondary_link", "tertiary",
        "tertiary_link",
        # Trunk avenues in Kazakh cities (Al-Farabi, Ryskulov) have sidewalks; walkers
        # use them unless a way says foot=no.
        "trunk", "trunk_link",
    }
)  # fmt: skip

#: Highways closed to pedestrians unless ``foot=yes`` (or designated/permissive).
WALK_ONLY_IF_FOOT = frozenset({"motorway", "motorway_link", "cycleway", "bridleway"})

#: Highways open to cars only with an explicit motor access tag.
CAR_ONLY_IF_ALLOWED = frozenset({"footway", "path", "pedestrian", "steps", "cycleway", "track"})

_YES = frozenset({"yes", "designated", "permissive", "destination"})
_NO = frozenset({"no", "private"})


def _access(tags: Mapping[str, str], keys: tuple[str, ...]) -> str | None:
    """The most specific access value among ``keys`` (most specific first), or None."""
    for key in keys:
        value = tags.get(key)
        if value is not None:
            return value
    return None


def is_walkable(tags: Mapping[str, str]) -> bool:
    """Whether a way with these tags may be walked (in both directions)."""
    highway = tags.get("highway")
    if highway is None or tags.get("area") == "yes":
        return False
    access = _access(tags, ("foot", "access"))
    if access in _NO:
        return False
    if highway in WALK_ONLY_IF_FOOT:
        return tags.get("foot") in _YES
    return highway in WALK_HIGHWAYS


def drive_speed_kmh(tags: Mapping[str, str], speeds_kmh: Mapping[str, float]) -> float | None:
    """Car speed on a way with these tags, or None when cars may not use it."""
    highway = tags.get("highway")
    if highway is None or tags.get("area") == "yes":
        return None
    access = _access(tags, ("motorcar", "motor_vehicle", "vehicle", "access"))
    if access in _NO:
        return None
    if highway in CAR_ONLY_IF_ALLOWED:
        if access not in _YES:
            return None
        return speeds_kmh.get("service", 15.0)
    return speeds_kmh.get(highway)


def oneway(tags: Mapping[str, str]) -> int:
    """Driving direction: 0 both ways, 1 along the way, -1 against it.

    Motorways and roundabouts are one-way unless tagged ``oneway=no``.
    """
    value = tags.get("oneway")
    if value in ("yes", "1", "true"):
        return 1
    if value in ("-1", "reverse"):
        return -1
    if value == "no":
        return 0
    if tags.get("highway") == "motorway" or tags.get("junction") in ("roundabout", "circular"):
        return 1
    return 0


@dataclass(frozen=True)
class Networks:
    """The walking and driving graphs of one import."""

    walk: Graph
    drive: Graph


@dataclass(frozen=True)
class _Ways:
    """Highway ways as flat arrays: node refs and coordinates, with per-way attributes."""

    way_of_node: np.ndarray  # index of the way each ref belongs to
    ref: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    walk: np.ndarray  # per way: walkable
    drive_kmh: np.ndarray  # per way: car speed, 0 when closed to cars
    direction: np.ndarray  # per way: see oneway()


def _read_ways(path: Path, speeds_kmh: Mapping[str, float]) -> _Ways:
    """Read the highway ways of ``path`` with node locations into flat arrays."""
    way_of_node: list[int] = []
    refs: list[int] = []
    lons: list[float] = []
    lats: list[float] = []
    walk: list[bool] = []
    drive: list[float] = []
    direction: list[int] = []
    # Every node must reach the location index, so filter ways here, not with a
    # libosmium filter (which would also drop untagged nodes before they are indexed).
    processor = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
    for obj in processor.with_locations():
        if not obj.is_way() or "highway" not in obj.tags:
            continue
        tags = dict(obj.tags)
        walkable = is_walkable(tags)
        speed = drive_speed_kmh(tags, speeds_kmh)
        if not walkable and not speed:
            continue
        index = len(walk)
        for node in obj.nodes:
            location = node.location
            if not location.valid():
                # A ref to a node outside the extract: the way is cut there.
                index_gap = -1 - index
                way_of_node.append(index_gap)
                refs.append(node.ref)
                lons.append(0.0)
                lats.append(0.0)
                continue
            way_of_node.append(index)
            refs.append(node.ref)
            lons.append(location.lon)
            lats.append(location.lat)
        walk.append(walkable)
        drive.append(speed or 0.0)
        direction.append(oneway(tags))
    return _Ways(
        way_of_node=np.array(way_of_node, dtype=np.int64),
        ref=np.array(refs, dtype=np.int64),
        lon=np.array(lons, dtype=np.float64),
        lat=np.array(lats, dtype=np.float64),
        walk=np.array(walk, dtype=bool),
        drive_kmh=np.array(drive, dtype=np.float64),
        direction=np.array(direction, dtype=np.int8),
    )


def _segments(ways: _Ways) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Consecutive node pairs of the same way, as (start ref index, end ref index, way)."""
    w = ways.way_of_node
    # A pair is a segment when both refs belong to the same way and both are located;
    # refs outside the extract carry a negative way index and so break the chain.
    same = (w[1:] == w[:-1]) & (w[1:] >= 0)
    start = np.flatnonzero(same)
    return start, start + 1, w[start]


def build_networks(
    pbf_path: str | os.PathLike,
    *,
    walk_speed_kmh: float = DEFAULT_WALK_SPEED_KMH,
    drive_speeds_kmh: Mapping[str, float] | None = None,
) -> Networks:
    """Build the walking and driving graphs from an OSM extract.

    Parameters
    ----------
    pbf_path : str or PathLike
        An ``.osm.pbf`` (or any format libosmium reads, e.g. ``.osm``).
    walk_speed_kmh : float
        Walking speed for every footway and street.
    drive_speeds_kmh : mapping, optional
        Road class -> km/h; defaults to :data:`DEFAULT_DRIVE_SPEEDS_KMH`. Classes missing
        from the mapping are closed to cars.

    Returns
    -------
    Networks
        ``walk`` (undirected, stored both ways, largest connected component) and ``drive``
        (one-way streets honoured, largest strongly connected component).

    Raises
    ------
    NetworkImportError
        Missing, empty or unreadable file, or no usable roads for a mode.
    """
    path = Path(pbf_path)
    speeds = dict(DEFAULT_DRIVE_SPEEDS_KMH if drive_speeds_kmh is None else drive_speeds_kmh)
    ways = _read_extract(path, speeds)
    meta = {
        "source": path.name,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "import_id": uuid.uuid4().hex,
    }
    a, b, way = _segments(ways)
    meters = haversine_m(ways.lon[a], ways.lat[a], ways.lon[b], ways.lat[b])
    # Ways share intersection nodes: number refs by OSM node id so shared nodes join up.
    osm_id, first, node_of_ref = np.unique(ways.ref, return_index=True, return_inverse=True)
    a, b = node_of_ref[a], node_of_ref[b]
    nodes = (ways.lon[first], ways.lat[first], osm_id)

    on_foot = ways.walk[way]
    walk_s = meters[on_foot] / (walk_speed_kmh / 3.6)
    wa, wb, wm = a[on_foot], b[on_foot], meters[on_foot]
    walk = graph_from_edges(
        np.concatenate([wa, wb]), np.concatenate([wb, wa]),
        np.concatenate([walk_s, walk_s]), np.concatenate([wm, wm]),
        *nodes, mode="walk", speeds_kmh={"foot": walk_speed_kmh}, **meta,
    )  # fmt: skip

    by_car = ways.drive_kmh[way] > 0
    da, db, dm, dway = a[by_car], b[by_car], meters[by_car], way[by_car]
    drive_s = dm / (ways.drive_kmh[dway] / 3.6)
    direction = ways.direction[dway]
    fwd, back = direction >= 0, direction <= 0
    drive = graph_from_edges(
        np.concatenate([da[fwd], db[back]]), np.concatenate([db[fwd], da[back]]),
        np.concatenate([drive_s[fwd], drive_s[back]]), np.concatenate([dm[fwd], dm[back]]),
        *nodes, mode="drive", speeds_kmh=speeds, **meta,
    )  # fmt: skip

    for graph, what in ((walk, "walking"), (drive, "driving")):
        if graph.n_edges == 0:
            raise NetworkImportError(f"{path.name}: no usable roads for {what}")
    return Networks(walk=walk, drive=drive)


def _read_extract(path: Path, speeds: Mapping[str, float]) -> _Ways:
    """Read the ways, turning libosmium's errors into :class:`NetworkImportError`."""
    if not path.exists():
        raise NetworkImportError(f"{path.name}: file not found ({path})")
    if path.is_dir():
        raise NetworkImportError(f"{path.name}: is a directory, not an OSM extract")
    if path.stat().st_size == 0:
        raise NetworkImportError(f"{path.name}: file is empty")
    try:
        return _read_ways(path, speeds)
    except RuntimeError as exc:  # libosmium reports format errors as RuntimeError
        raise NetworkImportError(f"{path.name}: not a readable OSM file ({exc})") from exc


@dataclass(frozen=True)
class ImportReport:
    """What an import produced, for the admin's message."""

    source: str
    walk_nodes: int
    walk_edges: int
    walk_km: float
    drive_nodes: int
    drive_edges: int
    drive_km: float
    walk_path: Path
    drive_path: Path


WALK_FILE = "walk.npz"
DRIVE_FILE = "drive.npz"


def import_networks(
    pbf_path: str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    walk_speed_kmh: float = DEFAULT_WALK_SPEED_KMH,
    drive_speeds_kmh: Mapping[str, float] | None = None,
) -> ImportReport:
    """Build both graphs and write ``walk.npz``, ``drive.npz`` and the maps' streets and
    buildings (``basemap.npz``, see :mod:`.basemap`) into ``out_dir``.

    All files are written completely to temporary files first and only then renamed over
    the old ones, so a failed import (bad file, full disk) leaves the old graphs intact.
    The two renames are not one atomic step; :func:`load_networks` checks that both files
    come from the same import.

    Returns
    -------
    ImportReport
        Node, edge and street-km counts per mode.
    """
    networks = build_networks(
        pbf_path, walk_speed_kmh=walk_speed_kmh, drive_speeds_kmh=drive_speeds_kmh
    )
    basemap = read_basemap(pbf_path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tmp_files: list[Path] = []
    try:
        for graph in (networks.walk, networks.drive):
            tmp_files.append(write_graph_tmp(graph, out))
        tmp_files.append(write_basemap_tmp(basemap, out))
        os.replace(tmp_files[0], out / WALK_FILE)
        os.replace(tmp_files[1], out / DRIVE_FILE)
        os.replace(tmp_files[2], out / BASEMAP_FILE)
    finally:
        for tmp in tmp_files:
            tmp.unlink(missing_ok=True)
    walk, drive = networks.walk, networks.drive
    return ImportReport(
        source=walk.source,
        walk_nodes=walk.n_nodes,
        walk_edges=walk.n_edges,
        walk_km=walk.street_km(),
        drive_nodes=drive.n_nodes,
        drive_edges=drive.n_edges,
        drive_km=drive.street_km(),
        walk_path=out / WALK_FILE,
        drive_path=out / DRIVE_FILE,
    )


def load_networks(directory: str | os.PathLike) -> Networks:
    """Load the graphs written by :func:`import_networks`.

    Raises
    ------
    NetworkImportError
        A file is missing or damaged, or the two files come from different imports.
    """
    directory = Path(directory)
    walk = load_graph(directory / WALK_FILE)
    drive = load_graph(directory / DRIVE_FILE)
    if walk.import_id != drive.import_id:
        raise NetworkImportError(
            f"{directory.name}: {WALK_FILE} and {DRIVE_FILE} come from different imports; "
            "import the OSM extract again"
        )
    return Networks(walk=walk, drive=drive)
