"""The simulated year of 102 calls: units move on the network, foot patrols respond.

On the street grid of the dispatch tests (160 m blocks; cars at 36 km/h, foot at 4.5).
Human times are set by hand (no handling or turnout, ten minutes on scene) and calls come
at 04:00 Almaty time, when the roads run at free flow, so every time is a routed one.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from precinct.analytics.dispatch import (
    CONGESTION,
    Calls,
    Fleet,
    HumanTimes,
    draw_human_times,
    heading_home,
    simulate_responses,
)
from precinct.analytics.network.graph import graph_from_edges
from precinct.analytics.network.routing import one_to_many, one_to_many_with_predecessors
from tests.analytics.streets import DRIVE_MPS, WALK_MPS, grid_graph, grid_node

CAR, FOOT = 0, 1
DRIVE, WALK = grid_graph("drive", DRIVE_MPS), grid_graph("walk", WALK_MPS)
GRAPHS = [DRIVE, WALK]
NIGHT = 10 * 86400 + (4 - 5) * 3600.0  # 04:00 at UTC+5
SCENE = 600.0
ANY, CAR_ONLY = (True, True), (True, False)


def edge(graph, a, b) -> float:
    """Seconds of the street from node a to node b."""
    lo, hi = graph.indptr[a], graph.indptr[a + 1]
    return float(graph.seconds[lo + int(np.flatnonzero(graph.indices[lo:hi] == b)[0])])


EAST = edge(DRIVE, grid_node(0, 0), grid_node(1, 0))  # one block along row 0, by car
NORTH = edge(DRIVE, grid_node(10, 0), grid_node(10, 1))  # one block up column 10, by car


def fleet(*units) -> Fleet:
    """Units as (group, kind, (i, j) of the base)."""
    return Fleet(
        np.array([g for g, _, _ in units]), np.array([k for _, k, _ in units]),
        np.array([grid_node(*at) for _, _, at in units]),
    )  # fmt: skip


def calls(*rows, group=None) -> Calls:
    """Calls as (epoch, (i, j), kinds that may go), all of group 0 unless given."""
    nodes = np.array([[grid_node(*at)] * 2 for _, at, _ in rows])
    groups = np.zeros(len(rows), np.int64) if group is None else np.array(group)
    return Calls(np.array([t for t, _, _ in rows]), groups, nodes, np.array([k for *_, k in rows]))


def simulate(c: Calls, f: Fleet, graphs=GRAPHS):
    n = len(c.epochs)
    return simulate_responses(c, f, graphs, HumanTimes(np.zeros(n), np.zeros(n), np.full(n, SCENE)))


def test_heading_home__the_next_node_on_the_way_and_the_seconds_to_it():
    dist, pred = one_to_many_with_predecessors(DRIVE.reversed(), grid_node(0, 0))
    start = grid_node(10, 0)  # row 0 is the only fastest way home: straight west

    def at(elapsed):
        node, rest = heading_home(dist, pred, start, elapsed)
        return int(node), rest

    assert at(0.0) == (start, 0.0)
    node, rest = at(4.5 * EAST)
    assert node == grid_node(5, 0) and rest == pytest.approx(0.5 * EAST)
    node, rest = at(dist[start] - dist[grid_node(3, 0)])
    assert node == grid_node(3, 0) and rest == 0.0
    assert at(dist[start]) == (grid_node(0, 0), 0.0)
    assert at(10 * dist[start]) == (grid_node(0, 0), 0.0)


def cleared_east_end(f: Fleet) -> float:
    """When the first unit clears a call at the east end of row 0, received at NIGHT."""
    return float(simulate(calls((NIGHT, (10, 0), ANY)), f).closed[0])


def test_a_unit_that_cleared_far_from_base_takes_a_call_next_to_it():
    # A (base at the west end) answers a call at the east end; B waits at the north-west.
    f = fleet((0, CAR, (0, 0)), (0, CAR, (0, 10)))
    cleared = cleared_east_end(f)
    assert cleared == pytest.approx(NIGHT + 10 * EAST + SCENE)
    sim = simulate(calls((NIGHT, (10, 0), ANY), (cleared, (10, 1), ANY)), f)
    assert sim.unit.tolist() == [0, 0]
    # Routed from where A stands, not from its base (which is 10 blocks farther).
    assert sim.origin[1] == grid_node(10, 0)
    assert sim.eta[1] == pytest.approx(NORTH)
    assert sim.on_scene[1] == pytest.approx(cleared + NORTH)


def test_a_unit_heading_home_is_timed_from_partway_along_its_path():
    f = fleet((0, CAR, (0, 0)), (0, CAR, (0, 10)))
    cleared = cleared_east_end(f)
    # 3.5 blocks into its way home A is between (7, 0) and (6, 0): it goes on to (6, 0).
    c = calls((NIGHT, (10, 0), ANY), (cleared + 3.5 * EAST, (6, 3), ANY))
    sim = simulate(c, f)
    assert sim.unit[1] == 0 and sim.origin[1] == grid_node(6, 0)
    up = one_to_many(DRIVE, grid_node(6, 0), [grid_node(6, 3)])[0]
    assert sim.eta[1] == pytest.approx(0.5 * EAST + up)
    # Once it is home it is timed from its base again.
    home = calls((NIGHT, (10, 0), ANY), (cleared + 10 * EAST + 1, (6, 3), ANY))
    later = simulate(home, f)
    assert later.origin[1] == grid_node(0, 0)
    assert later.eta[1] == pytest.approx(one_to_many(DRIVE, grid_node(0, 0), [grid_node(6, 3)])[0])


def test_an_away_unit_of_the_calls_department_goes_before_a_nearer_one_of_another():
    f = fleet((0, CAR, (0, 0)), (1, CAR, (10, 9)))
    cleared = cleared_east_end(f)
    sim = simulate(calls((NIGHT, (10, 0), ANY), (cleared, (10, 10), ANY)), f)
    assert sim.unit.tolist() == [0, 0]  # not the other department's car one block away
    assert sim.eta[1] == pytest.approx(10 * NORTH)


def test_a_foot_patrol_answers_a_call_it_may_take_when_it_is_fastest():
    f = fleet((0, CAR, (0, 0)), (0, FOOT, (5, 5)))
    sim = simulate(calls((NIGHT, (5, 6), ANY), (NIGHT + 7200, (10, 10), ANY)), f)
    walk_up = edge(WALK, grid_node(5, 5), grid_node(5, 6))
    assert sim.unit.tolist() == [1, 0]  # one block away on foot; the far call by car
    assert sim.origin[0] == grid_node(5, 5) and sim.eta[0] == pytest.approx(walk_up)
    assert sim.on_scene[0] == pytest.approx(NIGHT + walk_up)


def test_no_foot_patrol_is_sent_to_a_car_only_call_even_if_it_waits():
    f = fleet((0, CAR, (0, 0)), (0, FOOT, (5, 5)))
    crash = calls((NIGHT, (5, 6), CAR_ONLY), (NIGHT + 60, (5, 4), CAR_ONLY))
    sim = simulate(crash, f)
    assert sim.unit.tolist() == [0, 0]
    # The second crash waits for the car to clear the first, then it drives over.
    assert sim.dispatched[1] == pytest.approx(sim.closed[0])
    assert sim.origin[1] == grid_node(5, 6)
    assert sim.eta[1] == pytest.approx(one_to_many(DRIVE, grid_node(5, 6), [grid_node(5, 4)])[0])


def test_a_local_foot_patrol_goes_first_to_a_minor_call_within_its_reach():
    # The car is two blocks away (~30 s), the foot patrol three (~6 min on foot).
    f = fleet((0, CAR, (5, 3)), (0, FOOT, (5, 8)))
    minor = calls((NIGHT, (5, 5), ANY))
    assert simulate(minor, f).unit.tolist() == [0]  # no policy: the fastest goes
    walk = one_to_many(WALK, grid_node(5, 8), [grid_node(5, 5)])[0]
    first = replace(minor, first_kind=np.array([FOOT]), first_reach_s=walk + 1)
    sim = simulate(first, f)
    assert sim.unit.tolist() == [1] and sim.eta[0] == pytest.approx(walk)
    too_far = replace(first, first_reach_s=walk - 1)
    assert simulate(too_far, f).unit.tolist() == [0]


def test_the_first_kind_must_be_of_the_calls_department():
    f = fleet((0, CAR, (5, 3)), (1, FOOT, (5, 6)))
    first = replace(calls((NIGHT, (5, 5), ANY)), first_kind=np.array([FOOT]), first_reach_s=3600)
    assert simulate(first, f).unit.tolist() == [0]


def test_rush_hour_slows_cars_but_not_foot_patrols():
    # Two blocks on foot (267 s) against twelve by car: 197 s at night, 296 s at 18:00.
    rush = NIGHT + 14 * 3600
    f = fleet((0, CAR, (0, 0)), (0, FOOT, (5, 5)))
    assert simulate(calls((NIGHT, (5, 7), ANY)), f).unit.tolist() == [0]
    sim = simulate(calls((rush, (5, 7), ANY), (rush + 60, (10, 10), CAR_ONLY)), f)
    assert sim.unit.tolist() == [1, 0]
    assert sim.on_scene[0] - sim.dispatched[0] == pytest.approx(sim.eta[0])
    assert sim.on_scene[1] - sim.dispatched[1] == pytest.approx(1.5 * sim.eta[1])


def test_a_call_no_unit_can_reach_is_left_unanswered():
    f = fleet((0, FOOT, (5, 5)))
    c = Calls(np.array([NIGHT]), np.zeros(1, np.int64), np.array([[grid_node(5, 6), -1]]),
              np.array([ANY]))  # fmt: skip
    sim = simulate(c, f)
    assert sim.unit.tolist() == [-1] and np.isnan(sim.on_scene[0])


def _jittered(graph, rng):
    """The grid with every street's time scaled at random: no two routes tie."""
    seconds = graph.seconds * rng.uniform(0.7, 1.3, graph.n_edges)
    return graph_from_edges(graph.tails(), graph.indices, seconds, graph.meters, graph.lon,
                            graph.lat, graph.osm_id, mode=graph.mode)  # fmt: skip


def _reference(c: Calls, f: Fleet, graphs, human: HumanTimes):
    """The same rules written plainly: a full Dijkstra from every free unit's position."""
    n_units = len(f.base)
    slow = CONGESTION[((c.epochs / 3600 + 5) % 24).astype(int)]
    in_traffic = np.array([graphs[k].mode == "drive" for k in f.kind])
    trees = [one_to_many_with_predecessors(graphs[k].reversed(), int(b)) for k, b in
             zip(f.kind, f.base, strict=True)]  # fmt: skip
    free_at, home_at = np.full(n_units, -np.inf), np.full(n_units, -np.inf)
    where, pace = f.base.copy(), np.ones(n_units)
    chosen, etas = [], []

    def time_to(u, k, now):
        call = c.nodes[k, f.kind[u]]
        if not c.kinds[k, f.kind[u]] or call < 0:
            return np.inf
        node, rest = f.base[u], 0.0
        if now < home_at[u]:
            dist, pred = trees[u]
            node, elapsed = where[u], (now - free_at[u]) / pace[u]
            while dist[where[u]] - dist[node] < elapsed and pred[node] >= 0:
                node = pred[node]
            rest = dist[where[u]] - dist[node] - elapsed
        return rest + one_to_many(graphs[f.kind[u]], int(node), [call])[0]

    for k, epoch in enumerate(c.epochs):
        sent = epoch + human.handling[k]
        factor = np.where(in_traffic, slow[k], 1.0)
        free_flow = np.array([time_to(u, k, sent) if free_at[u] <= sent else np.inf
                              for u in range(n_units)])  # fmt: skip
        times = free_flow * factor
        own = np.where(f.group == c.group[k], times, np.inf)
        u = int(np.argmin(own)) if np.isfinite(own).any() else int(np.argmin(times))
        if c.first_kind is not None and c.first_kind[k] >= 0:
            local = np.where(f.kind == c.first_kind[k], own, np.inf)
            if local.min() <= c.first_reach_s:
                u = int(np.argmin(local))
        if not np.isfinite(times[u]):
            reachable = [v for v in range(n_units) if np.isfinite(time_to(v, k, np.inf))]
            if not reachable:
                chosen.append(-1)
                etas.append(np.nan)
                continue
            u = min(reachable, key=lambda v: free_at[v])
            sent = free_at[u]
            free_flow[u] = time_to(u, k, sent)
        done = sent + human.turnout[k] + free_flow[u] * factor[u] + human.on_scene[k]
        node = c.nodes[k, f.kind[u]]
        free_at[u], home_at[u] = done, done + trees[u][0][node] * factor[u]
        where[u], pace[u] = node, factor[u]
        chosen.append(u)
        etas.append(free_flow[u])
    return np.array(chosen), np.array(etas)


def test_a_busy_morning_matches_a_plain_full_search_for_every_call():
    rng = np.random.default_rng(5)
    graphs = [_jittered(DRIVE, rng), _jittered(WALK, rng)]
    f = Fleet(np.array([0, 0, 0, 1, 1, 0, 1]), np.array([0, 0, 0, 0, 0, 1, 1]),
              rng.choice(DRIVE.n_nodes, 7, replace=False))  # fmt: skip
    n = 90
    epochs = NIGHT + np.sort(rng.uniform(2 * 3600, 5 * 3600, n))  # 06:00-09:00: roads fill
    nodes = rng.choice(DRIVE.n_nodes, n)
    kinds = np.c_[np.ones(n, bool), rng.random(n) < 0.6]
    # Half the calls a foot patrol may take try the department's foot patrols first.
    first_kind = np.where(kinds[:, 1] & (rng.random(n) < 0.5), 1, -1)
    c = Calls(epochs, rng.integers(0, 2, n), np.c_[nodes, nodes], kinds, first_kind, 600.0)
    # Short jobs, so that units are often sent on their way home.
    human = HumanTimes(rng.uniform(0, 120, n), rng.uniform(0, 60, n), rng.uniform(60, 900, n))
    sim = simulate_responses(c, f, graphs, human)
    unit, eta = _reference(c, f, graphs, human)
    np.testing.assert_array_equal(sim.unit, unit)
    np.testing.assert_allclose(sim.eta, eta, rtol=1e-9)
    # Every case came up: sent from the road, waited for, on foot, across departments.
    waited = sim.dispatched > epochs + human.handling
    assert np.sum((sim.origin != f.base[sim.unit]) & ~waited) >= 5 and waited.sum() >= 5
    on_foot = f.kind[sim.unit] == 1
    assert on_foot.sum() >= 3 and not on_foot[~kinds[:, 1]].any()
    # ... and the foot-first policy changed choices (the reference followed it too).
    without = simulate_responses(replace(c, first_kind=None), f, graphs, human)
    assert np.sum(sim.unit != without.unit) >= 3
    assert np.sum(f.group[sim.unit] != c.group) >= 3


def test_human_times_follow_the_stated_medians_by_priority():
    human = draw_human_times(np.random.default_rng(1), np.repeat([1, 4], 4000))
    medians = [np.median(a.reshape(2, -1), axis=1) for a in human.__dict__.values()]
    np.testing.assert_allclose(medians, [[75, 600], [45, 45], [2400, 1200]], rtol=0.05)


def _hours(start: int, end: int) -> np.ndarray:
    on = np.zeros(24, dtype=bool)
    on[start:end] = True
    return on


def test_an_off_duty_unit_is_not_sent_and_a_call_waits_for_its_shift():
    # A day-shift car next to the call and a night car ten blocks away: at 04:00 the
    # night car goes; with only the day car the call waits until 08:00.
    both = replace(fleet((0, CAR, (5, 4)), (0, CAR, (0, 0))),
                   on_duty=np.array([_hours(8, 16), _hours(0, 24)]))  # fmt: skip
    night_call = calls((NIGHT, (5, 5), ANY))
    assert simulate(night_call, both).unit.tolist() == [1]
    day_only = replace(fleet((0, CAR, (5, 4))), on_duty=np.array([_hours(8, 16)]))
    sim = simulate(night_call, day_only)
    assert sim.unit.tolist() == [0]
    assert sim.dispatched[0] == pytest.approx(NIGHT + 4 * 3600)  # 08:00 Almaty time
    # A call of the shift's last minutes is taken; one after it ends waits for tomorrow.
    late = simulate(calls((NIGHT + 12 * 3600 - 60, (5, 5), ANY)), day_only)
    assert late.dispatched[0] == pytest.approx(NIGHT + 12 * 3600 - 60)
    after = simulate(calls((NIGHT + 12 * 3600 + 60, (5, 5), ANY)), day_only)
    assert after.dispatched[0] == pytest.approx(NIGHT + 28 * 3600)


def test_under_heavy_demand_calls_queue_and_no_unit_is_on_two_calls_at_once():
    # Two cars per shift for 60 calls an hour of 10 minutes on scene: far more than
    # they can take, so calls wait; every unit takes its calls one after another and
    # only in its shift's hours.
    rng = np.random.default_rng(3)
    shifts = [(0, 8), (8, 16), (16, 24)]
    f = Fleet(np.zeros(6, np.int64), np.zeros(6, np.int64), rng.choice(DRIVE.n_nodes, 6),
              np.array([_hours(*shifts[u // 2]) for u in range(6)]))  # fmt: skip
    n = 24 * 60
    epochs = NIGHT + np.sort(rng.uniform(0, 86400, n))
    nodes = rng.choice(DRIVE.n_nodes, n)
    c = Calls(epochs, np.zeros(n, np.int64), np.c_[nodes, nodes], np.tile([True, False], (n, 1)))
    sim = simulate(c, f)
    assert (sim.unit >= 0).all()
    waited = sim.dispatched - epochs
    assert np.mean(waited > 0) > 0.5 and waited.max() > 3600  # demand exceeds supply
    local_hour = ((sim.dispatched / 3600 + 5) % 24).astype(int)
    assert f.on_duty[sim.unit, local_hour].all()
    for u in range(6):
        mine = np.flatnonzero(sim.unit == u)
        order = mine[np.argsort(sim.dispatched[mine])]
        assert (sim.dispatched[order][1:] >= sim.closed[order][:-1]).all()
