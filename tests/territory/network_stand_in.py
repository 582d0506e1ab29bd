"""A stand-in for ``precinct.analytics.network`` until the real road-network core is merged.

TEMPORARY: installed into ``sys.modules`` only when the real package cannot be imported,
so the locate page and its tests run end to end today. Once the network branch is merged
this is a no-op; delete it then. It mirrors the API that ``territory.locate`` calls.
"""

import importlib
import itertools
import sys
import types
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

EARTH_RADIUS_M = 6_371_008.8


@dataclass
class Graph:
    indptr: np.ndarray
    indices: np.ndarray
    seconds: np.ndarray
    meters: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    osm_id: np.ndarray
    mode: str = "walk"


_ARRAYS = ("indptr", "indices", "seconds", "meters", "lon", "lat", "osm_id")


def haversine_m(lon1, lat1, lon2, lat2):
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(a, float)) for a in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2
    a += np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


def graph_from_edges(tail, head, seconds, meters, lon, lat, osm_id, *, mode, **meta):
    order = np.lexsort((head, tail))
    tail, head = np.asarray(tail)[order], np.asarray(head)[order]
    n = len(lon)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=n), out=indptr[1:])
    return Graph(
        indptr, head.astype(np.int32), np.asarray(seconds, float)[order],
        np.asarray(meters, float)[order], np.asarray(lon, float), np.asarray(lat, float),
        np.asarray(osm_id, np.int64), mode,
    )  # fmt: skip


def save_graph(graph, path):
    with open(path, "wb") as fh:
        np.savez(fh, **{name: getattr(graph, name) for name in _ARRAYS})


def load_graph(path):
    with np.load(path) as data:
        return Graph(**{name: data[name] for name in _ARRAYS})


class Snapper:
    def __init__(self, graph):
        self.graph = graph

    def snap_many(self, lons, lats):
        lons, lats = np.atleast_1d(lons), np.atleast_1d(lats)
        d = haversine_m(lons[:, None], lats[:, None], self.graph.lon, self.graph.lat)
        nodes = d.argmin(axis=1)
        return nodes, d[np.arange(len(lons)), nodes]

    def snap(self, lon, lat):
        nodes, metres = self.snap_many([lon], [lat])
        return int(nodes[0]), float(metres[0])


def _matrix(graph, weights):
    n = len(graph.lon)
    return csr_matrix((weights, graph.indices, graph.indptr), shape=(n, n))


def one_to_many_with_predecessors(graph, source, targets=None, *, limit=np.inf):
    times, pred = dijkstra(
        _matrix(graph, graph.seconds), indices=source, return_predecessors=True, limit=limit
    )
    pred = np.where(pred < 0, -1, pred)
    return (times if targets is None else times[np.asarray(targets)]), pred


def path_from_predecessors(graph, predecessors, target):
    path = [int(target)]
    while predecessors[path[-1]] >= 0:
        path.append(int(predecessors[path[-1]]))
    path.reverse()
    seconds = meters = 0.0
    for u, v in itertools.pairwise(path):
        lo, hi = graph.indptr[u], graph.indptr[u + 1]
        e = lo + int(np.flatnonzero(graph.indices[lo:hi] == v)[0])
        seconds, meters = seconds + graph.seconds[e], meters + graph.meters[e]
    return path, float(seconds), float(meters)


def install() -> None:
    """Register this module as ``precinct.analytics.network`` if the real one is absent."""
    try:
        importlib.import_module("precinct.analytics.network")
    except ImportError:
        module = types.ModuleType("precinct.analytics.network")
        module.__dict__.update(
            {k: v for k, v in globals().items() if not k.startswith("__") and k != "install"}
        )
        sys.modules["precinct.analytics.network"] = module
        importlib.import_module("precinct.analytics").network = module
