"""Shortest travel times on a :class:`Graph`: Dijkstra with a 4-ary heap, compiled by numba.

One kernel serves every query: one source or many (with start offsets), an optional
time limit, optional early exit once given targets are settled, and it always records
predecessors and the nearest source (cheap, and it keeps a single compiled function).
``cache=True`` stores the machine code beside this file, so a web worker does not
recompile on start.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .graph import Graph, haversine_m

_NOT_IN_HEAP = -1

# A 4-ary heap: half the depth of a binary one, and the four children sit in one cache
# line. On the Almaty walking graph it is ~1.6x faster than a binary heap, whose
# unpredictable branch per level dominates the run time.
_ARITY = 4


@njit(cache=True)
def _sift_up(keys, heap, pos, i, key, node):
    """Place ``node`` with ``key`` at slot ``i`` or above, moving slower parents down."""
    while i > 0:
        parent = (i - 1) // _ARITY
        if keys[parent] <= key:
            break
        keys[i] = keys[parent]
        heap[i] = heap[parent]
        pos[heap[i]] = i
        i = parent
    keys[i] = key
    heap[i] = node
    pos[node] = i


@njit(cache=True)
def _sift_down(keys, heap, pos, size, key, node):
    """Place ``node`` with ``key`` at the root or below, moving faster children up."""
    i = 0
    while True:
        first = _ARITY * i + 1
        if first >= size:
            break
        best = first
        best_key = keys[first]
        for child in range(first + 1, min(first + _ARITY, size)):
            if keys[child] < best_key:
                best_key = keys[child]
                best = child
        if best_key >= key:
            break
        keys[i] = best_key
        heap[i] = heap[best]
        pos[heap[i]] = i
        i = best
    keys[i] = key
    heap[i] = node
    pos[node] = i


@njit(cache=True)
def _dijkstra(indptr, indices, weights, sources, offsets, limit, targets, dist, pred, origin):
    """Fill ``dist``, ``pred`` and ``origin`` (preset to inf, -1, -1) from ``sources``.

    ``pred`` and ``origin`` may be empty arrays when the caller does not need them: less
    memory traffic, which is much of the cost on a city graph.

    An indexed heap with decrease-key: ``keys[i]``/``heap[i]`` are the time and node in
    slot i, ``pos[v]`` is v's slot or _NOT_IN_HEAP. With a non-empty ``targets`` the search
    stops once all of them are settled. Nodes farther than ``limit`` stay at inf.
    """
    n = dist.shape[0]
    keys = np.empty(n, dtype=np.float64)
    heap = np.empty(n, dtype=np.int32)
    pos = np.full(n, _NOT_IN_HEAP, dtype=np.int32)
    with_pred = pred.shape[0] > 0
    with_origin = origin.shape[0] > 0
    size = 0
    for k in range(sources.shape[0]):
        s = sources[k]
        start = offsets[k]
        if start > limit or start >= dist[s]:
            continue
        dist[s] = start
        if with_origin:
            origin[s] = k
        i = pos[s]
        if i == _NOT_IN_HEAP:
            i = size
            size += 1
        _sift_up(keys, heap, pos, i, start, s)

    wanted = np.zeros(n if targets.shape[0] > 0 else 0, dtype=np.bool_)
    remaining = 0
    for k in range(targets.shape[0]):
        if not wanted[targets[k]]:
            wanted[targets[k]] = True
            remaining += 1
    early_exit = remaining > 0

    while size > 0:
        u = heap[0]
        du = keys[0]
        pos[u] = _NOT_IN_HEAP
        size -= 1
        if size > 0:
            _sift_down(keys, heap, pos, size, keys[size], heap[size])
        if early_exit and wanted[u]:
            remaining -= 1
            if remaining == 0:
                break
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            dv = du + weights[e]
            # Weights are >= 0, so a settled node never passes this test again.
            if dv < dist[v] and dv <= limit:
                dist[v] = dv
                if with_pred:
                    pred[v] = u
                if with_origin:
                    origin[v] = origin[u]
                i = pos[v]
                if i == _NOT_IN_HEAP:
                    i = size
                    size += 1
                _sift_up(keys, heap, pos, i, dv, v)


def _run(
    graph: Graph,
    sources: np.ndarray,
    offsets: np.ndarray | None = None,
    targets: np.ndarray | None = None,
    limit_s: float = np.inf,
    *,
    predecessors: bool = False,
    nearest: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate arguments, run the kernel, return ``(times, predecessors, nearest)``.

    Predecessors and nearest-source indices are only recorded when asked for; otherwise
    empty arrays come back.
    """
    n = graph.n_nodes
    sources = _node_array(sources, n, "source")
    offsets = np.zeros(len(sources)) if offsets is None else np.asarray(offsets, dtype=np.float64)
    if offsets.shape != sources.shape:
        raise ValueError("offsets must have one value per source")
    targets = np.zeros(0, np.int64) if targets is None else _node_array(targets, n, "target")
    dist = np.full(n, np.inf)
    pred = np.full(n if predecessors else 0, -1, dtype=np.int32)
    origin = np.full(n if nearest else 0, -1, dtype=np.int32)
    _dijkstra(graph.indptr, graph.indices, graph.seconds, sources, offsets, float(limit_s),
              targets, dist, pred, origin)  # fmt: skip
    return dist, pred, origin


def _node_array(nodes, n: int, what: str) -> np.ndarray:
    """``nodes`` as a 1-d int64 array, checked to be valid node indices."""
    arr = np.atleast_1d(np.asarray(nodes, dtype=np.int64))
    if arr.ndim != 1:
        raise ValueError(f"{what} nodes must be a 1-d sequence")
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        raise IndexError(f"{what} node out of range 0..{n - 1}")
    return arr


def one_to_many(graph: Graph, source: int, targets=None, *, limit_s: float = np.inf) -> np.ndarray:
    """Travel times in seconds from one node.

    Parameters
    ----------
    graph : Graph
    source : int
        Start node.
    targets : array_like of int, optional
        If given, the search stops once every target is settled and only their times
        are returned, in the order given.
    limit_s : float
        Stop at this many seconds; nodes farther away get ``inf``.

    Returns
    -------
    ndarray of float64
        Per node (or per target); ``inf`` where unreachable within ``limit_s``.
    """
    dist, _, _ = _run(graph, [source], targets=targets, limit_s=limit_s)
    if targets is None:
        return dist
    return dist[np.asarray(targets, dtype=np.int64)]


def one_to_many_with_predecessors(
    graph: Graph, source: int, targets=None, *, limit_s: float = np.inf
) -> tuple[np.ndarray, np.ndarray]:
    """Like :func:`one_to_many` over all nodes, plus the predecessor of each node.

    Returns
    -------
    times : ndarray of float64, shape (n,)
    predecessors : ndarray of int32, shape (n,)
        Previous node on the fastest path; -1 for the source and unreached nodes. With
        ``targets``, only the targets' (and settled nodes') entries are final.
    """
    dist, pred, _ = _run(graph, [source], targets=targets, limit_s=limit_s, predecessors=True)
    return dist, pred


def many_to_many(graph: Graph, sources, targets) -> np.ndarray:
    """Travel-time matrix, seconds, shape ``(len(sources), len(targets))``."""
    sources = np.atleast_1d(np.asarray(sources, dtype=np.int64))
    targets = np.atleast_1d(np.asarray(targets, dtype=np.int64))
    matrix = np.empty((len(sources), len(targets)))
    for row, source in enumerate(sources):
        matrix[row] = one_to_many(graph, int(source), targets)
    return matrix


def multi_source(
    graph: Graph, sources, *, offsets=None, limit_s: float = np.inf
) -> tuple[np.ndarray, np.ndarray]:
    """Time from the nearest of several sources to every node, and which source it is.

    This is the network Voronoi partition (e.g. which post reaches each street first)
    and, with ``limit_s``, the coverage of a set of posts.

    Parameters
    ----------
    graph : Graph
    sources : array_like of int
        Start nodes.
    offsets : array_like of float, optional
        Seconds already spent at each source (e.g. time to leave the station).
    limit_s : float
        Nodes farther than this from every source get ``inf`` and index -1.

    Returns
    -------
    times : ndarray of float64, shape (n,)
    nearest : ndarray of int32, shape (n,)
        Index into ``sources`` of the nearest source, -1 where unreached.
    """
    dist, _, origin = _run(graph, sources, offsets=offsets, limit_s=limit_s, nearest=True)
    return dist, origin


def path_from_predecessors(predecessors: np.ndarray, target: int) -> np.ndarray:
    """Nodes of the path ending at ``target``, first to last, from a predecessor array.

    Returns the single node ``[target]`` for the source itself; callers check the time
    to tell an unreachable target (also ``[target]``) from the source.
    """
    path = [int(target)]
    node = predecessors[target]
    while node >= 0:
        path.append(int(node))
        node = predecessors[node]
    return np.array(path[::-1], dtype=np.int64)


def shortest_path(graph: Graph, source: int, target: int) -> tuple[list[int], float, float]:
    """The fastest path between two nodes.

    Returns
    -------
    nodes : list of int
        From ``source`` to ``target``; empty when the target cannot be reached.
    seconds : float
        Travel time; ``inf`` when unreachable.
    meters : float
        Length of that path.
    """
    dist, pred = one_to_many_with_predecessors(graph, source, [target])
    if not np.isfinite(dist[target]):
        return [], float("inf"), float("inf")
    nodes = path_from_predecessors(pred, target)
    return nodes.tolist(), float(dist[target]), float(_edge_meters(graph, nodes).sum())


def _edge_meters(graph: Graph, nodes: np.ndarray) -> np.ndarray:
    """Length of each edge along a node path (edges are unique after the import)."""
    meters = np.empty(max(len(nodes) - 1, 0))
    for i in range(len(meters)):
        u, v = nodes[i], nodes[i + 1]
        lo, hi = graph.indptr[u], graph.indptr[u + 1]
        e = lo + int(np.flatnonzero(graph.indices[lo:hi] == v)[0])
        meters[i] = graph.meters[e]
    return meters


def path_coordinates(graph: Graph, nodes) -> list[tuple[float, float]]:
    """``(lon, lat)`` of each node of a path, ready for a GeoJSON LineString."""
    nodes = np.asarray(nodes, dtype=np.int64)
    return list(zip(graph.lon[nodes].tolist(), graph.lat[nodes].tolist(), strict=True))


def path_meters(graph: Graph, nodes) -> float:
    """Length in metres of a path given as its nodes, first to last."""
    return float(_edge_meters(graph, np.asarray(nodes, dtype=np.int64)).sum())


def k_nearest_targets(
    graph: Graph,
    source: int,
    targets,
    k: int,
    *,
    limit_s: float = np.inf,
    target_offsets=None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``k`` targets nearest to ``source`` by travel time, exactly, searching little.

    Great-circle distance times the fastest pace on the graph is a lower bound of any
    travel time, so once ``k`` targets have real times, a target whose bound exceeds
    the largest of them cannot be among the nearest and is never searched for.
    ``target_offsets`` (seconds, one per target) are added to each target's time before
    ranking: the last leg from the street to a post's door.

    Returns
    -------
    chosen : ndarray of int64
        Indices into ``targets``, nearest first (fewer than ``k`` if unreachable).
    seconds : ndarray of float64
        Their travel times along the network (without the offsets).
    predecessors : ndarray of int32
        Predecessor array of the search, for :func:`path_from_predecessors`.
    """
    targets = np.asarray(targets, dtype=np.int64)
    if targets.size == 0 or k < 1:
        return np.zeros(0, np.int64), np.zeros(0), np.full(graph.n_nodes, -1, np.int32)
    offsets = (
        np.zeros(targets.size)
        if target_offsets is None
        else np.asarray(target_offsets, dtype=np.float64)
    )
    if offsets.shape != targets.shape:
        raise ValueError("target_offsets must have one value per target")
    bound = _time_lower_bound(graph, source, targets) + offsets
    first = np.argsort(bound, kind="stable")[:k]
    first_times = one_to_many(graph, source, targets[first], limit_s=limit_s) + offsets[first]
    horizon = min(limit_s, float(first_times.max()))
    candidates = np.flatnonzero(bound <= horizon)
    times, predecessors = one_to_many_with_predecessors(
        graph, source, targets[candidates], limit_s=horizon
    )
    found = times[targets[candidates]] + offsets[candidates]
    reached = np.isfinite(found) & (found <= limit_s)
    order = np.argsort(found[reached], kind="stable")[:k]
    chosen = candidates[reached][order]
    return chosen, times[targets[chosen]], predecessors


def _time_lower_bound(graph: Graph, source: int, targets: np.ndarray) -> np.ndarray:
    """Seconds no path can beat: straight-line metres at the graph's fastest pace."""
    metres = haversine_m(
        graph.lon[source], graph.lat[source], graph.lon[targets], graph.lat[targets]
    )
    moving = graph.meters > 0
    pace = float(np.min(graph.seconds[moving] / graph.meters[moving])) if moving.any() else 0.0
    # Edge lengths are sums of the same great-circle formula: shave rounding off the bound.
    return metres * pace * (1 - 1e-9)
