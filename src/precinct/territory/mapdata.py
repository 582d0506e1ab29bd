"""What the resident's map draws: the walking network as GeoJSON and where the map opens.

The maps need no tile server: the streets themselves come from the imported OSM network,
so a deployment without internet still shows a readable map.
"""

import gzip
import hashlib
import json
import math
import threading
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings

from precinct.territory.models import Region

# About one metre: invisible at street zoom, and it drops most nodes of straight streets.
SIMPLIFY_DEG = 1e-5
DECIMALS = 5
# About ten metres, for precinct polygons drawn at district zoom: it drops most nodes of
# the jagged borders that unions of Voronoi cells have, and no border visibly moves.
AREA_SIMPLIFY_DEG = 1e-4
# Where the map opens when no region has a boundary yet (central Almaty).
DEFAULT_CENTER = (76.945, 43.238)
# A map element on a laptop screen (precinct.css: 560 px high), less a margin, for ``fit``.
MAP_PIXELS = (760, 480)


@dataclass(frozen=True)
class NetworkGeoJSON:
    """The encoded FeatureCollection, plain and gzipped, and its version tag."""

    body: bytes
    gzipped: bytes
    etag: str


_lock = threading.Lock()
_cache: dict[str, NetworkGeoJSON] = {}


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


def feature_collection(lines: list[np.ndarray]) -> dict:
    """A GeoJSON FeatureCollection of simplified, rounded LineStrings."""
    geoms = shapely.simplify([shapely.linestrings(line) for line in lines], SIMPLIFY_DEG)
    features = [
        {
            "type": "Feature",
            "properties": {},
            "geometry": {
                "type": "LineString",
                "coordinates": np.round(shapely.get_coordinates(g), DECIMALS).tolist(),
            },
        }
        for g in geoms
    ]
    return {"type": "FeatureCollection", "features": features}


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


def walk_network_geojson() -> NetworkGeoJSON:
    """The walking network as GeoJSON, rebuilt when a newer import replaces the graph."""
    from precinct.territory.network import network  # loads the analytics core lazily

    walk = network("walk")
    # The stamp holds the file's path: hash it so the ETag shows nothing of the server.
    etag = '"walk-' + hashlib.sha256(repr(walk.stamp).encode()).hexdigest()[:16] + '"'
    current = _cache.get("walk")
    if current is None or current.etag != etag:
        with _lock:
            current = _cache.get("walk")
            if current is None or current.etag != etag:
                g = walk.graph
                collection = feature_collection(street_lines(g.indptr, g.indices, g.lon, g.lat))
                body = json.dumps(collection, separators=(",", ":")).encode()
                current = _cache["walk"] = NetworkGeoJSON(body, gzip.compress(body, 6), etag)
    return current


def map_config(
    *, network_url: str, result_url: str, labels: dict, bounds: tuple | None = None
) -> dict:
    """What locate.js needs to draw the map: centre, zoom, data URLs and tile settings.

    With ``bounds`` (min lon, min lat, max lon, max lat) the map opens on them; otherwise
    on the first region with a boundary.
    """
    center, zoom = fit(bounds) if bounds is not None else _first_region_view()
    return {
        "center": {"lon": center[0], "lat": center[1]},
        "zoom": zoom,
        "networkUrl": network_url,
        "resultUrl": result_url,
        "tileUrl": settings.PRECINCT_TILE_URL,
        "tileAttribution": settings.PRECINCT_TILE_ATTRIBUTION,
        "labels": labels,
    }


def _first_region_view() -> tuple[tuple[float, float], float]:
    region = Region.objects.exclude(min_lon=None).order_by("id").first()
    if region is None:
        return DEFAULT_CENTER, 13
    return ((region.min_lon + region.max_lon) / 2, (region.min_lat + region.max_lat) / 2), 12


def fit(bounds: tuple) -> tuple[tuple[float, float], float]:
    """Centre and zoom that show ``bounds`` whole in a map of MAP_PIXELS."""
    min_lon, min_lat, max_lon, max_lat = bounds
    mid_lat = (min_lat + max_lat) / 2
    # MapLibre's world is 512 px wide at zoom 0; Mercator stretches latitude by 1/cos.
    width = max(max_lon - min_lon, 1e-4) / 360
    height = max(max_lat - min_lat, 1e-4) / math.cos(math.radians(mid_lat)) / 360
    zoom = min(math.log2(MAP_PIXELS[0] / 512 / width), math.log2(MAP_PIXELS[1] / 512 / height))
    return ((min_lon + max_lon) / 2, mid_lat), round(min(max(zoom, 1.0), 16.0), 1)
