"""What the maps draw: base-map tiles from the imported OSM extract, precinct areas, and
where each map opens.

The maps need no tile server: the streets (with their names) and the buildings come from
the imported extract (analytics/network/basemap.py), cut into small GeoJSON tiles here,
so a deployment without internet still shows a readable map.
"""

import gzip
import hashlib
import json
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language, gettext

from precinct.territory.models import Region

DECIMALS = 5
# About ten metres, for precinct polygons drawn at district zoom: it drops most nodes of
# the jagged borders that unions of Voronoi cells have, and no border visibly moves.
AREA_SIMPLIFY_DEG = 1e-4
# Where the map opens when no region has a boundary yet (central Almaty).
DEFAULT_CENTER = (76.945, 43.238)


@dataclass(frozen=True)
class Tile:
    """One encoded base-map tile, plain and gzipped, and its version tag."""

    body: bytes
    gzipped: bytes
    etag: str


@dataclass(frozen=True)
class _Index:
    tiles: "TileIndex"  # noqa: F821 (the analytics core is imported on first use)
    version: str  # changes with every import, so tiles are cached until the next one


_lock = threading.Lock()
_index: dict[str, _Index] = {}
# Encoded tiles by (version, lang, z, x, y), oldest out first: a city at street zoom is a
# few thousand tiles.
_tiles: OrderedDict[tuple, Tile] = OrderedDict()
TILE_CACHE_SIZE = 4096
#: Deepest tile zoom served; the maps scale these up beyond it (512-px tiles: map zoom 17).
MAX_TILE_ZOOM = 16


def street_lines(indptr, indices, lon, lat) -> list[np.ndarray]:
    """Coordinate arrays of the graph's streets, edges joined through pass-through nodes."""
    n = len(lon)
    tails = np.repeat(np.arange(n), np.diff(indptr))
    pairs = np.unique(np.sort(np.c_[tails, indices], axis=1), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    neighbours: dict[int, list[int]] = defaultdict(list)
    for u, v in pairs.tolist():
        neighbours[u].append(v)
        neighbours[v].append(u)
    done: set[tuple[int, int]] = set()

    def walk(start: int, nxt: int) -> list[int]:
        chain = [start]
        prev, node = start, nxt
        while True:
            done.add((min(prev, node), max(prev, node)))
            chain.append(node)
            if len(neighbours[node]) != 2 or node == start:
                return chain
            a, b = neighbours[node]
            prev, node = node, (b if a == prev else a)

    chains = []
    # Chains run between junctions and dead ends; whatever is left are closed rings.
    ends = [v for v, nb in neighbours.items() if len(nb) != 2]
    for start in [*ends, *neighbours]:
        for nxt in neighbours[start]:
            if (min(start, nxt), max(start, nxt)) not in done:
                chains.append(walk(start, nxt))
    return [np.c_[lon[c], lat[c]] for c in chains]


def area_features(shapes: dict[int, shapely.Geometry]) -> dict:
    """Polygons as a GeoJSON FeatureCollection whose feature ids are the dict's keys."""
    ids = list(shapes)
    simple = shapely.simplify(list(shapes.values()), AREA_SIMPLIFY_DEG, preserve_topology=True)
    rounded = shapely.set_precision(simple, 10.0**-DECIMALS)
    features = [
        {"type": "Feature", "id": pk, "properties": {}, "geometry": json.loads(text)}
        for pk, text in zip(ids, shapely.to_geojson(rounded), strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}


def _basemap_index(lon: float, lat: float) -> _Index:
    """The base map of the region holding (lon, lat) with its spatial index, reloaded after
    a newer import (a network imported before regions: its one base map).

    A network imported before the base map existed has no ``basemap.npz``: its walking
    graph is drawn instead (streets without names or buildings) until the next import.
    """
    # The analytics core (and numba) load on first use, so pages without a map never wait.
    from precinct.analytics.network.basemap import (
        BASEMAP_FILE,
        TileIndex,
        from_lines,
        load_basemap,
    )
    from precinct.territory.network import network_at, region_folder

    walk = network_at("walk", lon, lat)  # NetworkMissing when nothing was imported there
    path = region_folder(walk) / BASEMAP_FILE
    try:
        stamp = repr((str(path), path.stat().st_mtime))
    except FileNotFoundError:
        stamp = repr(walk.stamp)
    # The stamp holds the file's path: hash it so the ETag shows nothing of the server.
    version = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    current = _index.get(str(path))
    if current is None or current.version != version:
        with _lock:
            current = _index.get(str(path))
            if current is None or current.version != version:
                if path.exists():
                    basemap = load_basemap(path)
                else:
                    g = walk.graph
                    basemap = from_lines(street_lines(g.indptr, g.indices, g.lon, g.lat))
                current = _index[str(path)] = _Index(TileIndex(basemap), version)
    return current


def tile_centre(z: int, x: int, y: int) -> tuple[float, float]:
    """Longitude and latitude of the centre of web-mercator tile z/x/y (its region's map
    is drawn: a tile across a regions' border shows one side's streets)."""
    n = 2.0**z
    lat = np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * (y + 0.5) / n))))
    return (x + 0.5) / n * 360.0 - 180.0, float(lat)


def basemap_tile(*, z: int, x: int, y: int, lang: str) -> Tile:
    """GeoJSON of the streets (names in ``lang``) and buildings of tile z/x/y.

    The maps draw 512-pixel tiles, so tile z/x/y is shown at map zoom z + 1.
    """
    index = _basemap_index(*tile_centre(z, x, y))
    key = (index.version, lang, z, x, y)
    tile = _tiles.get(key)
    if tile is None:
        collection = index.tiles.tile(z, x, y, map_zoom=z + 1, lang=lang)
        body = json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode()
        tile = Tile(body, gzip.compress(body, 6), f'"{index.version}-{lang}-{z}-{x}-{y}"')
        with _lock:
            _tiles[key] = tile
            while len(_tiles) > TILE_CACHE_SIZE:
                _tiles.popitem(last=False)
    return tile


def map_config(*, result_url: str, labels: dict, bounds: tuple | None = None) -> dict:
    """What a page's map script needs: where to open, data URLs and tile settings.

    With ``bounds`` (min lon, min lat, max lon, max lat) the map opens on them; otherwise
    on the first region with a boundary.
    """
    center, zoom = _first_region_view()
    lang = get_language()
    if lang not in dict(settings.LANGUAGES):
        lang = settings.LANGUAGE_CODE
    # Leaflet's tile template; the digits of a reversed URL are its placeholders.
    sample = reverse("territory:basemap-tile", args=[lang, 1, 2, 3])
    return {
        "center": {"lon": center[0], "lat": center[1]},
        "zoom": zoom,
        "bounds": list(bounds) if bounds is not None else None,
        "basemapUrl": sample.replace("/1/2/3.json", "/{z}/{x}/{y}.json"),
        "maxTileZoom": MAX_TILE_ZOOM,
        "resultUrl": result_url,
        "tileUrl": settings.PRECINCT_TILE_URL,
        "tileAttribution": settings.PRECINCT_TILE_ATTRIBUTION,
        "labels": labels,
        # Leaflet titles its zoom buttons in English ("Zoom in"); the page's language instead.
        "zoomInTitle": gettext("Zoom in"),
        "zoomOutTitle": gettext("Zoom out"),
    }


def _first_region_view() -> tuple[tuple[float, float], int]:
    """Centre and Leaflet zoom of the first region with a boundary (a city at zoom 13)."""
    region = Region.objects.exclude(min_lon=None).order_by("id").first()
    if region is None:
        return DEFAULT_CENTER, 14
    return ((region.min_lon + region.max_lon) / 2, (region.min_lat + region.max_lat) / 2), 13
