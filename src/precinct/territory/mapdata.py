"""What the resident's map draws: the walking network as GeoJSON and where the map opens.

The maps need no tile server: the streets themselves come from the imported OSM network,
so a deployment without internet still shows a readable map.
"""

import gzip
import hashlib
import json
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
# Where the map opens when no region has a boundary yet (central Almaty).
DEFAULT_CENTER = (76.945, 43.238)


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


def map_config(*, network_url: str, result_url: str, labels: dict) -> dict:
    """What locate.js needs to draw the map: centre, zoom, data URLs and tile settings."""
    region = Region.objects.exclude(min_lon=None).order_by("id").first()
    if region is not None:
        center = ((region.min_lon + region.max_lon) / 2, (region.min_lat + region.max_lat) / 2)
    else:
        center = DEFAULT_CENTER
    return {
        "center": {"lon": center[0], "lat": center[1]},
        "zoom": 12 if region is not None else 13,
        "networkUrl": network_url,
        "resultUrl": result_url,
        "tileUrl": settings.PRECINCT_TILE_URL,
        "tileAttribution": settings.PRECINCT_TILE_ATTRIBUTION,
        "labels": labels,
    }
