"""Who lives within walking reach of a post: reach times, shares per group, isochrone areas.

Residents are snapped to walking-network nodes, so coverage is a single multi-source
Dijkstra from the posts (each starting with its own access leg, door to street), cut at
the largest threshold, then each resident's own leg from the street to his door, and
array arithmetic. Nothing here knows about departments or posts as objects:
callers pass node indices, weights and integer group labels.

Public API
----------
``reach_times(graph, post_nodes, *, limit_s, offsets=None) -> times``
``point_times(times, nodes, access_s) -> times`` (residents beside the network)
``covered_share(times, weights, reach_s) -> float``
``coverage_by_group(times, weights, groups, n_groups, reaches_s) -> (n_groups, n_reaches)``
``isochrone_polygons(graph, times, reach_s, *, cell_m=100.0) -> shapely geometry``

Every time is in seconds, every length in metres; the apps convert at the edge (people
type and read minutes).
"""

from __future__ import annotations

import numpy as np
import shapely

from precinct.analytics.network import Graph, multi_source

# Local equirectangular metres around the graph's mean latitude: within a city the
# distortion is far below the size of a grid cell.
_M_PER_DEG_LAT = 110_540.0
_M_PER_DEG_LON_EQUATOR = 111_320.0


def reach_times(graph: Graph, post_nodes, *, limit_s: float, offsets=None) -> np.ndarray:
    """Walking seconds from the nearest post to every node.

    Parameters
    ----------
    graph : Graph
        The walking graph. Walking edges exist in both directions with the same time, so
        times from the posts equal times to the posts.
    post_nodes : array_like of int
        Nodes of the posts (may be empty: then nothing is reached).
    limit_s : float
        Seconds; nodes farther than this from every post get ``inf``. Pass the largest
        threshold you will ask about: the search stops there.
    offsets : array_like of float, optional
        Seconds from each post's door to its street node (its access leg), one per post.

    Returns
    -------
    ndarray of float64, shape (n_nodes,)

    Examples
    --------
    >>> times = reach_times(walk, [10, 20], limit_s=15 * 60)  # doctest: +SKIP
    >>> covered_share(times, residents, 10 * 60)  # doctest: +SKIP
    0.62
    """
    post_nodes = np.atleast_1d(np.asarray(post_nodes, dtype=np.int64))
    if post_nodes.size == 0:
        return np.full(graph.n_nodes, np.inf)
    times, _ = multi_source(graph, post_nodes, offsets=offsets, limit_s=limit_s)
    return times


def point_times(times: np.ndarray, nodes, access_s) -> np.ndarray:
    """Seconds to the nearest post from points beside the network: the time at each
    point's street node plus its own access leg; ``inf`` where ``node`` is -1 (off it).

    Examples
    --------
    >>> point_times(np.array([0.0, 60.0]), np.array([1, 0, -1]), np.array([10.0, 5.0, 1.0]))
    array([70.,  5., inf])
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    on = nodes >= 0
    out = np.full(nodes.shape, np.inf)
    out[on] = times[nodes[on]] + np.asarray(access_s, dtype=np.float64)[on]
    return out


def covered_share(times: np.ndarray, weights: np.ndarray, reach_s: float) -> float:
    """Share of the total weight (residents) within ``reach_s`` seconds of a post.

    Examples
    --------
    >>> covered_share(np.array([60.0, 700.0, np.inf]), np.array([1.0, 1.0, 2.0]), 600)
    0.25
    """
    times, weights = _check_times_weights(times, weights)
    _check_reach_s(reach_s)
    total = weights.sum()
    if total <= 0:
        return 0.0
    return float(weights[times <= reach_s].sum() / total)


def coverage_by_group(
    times: np.ndarray, weights: np.ndarray, groups: np.ndarray, n_groups: int, reaches_s
) -> np.ndarray:
    """Weight within each walking time, per group (precinct, department, ...).

    Parameters
    ----------
    times : ndarray, shape (n,)
        From :func:`reach_times`.
    weights : ndarray, shape (n,)
        Residents per node.
    groups : ndarray of int, shape (n,)
        Group label per node, ``0 <= label < n_groups``; negative labels are left out.
    n_groups : int
    reaches_s : sequence of float
        Thresholds in seconds, any order.

    Returns
    -------
    ndarray of float64, shape (n_groups, len(reaches_s))
        ``out[g, j]``: weight of group ``g`` within ``reaches_s[j]`` seconds. Divide by
        ``np.bincount(groups, weights, minlength=n_groups)`` for shares.

    Examples
    --------
    >>> t = np.array([100.0, 500.0, 800.0, np.inf])
    >>> coverage_by_group(t, np.ones(4), np.array([0, 0, 1, 1]), 2, [600, 900]).tolist()
    [[2.0, 2.0], [0.0, 1.0]]
    """
    times, weights = _check_times_weights(times, weights)
    groups = np.asarray(groups, dtype=np.int64)
    if groups.shape != times.shape:
        raise ValueError("groups must have one label per node")
    if groups.size and groups.max() >= n_groups:
        raise ValueError(f"group label {groups.max()} is not below n_groups={n_groups}")
    limits = np.atleast_1d(np.asarray(reaches_s, dtype=np.float64))
    for reach_s in limits:
        _check_reach_s(reach_s)
    order = np.argsort(limits, kind="stable")
    seconds = limits[order]
    n_thr = seconds.size
    # The first (sorted) threshold each node meets; n_thr means none. One 2-d bincount,
    # then a running sum along the thresholds: a node within 600 s is within 900 s too.
    first = np.searchsorted(seconds, times, side="left")
    keep = (groups >= 0) & (first < n_thr)
    flat = groups[keep] * n_thr + first[keep]
    counts = np.bincount(flat, weights=weights[keep], minlength=n_groups * n_thr)
    within_sorted = np.cumsum(counts.reshape(n_groups, n_thr), axis=1)
    out = np.empty_like(within_sorted)
    out[:, order] = within_sorted
    return out


def isochrone_polygons(graph: Graph, times: np.ndarray, reach_s: float, *, cell_m: float = 100.0):
    """The area within ``reach_s`` seconds of a post, as grid cells along the reached streets.

    Every street is followed as far as the remaining time allows (partly reached edges
    count up to the point reached), sampled every half cell, and each grid cell holding a
    sample joins the area. Squares of one grid share exact edges, so GEOS's coverage
    union merges them quickly; a buffer of thousands of segments would be far slower.

    Parameters
    ----------
    graph : Graph
    times : ndarray, shape (n_nodes,)
        From :func:`reach_times` (with ``limit_s`` at least ``reach_s``).
    reach_s : float
        Walking time in seconds.
    cell_m : float
        Grid resolution in metres: the outline is that coarse, and streets get a margin
        of up to one cell on each side.

    Returns
    -------
    shapely Polygon or MultiPolygon (lon/lat), empty when nothing is reached.
    """
    _check_reach_s(reach_s)
    if cell_m <= 0:
        raise ValueError("cell_m must be positive")
    times = np.asarray(times, dtype=np.float64)
    if times.shape != (graph.n_nodes,):
        raise ValueError("times must have one value per graph node")
    lon, lat = _edge_samples(graph, times, reach_s, cell_m / 2.0)
    if lon.size == 0:
        return shapely.Polygon()
    lat0 = float(np.mean(graph.lat)) if graph.n_nodes else 0.0
    m_lon = _M_PER_DEG_LON_EQUATOR * np.cos(np.deg2rad(lat0))
    col = np.floor(lon * m_lon / cell_m).astype(np.int64)
    row = np.floor(lat * _M_PER_DEG_LAT / cell_m).astype(np.int64)
    cells = np.unique(np.column_stack([col, row]), axis=0)
    # Corner coordinates from integer indices, so neighbours share bit-identical edges.
    x0 = cells[:, 0] * cell_m / m_lon
    x1 = (cells[:, 0] + 1) * cell_m / m_lon
    y0 = cells[:, 1] * cell_m / _M_PER_DEG_LAT
    y1 = (cells[:, 1] + 1) * cell_m / _M_PER_DEG_LAT
    boxes = shapely.box(x0, y0, x1, y1)
    return shapely.coverage_union_all(boxes)


def _edge_samples(graph: Graph, times: np.ndarray, budget: float, step_m: float):
    """Points every ``step_m`` along the reached part of every edge, as lon/lat arrays."""
    tails = graph.tails()
    t_tail = times[tails]
    reached = t_tail <= budget
    tails, heads = tails[reached], graph.indices[reached]
    seconds, meters = graph.seconds[reached], graph.meters[reached]
    # How far along the edge the remaining time carries a walker (the other direction
    # of a two-way street covers the rest from the head's side).
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(seconds > 0, (budget - t_tail[reached]) / seconds, 1.0)
    fraction = np.clip(fraction, 0.0, 1.0)
    n_samples = np.floor(fraction * meters / step_m).astype(np.int64) + 1
    edge = np.repeat(np.arange(tails.size), n_samples)
    start = np.cumsum(n_samples) - n_samples
    k = np.arange(edge.size) - start[edge]
    along = np.minimum(k * step_m / np.maximum(meters[edge], 1e-9), fraction[edge])
    u, v = tails[edge], heads[edge]
    lon = graph.lon[u] + along * (graph.lon[v] - graph.lon[u])
    lat = graph.lat[u] + along * (graph.lat[v] - graph.lat[u])
    # Also the reached end points (isolated posts with no edges still show a cell).
    lone = np.flatnonzero(times <= budget)
    return np.concatenate([lon, graph.lon[lone]]), np.concatenate([lat, graph.lat[lone]])


def _check_times_weights(times, weights) -> tuple[np.ndarray, np.ndarray]:
    times = np.asarray(times, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    if times.ndim != 1 or times.shape != weights.shape:
        raise ValueError("times and weights must be 1-d arrays of the same length")
    if weights.size and weights.min() < 0:
        raise ValueError("weights must be non-negative")
    return times, weights


def _check_reach_s(reach_s: float) -> None:
    if not np.isfinite(reach_s) or reach_s <= 0:
        raise ValueError(f"walking time must be a positive number of seconds, got {reach_s}")
