"""A street grid as a routing graph, without Django: the dispatch tests save it as the
network of their territory, the analytics tests route on it directly."""

import numpy as np

from precinct.analytics.network.graph import Graph, graph_from_edges, haversine_m

# 11 x 11 streets about 160 m apart inside the test territory's district A (76.88-76.92,
# 43.22-43.27).
LON0, LAT0, STEP_LON, STEP_LAT, N = 76.890, 43.230, 0.002, 0.0015, 11
WALK_MPS, DRIVE_MPS = 4.5 / 3.6, 36 / 3.6
CENTRE = (LON0 + 5 * STEP_LON, LAT0 + 5 * STEP_LAT)


def grid_point(i: int, j: int) -> tuple[float, float]:
    """Coordinates of grid node (i east, j north)."""
    return LON0 + i * STEP_LON, LAT0 + j * STEP_LAT


def grid_node(i: int, j: int) -> int:
    """Index of grid node (i east, j north) in :func:`grid_graph`."""
    return i * N + j


def grid_graph(mode: str, mps: float) -> Graph:
    """Every street both ways at ``mps`` metres a second."""
    i, j = np.meshgrid(np.arange(N), np.arange(N), indexing="ij")
    lon = (LON0 + i * STEP_LON).ravel()
    lat = (LAT0 + j * STEP_LAT).ravel()
    node = np.arange(N * N).reshape(N, N)
    pairs = np.concatenate(
        [np.c_[node[:-1, :].ravel(), node[1:, :].ravel()],
         np.c_[node[:, :-1].ravel(), node[:, 1:].ravel()]]
    )  # fmt: skip
    tail, head = np.r_[pairs[:, 0], pairs[:, 1]], np.r_[pairs[:, 1], pairs[:, 0]]
    meters = haversine_m(lon[tail], lat[tail], lon[head], lat[head])
    return graph_from_edges(
        tail, head, meters / mps, meters, lon, lat, np.arange(len(lon)) + 1000, mode=mode
    )
