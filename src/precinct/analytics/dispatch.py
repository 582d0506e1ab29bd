"""Numbers of the 102 service: ranking units by road travel time, percentiles, call arrivals.

No Django here: the dispatch app prepares arrays from the database and calls these.

Ranking is many-to-one: the time from every unit to one incident is one Dijkstra on the
*reversed* graph started at the incident's node, stopped as soon as every unit's node is
settled. Each unit also pays an access leg from its reported position to its nearest
street node (and the incident one from the street to the caller's door), at a slow
off-road pace, so a unit parked 300 m off the network is not ranked as if it stood on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from precinct.analytics.network.graph import Graph, haversine_m
from precinct.analytics.network.routing import _run

# Off-network legs: a car crawling through a yard, a patrol walking.
ACCESS_SPEED_MPS = {"car": 15 / 3.6, "foot": 4.5 / 3.6}


@dataclass(frozen=True)
class Ranking:
    """Units ordered fastest first (indices into the arrays given), with ETA and distance."""

    order: np.ndarray  # int64 indices of the reachable units, fastest first
    eta_seconds: np.ndarray  # per unit in ``order``
    distance_m: np.ndarray  # per unit in ``order``, along the roads plus access legs


@njit(cache=True)
def _tree_meters(indptr, indices, meters, pred, targets):
    """Metres along the predecessor tree from the root to each target (memoised walk)."""
    n = pred.shape[0]
    memo = np.full(n, -1.0)
    out = np.empty(targets.shape[0])
    stack = np.empty(n, dtype=np.int64)
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
    limit: float = np.inf,
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
    limit : float
        Units farther than this many seconds are left out.
    """
    unit_nodes = np.asarray(unit_nodes, dtype=np.int64)
    unit_access_m = np.asarray(unit_access_m, dtype=np.float64)
    on_network = np.flatnonzero(unit_nodes >= 0)
    empty = Ranking(np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    if on_network.size == 0:
        return empty
    targets = unit_nodes[on_network]
    dist, pred, _ = _run(
        reversed_graph, [incident_node], targets=targets, limit=limit, predecessors=True
    )
    road_s = dist[targets]
    reached = np.isfinite(road_s)
    idx, targets, road_s = on_network[reached], targets[reached], road_s[reached]
    g = reversed_graph
    road_m = _tree_meters(g.indptr, g.indices, g.meters, pred, targets)
    access_m = unit_access_m[idx] + incident_access_m
    eta = road_s + access_m / access_speed_mps
    order = np.argsort(eta, kind="stable")
    return Ranking(idx[order], eta[order], (road_m + access_m)[order])


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
class SimulatedResponses:
    """Per call: the unit sent (index, -1 when none could) and the phase timestamps."""

    unit: np.ndarray
    dispatched: np.ndarray
    en_route: np.ndarray
    on_scene: np.ndarray
    closed: np.ndarray


def simulate_responses(
    rng: np.random.Generator,
    *,
    epochs: np.ndarray,
    call_group: np.ndarray,
    priority: np.ndarray,
    unit_group: np.ndarray,
    time_to_call: np.ndarray,
    time_back: np.ndarray,
    utc_offset_hours: float = 5.0,
) -> SimulatedResponses:
    """Send, for each call in time order, the fastest free unit; units return to base.

    A unit waits at its base; sent to a call it drives the routed time (``time_to_call``,
    units × calls, seconds, free flow) scaled by the hour's congestion, stays on scene,
    then drives back (``time_back``). Units of the call's own group (department) are
    preferred; if none is free, the fastest free unit of any group goes; if none at all,
    the call waits for the first unit to come free. Human times (call handling, turnout,
    time on scene) are lognormal around stated medians, longer for lower priorities.
    """
    n_calls = epochs.shape[0]
    # Medians (s) by priority 1..4: call handling, turnout, time on scene.
    handling = np.array([0, 75, 150, 300, 600.0])[priority] * rng.lognormal(0.0, 0.5, n_calls)
    turnout = 45.0 * rng.lognormal(0.0, 0.4, n_calls)
    on_scene_time = np.array([0, 2400, 1800, 1500, 1200.0])[priority] * rng.lognormal(
        0.0, 0.5, n_calls
    )
    hour = ((epochs / 3600.0 + utc_offset_hours) % 24).astype(np.int64)
    out = np.full((4, n_calls), np.nan)
    unit = np.full(n_calls, -1, dtype=np.int64)
    _respond(
        np.asarray(epochs, np.float64), np.asarray(call_group, np.int64),
        np.asarray(unit_group, np.int64), np.ascontiguousarray(time_to_call, np.float64),
        np.ascontiguousarray(time_back, np.float64), handling, turnout, on_scene_time,
        CONGESTION[hour], unit, out,
    )  # fmt: skip
    return SimulatedResponses(unit, out[0], out[1], out[2], out[3])


@njit(cache=True)
def _respond(epochs, call_group, unit_group, to_call, back, handling, turnout, scene, slow,
             unit, out):  # fmt: skip
    """The sequential part of :func:`simulate_responses`, compiled (calls in time order)."""
    n_units = unit_group.shape[0]
    busy_until = np.zeros(n_units)
    for k in range(epochs.shape[0]):
        ready = epochs[k] + handling[k]
        best_own, best_any, first_free = -1, -1, -1
        for u in range(n_units):
            t = to_call[u, k]
            if not np.isfinite(t):
                continue
            if busy_until[u] <= ready:
                if best_any < 0 or t < to_call[best_any, k]:
                    best_any = u
                if unit_group[u] == call_group[k] and (best_own < 0 or t < to_call[best_own, k]):
                    best_own = u
            elif first_free < 0 or busy_until[u] < busy_until[first_free]:
                first_free = u
        if best_own >= 0:
            u, sent = best_own, ready
        elif best_any >= 0:
            u, sent = best_any, ready
        elif first_free >= 0:
            u, sent = first_free, busy_until[first_free]
        else:
            continue
        leave = sent + turnout[k]
        arrive = leave + to_call[u, k] * slow[k]
        done = arrive + scene[k]
        way_back = back[u, k] if np.isfinite(back[u, k]) else to_call[u, k]
        busy_until[u] = done + way_back * slow[k]
        unit[k] = u
        out[0, k], out[1, k], out[2, k], out[3, k] = sent, leave, arrive, done
