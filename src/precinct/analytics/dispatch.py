"""Numbers of the 102 service: ranking units by road travel time, percentiles, call
arrivals, and a simulated year of responses with units moving on the network.

No Django here: the dispatch app prepares arrays from the database and calls these.

Ranking is many-to-one: the time from every unit to one incident is one Dijkstra on the
*reversed* graph started at the incident's node, stopped as soon as every unit's node is
settled. Each unit also pays an access leg from its reported position to its nearest
street node (and the incident one from the street to the caller's door), at a slow
off-road pace, so a unit parked 300 m off the network is not ranked as if it stood on it.

The simulation (:func:`simulate_responses`) answers calls in time order in one compiled
loop that calls the routing engine's Dijkstra kernel itself, for units sent while on
their way home.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from numba import njit

from precinct.analytics.network.graph import Graph, haversine_m
from precinct.analytics.network.routing import (
    _NOT_IN_HEAP,
    _dijkstra,
    _sift_down,
    _sift_up,
    one_to_many,
    one_to_many_with_predecessors,
)

# Off-network legs: a car crawling through a yard, a patrol walking.
ACCESS_SPEED_MPS = {"car": 15 / 3.6, "foot": 4.5 / 3.6}


@dataclass(frozen=True)
class Ranking:
    """Units ordered fastest first (indices into the arrays given), with ETA and distance.

    A ranking of the ``first`` fastest units only (see :func:`rank_units`) also says what
    is known of the others: ``unranked`` are the reachable-or-not-yet-known units left
    out, none faster than the last ranked one, each with a lower bound of its ETA. A full
    ranking has no unranked units.
    """

    order: np.ndarray  # int64 indices of the reachable units, fastest first
    eta_seconds: np.ndarray  # per unit in ``order``
    distance_m: np.ndarray  # per unit in ``order``, along the roads plus access legs
    unranked: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    eta_at_least: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per unranked
    horizon_s: float = np.inf  # road seconds searched: an unreached unit is at least this far


class _Workspace(NamedTuple):
    """Node-sized arrays of one graph, clean between searches (times inf, indices -1).

    A bounded search touches a few per cent of a region's nodes; filling fresh arrays of
    every node for each call would cost about as much as the search itself. A search
    takes a workspace from its graph's pool and, once done, cleans only what it touched.
    """

    dist: np.ndarray  # float64, inf
    pred: np.ndarray  # int32, -1
    pos: np.ndarray  # int32, _NOT_IN_HEAP
    head: np.ndarray  # int32, -1: first unit standing on a node
    memo: np.ndarray  # float64, -1: metres from the root, see _tree_meters
    keys: np.ndarray  # float64, scratch
    heap: np.ndarray  # int32, scratch
    touched: np.ndarray  # int32, scratch: nodes given a time, in order


def _workspace(graph: Graph) -> _Workspace:
    """A clean workspace for ``graph`` from its pool (a new one when all are in use)."""
    pool = graph.__dict__.setdefault("_rank_workspaces", [])
    try:
        return pool.pop()  # atomic: two threads never get the same one
    except IndexError:
        n = graph.n_nodes
        return _Workspace(
            np.full(n, np.inf), np.full(n, -1, np.int32), np.full(n, _NOT_IN_HEAP, np.int32),
            np.full(n, -1, np.int32), np.full(n, -1.0), np.empty(n), np.empty(n, np.int32),
            np.empty(n, np.int32),
        )  # fmt: skip


@njit(cache=True)
def _clean(ws, n_touched, unit_nodes):
    """Reset what a search wrote, so the workspace is clean for the next one."""
    for i in range(n_touched):
        v = ws.touched[i]
        ws.dist[v] = np.inf
        ws.pred[v] = -1
        ws.pos[v] = _NOT_IN_HEAP
        ws.memo[v] = -1.0
    for j in range(unit_nodes.shape[0]):
        ws.head[unit_nodes[j]] = -1


@njit(cache=True)
def _first_units(indptr, indices, weights, root, limit, unit_nodes, offsets, first, ws):
    """Dijkstra from ``root`` until the ``first`` fastest units are known; returns
    ``(found, count, horizon, n_touched)``.

    ``offsets[j]`` (seconds) is added to unit j's road time ``dist[unit_nodes[j]]``: its
    ETA. The graph part is the routing kernel's loop, unchanged (same heap, same order of
    relaxations), so the times and the predecessor tree of every settled node are the ones
    a full search gives. Each settled node hands its units (a linked list per node: several
    units may share one) to ``found``. Once ``first`` units are found, the ``first``-th
    best ETA among them is ``kth``; a unit not yet found has a road time of at least the
    heap's smallest key, hence an ETA of at least that key, so when that key exceeds
    ``kth`` (strictly: a tie could go to a unit of lower index) no unfound unit can enter
    the first ``first`` and the search stops. ``horizon`` is that key (inf when the heap
    ran dry: every unfound unit is out of reach within ``limit``). Every node given a time
    is listed in ``ws.touched`` for :func:`_clean`.
    """
    dist, pred, pos, head = ws.dist, ws.pred, ws.pos, ws.head
    keys, heap, touched = ws.keys, ws.heap, ws.touched
    n_units = unit_nodes.shape[0]
    next_unit = np.full(n_units, -1, dtype=np.int32)
    for j in range(n_units - 1, -1, -1):
        next_unit[j] = head[unit_nodes[j]]
        head[unit_nodes[j]] = j
    found = np.empty(n_units, dtype=np.int64)
    count = 0
    best = np.full(max(first, 1), np.inf)  # the ``first`` smallest ETAs, ascending
    size = 0
    n_touched = 0
    if limit >= 0.0:
        dist[root] = 0.0
        touched[0] = root
        n_touched = 1
        _sift_up(keys, heap, pos, 0, 0.0, root)
        size = 1
    while size > 0:
        du = keys[0]
        if count == n_units or (count >= first and best[first - 1] < du):
            return found, count, du, n_touched
        u = heap[0]
        pos[u] = _NOT_IN_HEAP
        size -= 1
        if size > 0:
            _sift_down(keys, heap, pos, size, keys[size], heap[size])
        j = head[u]
        while j >= 0:
            found[count] = j
            count += 1
            eta = du + offsets[j]
            if eta < best[first - 1]:
                i = first - 1
                while i > 0 and best[i - 1] > eta:
                    best[i] = best[i - 1]
                    i -= 1
                best[i] = eta
            j = next_unit[j]
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            dv = du + weights[e]
            if dv < dist[v] and dv <= limit:
                if dist[v] == np.inf:
                    touched[n_touched] = v
                    n_touched += 1
                dist[v] = dv
                pred[v] = u
                i = pos[v]
                if i == _NOT_IN_HEAP:
                    i = size
                    size += 1
                _sift_up(keys, heap, pos, i, dv, v)
    return found, count, np.inf, n_touched


@njit(cache=True)
def _tree_meters(indptr, indices, meters, pred, targets, memo, stack):
    """Metres along the predecessor tree from the root to each target (memoised walk;
    ``memo`` comes in at -1 and keeps what it learns, for the caller to reset)."""
    out = np.empty(targets.shape[0])
    for k in range(targets.shape[0]):
        v = targets[k]
        depth = 0
        while v >= 0 and memo[v] < 0.0 and pred[v] >= 0:
            stack[depth] = v
            depth += 1
            v = pred[v]
        base = 0.0 if v < 0 else max(memo[v], 0.0)
        while depth > 0:
            depth -= 1
            w = stack[depth]
            u = pred[w]
            edge = 0.0
            for e in range(indptr[u], indptr[u + 1]):
                if indices[e] == w:
                    edge = meters[e]
                    break
            base += edge
            memo[w] = base
        out[k] = base
    return out


def rank_units(
    reversed_graph: Graph,
    incident_node: int,
    incident_access_m: float,
    unit_nodes: np.ndarray,
    unit_access_m: np.ndarray,
    *,
    access_speed_mps: float,
    limit_s: float = np.inf,
    first: int | None = None,
) -> Ranking:
    """Rank units of one travel mode by their time to the incident over the network.

    Parameters
    ----------
    reversed_graph : Graph
        ``graph.reversed()`` of the mode the units travel by.
    incident_node, incident_access_m
        The incident's street node and its distance from it.
    unit_nodes, unit_access_m : ndarray
        Each unit's street node (``-1`` when it is off the network: left out) and distance.
    access_speed_mps : float
        Pace of the off-network legs.
    limit_s : float
        Units farther than this many seconds by road are left out.
    first : int, optional
        Rank only the ``first`` fastest units and stop the search there: on a region's
        graph the full search settles nearly every node, this one a share of about
        ``first / len(unit_nodes)``. Their ETAs, order (ties by index) and distances are
        those of the full ranking; the others come back as ``unranked`` with a lower
        bound of their ETAs (``Ranking.eta_at_least``). ``None`` ranks every reachable unit.
    """
    unit_nodes = np.asarray(unit_nodes, dtype=np.int64)
    unit_access_m = np.asarray(unit_access_m, dtype=np.float64)
    on_network = np.flatnonzero(unit_nodes >= 0)
    if on_network.size == 0:
        return Ranking(np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    if first is not None and first < 1:
        raise ValueError("first must be at least 1")
    g = reversed_graph
    targets = unit_nodes[on_network]
    # The kernel does not check bounds: a wrong index would read or write another array.
    if targets.max() >= g.n_nodes or not 0 <= incident_node < g.n_nodes:
        raise IndexError(f"incident or unit node out of range 0..{g.n_nodes - 1}")
    # The same float operations as the ETA below, so the kernel ranks by the very ETAs.
    access_m = unit_access_m[on_network] + incident_access_m
    offsets = access_m / access_speed_mps
    wanted = on_network.size if first is None else min(first, on_network.size)
    ws = _workspace(g)
    found, count, horizon, n_touched = _first_units(
        g.indptr, g.indices, g.seconds, int(incident_node), float(limit_s), targets,
        offsets, wanted, ws,
    )  # fmt: skip
    found = np.sort(found[:count])  # by unit index: ties keep the given order
    eta_of = ws.dist[targets] + access_m / access_speed_mps  # final for the found units only
    ranked = found[np.argsort(eta_of[found], kind="stable")[:wanted]]
    road_m = _tree_meters(g.indptr, g.indices, g.meters, ws.pred, targets[ranked], ws.memo, ws.heap)
    _clean(ws, n_touched, targets)
    # Back to the pool only when clean: an exception above drops the workspace instead.
    g.__dict__["_rank_workspaces"].append(ws)
    return Ranking(
        on_network[ranked], eta_of[ranked], road_m + access_m[ranked],
        *_unranked(on_network, found, eta_of, ranked, offsets, horizon),
    )  # fmt: skip


def _unranked(on_network, found, eta_of, ranked, offsets, horizon):
    """The units a bounded search left out, a lower bound of each one's ETA, the horizon.

    A unit found but not among the first has its exact ETA as its bound; one not reached
    is at least ``horizon`` seconds away by road, plus its access leg. When the search ran
    out of nodes (infinite horizon) the unreached ones cannot get there: left out, as in
    a full ranking.
    """
    reached = np.zeros(on_network.size, dtype=bool)
    reached[found] = True
    at_least = np.where(reached, eta_of, horizon + offsets)
    keep = np.ones(on_network.size, dtype=bool)
    keep[ranked] = False
    if not np.isfinite(horizon):
        keep &= reached
    left = np.flatnonzero(keep)
    return on_network[left], at_least[left], float(horizon)


def straight_line_order(
    lon: float, lat: float, unit_lons: np.ndarray, unit_lats: np.ndarray
) -> np.ndarray:
    """Units ordered by great-circle distance to the point (what a map ruler would pick)."""
    return np.argsort(haversine_m(lon, lat, unit_lons, unit_lats), kind="stable")


def percentiles(values: np.ndarray, qs=(50, 90)) -> list[float | None]:
    """Linear-interpolated percentiles, the same definition as SQL ``percentile_cont``."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return [None for _ in qs]
    return [float(v) for v in np.percentile(values, qs, method="linear")]


def implied_speed_mps(lon0, lat0, t0: float, lon1, lat1, t1: float) -> float:
    """Speed implied by two fixes (inf when they share a time but not a place)."""
    metres = float(haversine_m(lon0, lat0, lon1, lat1))
    seconds = t1 - t0
    if seconds <= 0:
        return 0.0 if metres < 1.0 else float("inf")
    return metres / seconds


# --- arrivals of calls ---------------------------------------------------------------
# Relative call volume by hour of day (Almaty local time). Shape of published 911/112
# demand curves: a trough at 4-6 h, a rise through the day, a peak in the evening.
HOUR_PROFILE = np.array(
    [0.9, 0.7, 0.55, 0.45, 0.4, 0.4, 0.5, 0.7, 0.9, 1.0, 1.05, 1.1,
     1.15, 1.15, 1.2, 1.25, 1.3, 1.4, 1.5, 1.55, 1.5, 1.4, 1.25, 1.1]
)  # fmt: skip
# Monday .. Sunday: weekend evenings are busier.
WEEKDAY_PROFILE = np.array([0.95, 0.93, 0.95, 0.97, 1.05, 1.1, 1.05])


def simulate_arrivals(
    rng: np.random.Generator,
    *,
    start_epoch: float,
    days: int,
    calls_per_day: float,
    area_weights: np.ndarray,
    utc_offset_hours: float = 5.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Call times and areas from a non-homogeneous Poisson process.

    The rate in hour ``h`` of a day with weekday ``w`` in area ``a`` is
    ``calls_per_day / 24 * HOUR_PROFILE[h] * WEEKDAY_PROFILE[w] * weight[a]`` (profiles
    normalised to mean 1, weights to sum 1): a Poisson count per hour and area, times
    uniform within the hour.

    Returns
    -------
    epochs : ndarray of float64, sorted
        UTC seconds of each call.
    areas : ndarray of int64
        Index into ``area_weights`` of each call.
    """
    hours = np.arange(days * 24)
    epochs0 = start_epoch + hours * 3600.0
    local = (epochs0 / 3600.0 + utc_offset_hours).astype(np.int64)
    hour_of_day = local % 24
    weekday = ((local // 24) + 3) % 7  # 1970-01-01 was a Thursday (weekday 3)
    hp = HOUR_PROFILE / HOUR_PROFILE.mean()
    wp = WEEKDAY_PROFILE / WEEKDAY_PROFILE.mean()
    w = np.asarray(area_weights, dtype=np.float64)
    w = w / w.sum()
    rate = (calls_per_day / 24.0) * hp[hour_of_day] * wp[weekday]
    counts = rng.poisson(rate[:, None] * w[None, :])  # hours x areas
    hour_idx, area_idx = np.nonzero(counts)
    reps = counts[hour_idx, area_idx]
    hour_rep = np.repeat(hour_idx, reps)
    areas = np.repeat(area_idx, reps)
    epochs = epochs0[hour_rep] + rng.uniform(0, 3600.0, size=hour_rep.size)
    order = np.argsort(epochs, kind="stable")
    return epochs[order], areas[order].astype(np.int64)


# --- responses of a simulated year ------------------------------------------------------
# Extra time on the roads by hour of day (Almaty local): free-flow at night, rush hours
# at 8-9 and 18-19. A stated deterministic model, applied to routed free-flow times.
CONGESTION = np.array(
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.05, 1.25, 1.45, 1.35, 1.2, 1.15,
     1.2, 1.2, 1.15, 1.2, 1.3, 1.4, 1.5, 1.45, 1.3, 1.15, 1.05, 1.0]
)  # fmt: skip


@dataclass(frozen=True)
class Calls:
    """The calls of a simulation, in time order, and which units may answer them.

    ``nodes[k, j]`` is call k's node on the graph of unit kind j (-1 when it is off that
    network) and ``kinds[k, j]`` says whether a unit of kind j may be sent to it.
    """

    epochs: np.ndarray  # float64 UTC seconds, sorted
    group: np.ndarray  # int64 department of each call
    nodes: np.ndarray  # int64, calls x kinds
    kinds: np.ndarray  # bool, calls x kinds
    # A dispatch policy: the kind of unit tried first for each call (-1: none). A free unit
    # of that kind and of the call's department that is there within ``first_reach_s``
    # seconds goes even if another is faster (e.g. foot patrols for minor local calls,
    # keeping cars free for emergencies).
    first_kind: np.ndarray | None = None  # int64 per call
    first_reach_s: float = 0.0


@dataclass(frozen=True)
class Fleet:
    """The units of a simulation: department, kind (index into the graphs), base node and
    the hours of the (local) day each one is on duty."""

    group: np.ndarray  # int64
    kind: np.ndarray  # int64, index into the ``graphs`` given with the fleet
    base: np.ndarray  # int64 node on the graph of the unit's kind
    # bool, units x 24: on duty in that hour of the local day (None: always). A unit off
    # duty is not sent; one on a call when its shift ends finishes it.
    on_duty: np.ndarray | None = None


@dataclass(frozen=True)
class HumanTimes:
    """Seconds per call: handling (received to dispatched), turnout, time on scene."""

    handling: np.ndarray
    turnout: np.ndarray
    on_scene: np.ndarray


def draw_human_times(rng: np.random.Generator, priority: np.ndarray) -> HumanTimes:
    """Lognormal around stated medians by priority (1 = emergency).

    Medians by priority 1..4: call handling 75/150/300/600 s, turnout 45 s, time on scene
    40/30/25/20 min.
    """
    n = priority.shape[0]
    handling = np.array([0, 75, 150, 300, 600.0])[priority] * rng.lognormal(0.0, 0.5, n)
    turnout = 45.0 * rng.lognormal(0.0, 0.4, n)
    scene = np.array([0, 2400, 1800, 1500, 1200.0])[priority] * rng.lognormal(0.0, 0.5, n)
    return HumanTimes(handling, turnout, scene)


@dataclass(frozen=True)
class SimulatedResponses:
    """Per call: the unit sent (-1 when none could go), the node it set off from, its
    free-flow routed time from there (``eta``, seconds) and the phase timestamps."""

    unit: np.ndarray
    origin: np.ndarray
    eta: np.ndarray
    dispatched: np.ndarray
    en_route: np.ndarray
    on_scene: np.ndarray
    closed: np.ndarray


def simulate_responses(
    calls: Calls,
    fleet: Fleet,
    graphs: list[Graph],
    human: HumanTimes,
    *,
    utc_offset_hours: float = 5.0,
) -> SimulatedResponses:
    """Send, for each call in time order, the fastest free suitable unit from where it is.

    ``graphs[j]`` is the network units of kind j travel on (driving for cars, walking for
    foot patrols). A unit starts at its base. Sent to a call it needs the routed free-flow
    time from where it is (on a driving graph scaled by the congestion of the call's
    hour; walking is not slowed by traffic), after a turnout time; it stays on scene, and
    on clearing it is free again *at the call's place* and heads home along the fastest
    path (the predecessor tree of a Dijkstra on the reversed graph from its base), at the
    same pace.

    A free unit at its base is timed by the base-to-node matrix (one Dijkstra per unit,
    up front); a free unit on its way home is timed from the next node it reaches on
    that path (plus the seconds still needed to reach it) by one Dijkstra on the reversed
    graph from the call's node, stopped at the best at-base time and once every such
    unit is settled. Units of the call's own group (department) are preferred; if none is
    free, the fastest free unit of any group goes; if none at all, the call waits for the
    first unit to clear. Ties go to the lower unit index. Before all that, a call with a
    ``first_kind`` gets the fastest free unit of that kind of its own department if it can
    be there within ``first_reach_s`` seconds (see ``Calls``).
    """
    n_calls, n_units = calls.epochs.shape[0], fleet.base.shape[0]
    home_dist, home_pred = _ways_home(fleet, graphs)
    on_duty = np.ones((n_units, 24), np.bool_) if fleet.on_duty is None else fleet.on_duty
    units = _Units(
        np.asarray(fleet.group, np.int64), np.asarray(fleet.kind, np.int64),
        np.asarray(fleet.base, np.int64), _times_from_bases(fleet, graphs),
        home_dist, home_pred, np.ascontiguousarray(on_duty, np.bool_),
    )  # fmt: skip
    hour = ((calls.epochs / 3600.0 + utc_offset_hours) % 24).astype(np.int64)
    jobs = _Jobs(
        np.asarray(calls.epochs + human.handling, np.float64), np.asarray(calls.group, np.int64),
        np.ascontiguousarray(calls.nodes, np.int64), np.ascontiguousarray(calls.kinds, np.bool_),
        np.asarray(human.turnout, np.float64), np.asarray(human.on_scene, np.float64),
        CONGESTION[hour], _first_kinds(calls), float(calls.first_reach_s),
        float(utc_offset_hours) * 3600.0,
    )  # fmt: skip
    state = _Whereabouts(
        np.full(n_units, -np.inf), np.full(n_units, -np.inf), units.base.copy(), np.ones(n_units)
    )
    nets = tuple(_Net(*_csr(g.reversed()), g.mode == "drive") for g in graphs)
    unit = np.full(n_calls, -1, dtype=np.int64)
    origin = np.full(n_calls, -1, dtype=np.int64)
    out = np.full((5, n_calls), np.nan)
    _respond(nets, units, jobs, state, unit, origin, out)
    return SimulatedResponses(unit, origin, *out)


def _first_kinds(calls: Calls) -> np.ndarray:
    if calls.first_kind is None:
        return np.full(calls.epochs.shape[0], -1, dtype=np.int64)
    return np.asarray(calls.first_kind, np.int64)


def _csr(graph: Graph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The arrays the kernel takes, of one type whatever the graph (numba compiles once)."""
    return (np.ascontiguousarray(graph.indptr, np.int64),
            np.ascontiguousarray(graph.indices, np.int32),
            np.ascontiguousarray(graph.seconds, np.float64))  # fmt: skip


def _times_from_bases(fleet: Fleet, graphs: list[Graph]) -> np.ndarray:
    """Free-flow seconds from each unit's base to every node of its graph (rows padded
    with inf to the largest graph): units x nodes, not units x calls, so a year of a
    city's calls costs no more memory than a week's."""
    width = max(g.n_nodes for g in graphs)
    out = np.full((fleet.base.shape[0], width), np.inf)
    for u, (kind, base) in enumerate(zip(fleet.kind, fleet.base, strict=True)):
        graph = graphs[kind]
        out[u, : graph.n_nodes] = one_to_many(graph, int(base))
    return out


def _ways_home(fleet: Fleet, graphs: list[Graph]) -> tuple[np.ndarray, np.ndarray]:
    """Per unit, a Dijkstra on its reversed graph rooted at its base: free-flow seconds
    to the base from every node and the next node towards it (rows padded with inf/-1
    to the largest graph)."""
    width = max(g.n_nodes for g in graphs)
    dist = np.full((fleet.base.shape[0], width), np.inf)
    pred = np.full((fleet.base.shape[0], width), -1, dtype=np.int32)
    for u, (kind, base) in enumerate(zip(fleet.kind, fleet.base, strict=True)):
        graph = graphs[kind]
        d, p = one_to_many_with_predecessors(graph.reversed(), int(base))
        dist[u, : graph.n_nodes], pred[u, : graph.n_nodes] = d, p
    return dist, pred


class _Net(NamedTuple):
    """CSR arrays of a reversed graph: a search from a call's node reaches the units."""

    indptr: np.ndarray
    indices: np.ndarray
    seconds: np.ndarray
    in_traffic: bool  # a driving graph: its times are scaled by the hour's congestion


class _Units(NamedTuple):
    """The fleet as the compiled loop reads it, with its routing done up front."""

    group: np.ndarray
    kind: np.ndarray
    base: np.ndarray
    from_base: np.ndarray  # units x nodes: free-flow seconds from the base
    home_dist: np.ndarray  # units x nodes: free-flow seconds to the base
    home_pred: np.ndarray  # units x nodes: the next node towards the base
    on_duty: np.ndarray  # units x 24: on duty in that hour of the local day


class _Jobs(NamedTuple):
    """The calls as the compiled loop reads them."""

    ready: np.ndarray  # when a unit can be sent: received + handling
    group: np.ndarray
    nodes: np.ndarray
    kinds: np.ndarray
    turnout: np.ndarray
    scene: np.ndarray
    slow: np.ndarray  # congestion factor of the call's hour
    first_kind: np.ndarray  # the kind tried first (-1: none), see ``Calls``
    first_reach_s: float
    utc_offset_s: float  # local time minus UTC, for the hours of duty


class _Whereabouts(NamedTuple):
    """Each unit's state, updated as calls are answered (arrays, so mutable)."""

    free_at: np.ndarray  # when it clears its last call
    home_at: np.ndarray  # when it is back at its base
    where: np.ndarray  # the node it cleared its last call at (its base at first)
    pace: np.ndarray  # real over free-flow time on its way home (1 on foot)


@njit(cache=True)
def heading_home(home_dist, home_pred, start, elapsed):
    """Where a unit heading home from ``start`` is after ``elapsed`` free-flow seconds.

    ``home_dist``/``home_pred`` come from a Dijkstra on the reversed graph rooted at the
    base: seconds to the base, and the next node towards it. Returns the node the unit
    reaches next (the first ``v`` with ``home_dist[start] - home_dist[v] >= elapsed``;
    the base once it is home) and the seconds it still needs to reach it.
    """
    total = home_dist[start]
    if not np.isfinite(total):  # cannot get home: it stays where it is
        return start, 0.0
    v = start
    while total - home_dist[v] < elapsed and home_pred[v] >= 0:
        v = home_pred[v]
    return v, max(total - home_dist[v] - elapsed, 0.0)


@njit(cache=True)
def _respond(nets, units, jobs, state, unit, origin, out):
    """The sequential part of :func:`simulate_responses`, compiled (calls in time order)."""
    for k in range(jobs.ready.shape[0]):
        u, sent, v, eta = _choose(nets, units, jobs, state, k)
        if u < 0:
            continue
        slow = _pace(nets, units.kind[u], jobs.slow[k])
        leave = sent + jobs.turnout[k]
        arrive = leave + eta * slow
        done = arrive + jobs.scene[k]
        node = jobs.nodes[k, units.kind[u]]
        state.free_at[u] = done
        state.home_at[u] = done + units.home_dist[u, node] * slow
        state.where[u] = node
        state.pace[u] = slow
        unit[k], origin[k] = u, v
        out[0, k], out[1, k], out[2, k], out[3, k], out[4, k] = eta, sent, leave, arrive, done


@njit(cache=True)
def _on_duty_from(on_duty, t, offset_s):
    """The first moment from ``t`` on at which a unit with hours ``on_duty`` (24 flags of
    the local day) is on duty (inf if never)."""
    local = t + offset_s
    hour = np.int64(np.floor(local / 3600.0))
    for step in range(25):
        if on_duty[(hour + step) % 24]:
            return t if step == 0 else (hour + step) * 3600.0 - offset_s
    return np.inf


@njit(cache=True)
def _to_call(units, jobs, u, k):
    """Free-flow seconds from unit u's base to call k (inf where it cannot go)."""
    node = jobs.nodes[k, units.kind[u]]
    return units.from_base[u, node] if node >= 0 else np.inf


@njit(cache=True)
def _choose(nets, units, jobs, state, k):
    """Call k's unit, when it is sent, the node it sets off from and its free-flow time.

    A unit is free for the call when it has cleared its last call and is on duty when the
    call is ready to be sent; if none is, the call waits (first come, first served: calls
    are taken in time order) for the first suitable unit that is both.
    """
    n_units = units.kind.shape[0]
    ready = jobs.ready[k]
    can = np.zeros(n_units, dtype=np.bool_)
    avail = np.full(n_units, np.inf)  # when each suitable unit can next be sent
    for u in range(n_units):
        if jobs.kinds[k, units.kind[u]] and np.isfinite(_to_call(units, jobs, u, k)):
            can[u] = True
            avail[u] = _on_duty_from(
                units.on_duty[u], max(state.free_at[u], ready), jobs.utc_offset_s
            )
    free = can & (avail <= ready)
    own = free & (units.group == jobs.group[k])
    kind = jobs.first_kind[k]
    if kind >= 0:
        u, v, eta = _fastest(nets, units, jobs, state, k, ready, own & (units.kind == kind))
        if u >= 0 and eta * _pace(nets, kind, jobs.slow[k]) <= jobs.first_reach_s:
            return u, ready, v, eta
    u, v, eta = _fastest(nets, units, jobs, state, k, ready, own)
    if u < 0:
        u, v, eta = _fastest(nets, units, jobs, state, k, ready, free)
    if u >= 0:
        return u, ready, v, eta
    busy = np.flatnonzero(can & np.isfinite(avail))
    if busy.size == 0:
        return -1, ready, -1, np.inf
    first = busy[np.argmin(avail[busy])]  # the call waits for it
    only = np.zeros(n_units, dtype=np.bool_)
    only[first] = True
    sent = avail[first]
    u, v, eta = _fastest(nets, units, jobs, state, k, sent, only)
    return u, sent, v, eta


@njit(cache=True)
def _fastest(nets, units, jobs, state, k, now, pick):
    """The fastest of the ``pick``ed units to call k at time ``now``, at the pace of the
    call's hour: (unit, the node it sets off from, its free-flow seconds from there)."""
    best, best_v, best_eta, best_t = -1, -1, np.inf, np.inf
    node = np.full(pick.shape[0], -1, dtype=np.int64)  # next node of a unit on its way home
    rest = np.zeros(pick.shape[0])  # seconds it still needs to reach that node
    for u in range(pick.shape[0]):
        if not pick[u]:
            continue
        if now >= state.home_at[u]:
            eta = _to_call(units, jobs, u, k)
            t = eta * _pace(nets, units.kind[u], jobs.slow[k])
            if t < best_t:
                best, best_v, best_eta, best_t = u, units.base[u], eta, t
        else:
            elapsed = (now - state.free_at[u]) / state.pace[u]
            node[u], rest[u] = heading_home(
                units.home_dist[u], units.home_pred[u], state.where[u], elapsed
            )
    for kind in range(len(nets)):
        away = np.flatnonzero((node >= 0) & (units.kind == kind))
        if away.size == 0:
            continue
        # Only a unit faster than the best one at its base matters: search no farther.
        pace = _pace(nets, kind, jobs.slow[k])
        seconds = _times_to(nets[kind], jobs.nodes[k, kind], node[away], best_t / pace)
        for u in away:
            eta = rest[u] + seconds[node[u]]
            if eta * pace < best_t or (eta * pace == best_t and u < best):
                best, best_v, best_eta, best_t = u, node[u], eta, eta * pace
    return best, best_v, best_eta


@njit(cache=True)
def _pace(nets, kind, slow):
    """Real over free-flow time on the graph of ``kind`` at a congestion factor ``slow``."""
    return slow if nets[kind].in_traffic else 1.0


@njit(cache=True)
def _times_to(net, root, targets, limit):
    """Seconds from every node to ``root`` (inf beyond ``limit``), stopping once every
    target is settled: the routing engine's kernel on a reversed graph."""
    dist = np.full(net.indptr.shape[0] - 1, np.inf)
    none = np.empty(0, dtype=np.int32)
    sources = np.full(1, root, dtype=np.int64)
    _dijkstra(net.indptr, net.indices, net.seconds, sources, np.zeros(1), limit, targets, dist,
              none, none)  # fmt: skip
    return dist
