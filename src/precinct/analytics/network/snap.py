"""Snapping points (a call's address, a post) to the nearest node of a street graph."""

from __future__ import annotations

import numpy as np
from pyproj import Transformer
from scipy.spatial import cKDTree

from .graph import Graph


class OutsideNetworkError(ValueError):
    """The point is farther than the snapper's ``max_distance_m`` from every node."""

    def __init__(self, lon: float, lat: float, metres: float, max_distance_m: float):
        super().__init__(
            f"point ({lon:.6f}, {lat:.6f}) is {metres:.0f} m from the nearest street node, "
            f"more than {max_distance_m:.0f} m: outside the network"
        )
        self.metres = metres


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS84 UTM zone containing ``(lon, lat)`` (Almaty: 32643)."""
    zone = int((lon + 180.0) // 6.0) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


def centre_epsg(graph: Graph) -> int:
    """The UTM zone of the network's centre: distortion under 0.1 % across a city."""
    return utm_epsg(float(np.median(graph.lon)), float(np.median(graph.lat)))


def metric_xy(graph: Graph) -> np.ndarray:
    """The nodes' coordinates in metres in :func:`centre_epsg`'s zone, shape (n, 2)."""
    to_metric = Transformer.from_crs(4326, centre_epsg(graph), always_xy=True)
    return np.column_stack(to_metric.transform(graph.lon, graph.lat))


class Snapper:
    """Nearest graph node of a lon/lat point, in metres, via a UTM projection and a k-d tree.

    Parameters
    ----------
    graph : Graph
    max_distance_m : float
        Points farther than this from every node are outside the network.
    node_xy : ndarray of float64, shape (n, 2), optional
        The nodes' :func:`metric_xy`, when stored with the graph: the tree then indexes
        these (memory-mapped, shared) coordinates instead of a private projection.
    """

    def __init__(
        self, graph: Graph, max_distance_m: float = 1000.0, *, node_xy: np.ndarray | None = None
    ):
        if graph.n_nodes == 0:
            raise ValueError("cannot snap to an empty graph")
        self.graph = graph
        self.max_distance_m = float(max_distance_m)
        self.epsg = centre_epsg(graph)
        self._to_metric = Transformer.from_crs(4326, self.epsg, always_xy=True)
        self._tree = cKDTree(metric_xy(graph) if node_xy is None else node_xy)

    def snap_many(self, lons, lats) -> tuple[np.ndarray, np.ndarray]:
        """Nearest nodes of many points.

        Returns
        -------
        nodes : ndarray of int64
            Nearest node per point; -1 where it is farther than ``max_distance_m`` or the
            coordinates are not finite.
        metres : ndarray of float64
            Distance to the nearest node (also given for points outside; inf for NaN).
        """
        lons = np.atleast_1d(np.asarray(lons, dtype=np.float64))
        lats = np.atleast_1d(np.asarray(lats, dtype=np.float64))
        x, y = self._to_metric.transform(lons, lats)
        nodes = np.full(len(x), -1, dtype=np.int64)
        metres = np.full(len(x), np.inf)
        # A missing coordinate (NaN) is "outside", not an error for the whole batch.
        ok = np.isfinite(x) & np.isfinite(y)
        if ok.any():
            metres[ok], nodes[ok] = self._tree.query(np.column_stack([x[ok], y[ok]]))
        nodes[metres > self.max_distance_m] = -1
        return nodes, metres

    def snap(self, lon: float, lat: float) -> tuple[int, float]:
        """Nearest node of one point and its distance in metres.

        Raises
        ------
        OutsideNetworkError
            If the nearest node is farther than ``max_distance_m``.
        """
        nodes, metres = self.snap_many([lon], [lat])
        if nodes[0] < 0:
            raise OutsideNetworkError(lon, lat, float(metres[0]), self.max_distance_m)
        return int(nodes[0]), float(metres[0])
