"""Ranking units: the search that stops at the first k units agrees with the full one.

The full ranking (``first=None``) settles every unit's node; the bounded one stops once
the k fastest are known. Both are checked against scipy's Dijkstra on the reversed Almaty
cut (a real street graph), on many random calls and unit placements, and on small graphs
built for ties, shared nodes and units that cannot get there.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from precinct.analytics.dispatch import ACCESS_SPEED_MPS, rank_units
from precinct.analytics.network import build_networks
from precinct.analytics.network.graph import graph_from_edges

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CAR = ACCESS_SPEED_MPS["car"]


@pytest.fixture(scope="module")
def reverse():
    """The reversed driving graph of the Almaty cut (2.7 thousand nodes)."""
    return build_networks(FIXTURES / "almaty_cut.osm.pbf").drive.reversed()


def reference(graph, incident, incident_m, nodes, access_m, *, limit_s=np.inf):
    """Every unit's ETA by scipy's Dijkstra, ranked by (ETA, index): what people would use."""
    road = dijkstra(graph.to_csr_matrix(), indices=incident, limit=limit_s)
    on = np.flatnonzero(nodes >= 0)
    eta = road[nodes[on]] + (access_m[on] + incident_m) / CAR
    reached = np.isfinite(eta)
    on, eta = on[reached], eta[reached]
    order = np.argsort(eta, kind="stable")
    return on[order], eta[order]


def random_fleet(rng, graph, size):
    """Units at random nodes (some sharing one, some off the network), some off the road."""
    nodes = rng.choice(graph.n_nodes, size)
    nodes[rng.random(size) < 0.2] = nodes[0]  # a crowd on one node
    nodes[rng.random(size) < 0.1] = -1
    access_m = rng.uniform(0, 400, size) * (rng.random(size) < 0.6)
    return nodes, access_m


@pytest.mark.parametrize("seed", range(4))
def test_first_k__same_etas_order_and_distances_as_the_full_search(reverse, seed):
    rng = np.random.default_rng(seed)
    for _ in range(40):
        nodes, access_m = random_fleet(rng, reverse, int(rng.integers(1, 80)))
        incident, incident_m = int(rng.integers(reverse.n_nodes)), float(rng.uniform(0, 80))
        full = rank_units(reverse, incident, incident_m, nodes, access_m, access_speed_mps=CAR)
        order, eta = reference(reverse, incident, incident_m, nodes, access_m)
        assert np.array_equal(full.order, order)
        np.testing.assert_allclose(full.eta_seconds, eta, rtol=0, atol=1e-9)
        assert full.unranked.size == 0
        for k in (1, 3, 10, int(rng.integers(1, 100))):
            some = rank_units(
                reverse, incident, incident_m, nodes, access_m, access_speed_mps=CAR, first=k
            )
            assert np.array_equal(some.order, full.order[:k])
            assert np.array_equal(some.eta_seconds, full.eta_seconds[:k])
            assert np.array_equal(some.distance_m, full.distance_m[:k])
            # Every other unit is left out, none lost, and none is faster than its bound.
            assert sorted(some.unranked.tolist()) == sorted(full.order[k:].tolist())
            eta_of = dict(zip(full.order.tolist(), full.eta_seconds.tolist(), strict=True))
            truth = np.array([eta_of[u] for u in some.unranked.tolist()])
            assert np.all(truth >= some.eta_at_least)
            if some.order.size:
                assert np.all(some.eta_at_least >= some.eta_seconds[-1])


def test_first_k__searches_a_part_of_the_graph(reverse):
    """Ten of 300 units spread over the graph: the search stops well before the last one."""
    rng = np.random.default_rng(7)
    nodes = rng.choice(reverse.n_nodes, 300, replace=False)
    some = rank_units(reverse, int(nodes[0]), 0.0, nodes, np.zeros(300), access_speed_mps=CAR)
    ten = rank_units(
        reverse, int(nodes[0]), 0.0, nodes, np.zeros(300), access_speed_mps=CAR, first=10
    )
    assert ten.horizon_s < some.eta_seconds[-1] / 3
    assert ten.unranked.size == 290


def ring(n: int = 12, seconds: float = 10.0):
    """A ring road of ``n`` nodes, every block ``seconds`` long each way: exact ties."""
    tail = np.arange(n)
    head = (tail + 1) % n
    lon = 76.9 + 0.001 * np.cos(2 * np.pi * tail / n)
    lat = 43.2 + 0.001 * np.sin(2 * np.pi * tail / n)
    return graph_from_edges(
        np.r_[tail, head], np.r_[head, tail], np.full(2 * n, seconds), np.full(2 * n, 100.0),
        lon, lat, tail + 1, mode="drive",
    ).reversed()  # fmt: skip


def test_ties__go_to_the_lower_index_as_in_the_full_ranking():
    graph = ring()
    # Units 0..5 at equal times pairwise (nodes 1 and 11, 2 and 10 ...), some on one node.
    nodes = np.array([11, 1, 2, 10, 10, 2, 6, 0])
    access_m = np.zeros(8)
    full = rank_units(graph, 0, 0.0, nodes, access_m, access_speed_mps=CAR)
    assert full.order.tolist() == [7, 0, 1, 2, 3, 4, 5, 6]
    for k in range(1, 10):
        some = rank_units(graph, 0, 0.0, nodes, access_m, access_speed_mps=CAR, first=k)
        assert some.order.tolist() == full.order[:k].tolist()


def test_units_on_one_node__ranked_by_their_own_access_legs():
    graph = ring()
    nodes = np.array([3, 3, 3, 4])
    access_m = np.array([200.0, 0.0, 20.0, 0.0])
    full = rank_units(graph, 0, 0.0, nodes, access_m, access_speed_mps=CAR)
    # 200 m off the road at 15 km/h is 48 s: the unit one block farther but on it wins.
    assert full.order.tolist() == [1, 2, 3, 0]
    np.testing.assert_allclose(full.eta_seconds, [30, 30 + 20 / CAR, 40, 30 + 200 / CAR])
    for k in range(1, 6):
        some = rank_units(graph, 0, 0.0, nodes, access_m, access_speed_mps=CAR, first=k)
        assert some.order.tolist() == full.order[:k].tolist()
        assert np.array_equal(some.eta_seconds, full.eta_seconds[:k])


def test_unreachable_units__left_out_as_in_the_full_ranking():
    # A one-way street 0 -> 1 -> 2 and a loop 2 <-> 3: nobody can drive to node 0.
    tail, head = np.array([0, 1, 2, 3]), np.array([1, 2, 3, 2])
    graph = graph_from_edges(
        tail, head, np.full(4, 10.0), np.full(4, 100.0), np.arange(4) * 0.001 + 76.9,
        np.full(4, 43.2), np.arange(4) + 1, mode="walk",
    ).reversed()  # fmt: skip
    nodes, access_m = np.array([3, 1, 2, -1]), np.zeros(4)
    to_zero = rank_units(graph, 0, 0.0, nodes, access_m, access_speed_mps=CAR, first=2)
    assert to_zero.order.size == 0 and to_zero.unranked.size == 0
    to_three = rank_units(graph, 3, 0.0, nodes, access_m, access_speed_mps=CAR, first=1)
    assert to_three.order.tolist() == [0]  # unit 1 at node 1 can, through 2; unit 3 is off
    assert sorted(to_three.unranked.tolist()) == [1, 2]


def test_time_limit__units_beyond_it_are_left_out_in_both(reverse):
    rng = np.random.default_rng(3)
    nodes, access_m = random_fleet(rng, reverse, 60)
    limit = 240.0
    full = rank_units(reverse, 5, 10.0, nodes, access_m, access_speed_mps=CAR, limit_s=limit)
    order, eta = reference(reverse, 5, 10.0, nodes, access_m, limit_s=limit)
    assert np.array_equal(full.order, order)
    np.testing.assert_allclose(full.eta_seconds, eta, rtol=0, atol=1e-9)
    some = rank_units(
        reverse, 5, 10.0, nodes, access_m, access_speed_mps=CAR, limit_s=limit, first=5
    )
    assert np.array_equal(some.order, full.order[:5])


def test_k_larger_than_the_fleet__every_unit_ranked(reverse):
    rng = np.random.default_rng(11)
    nodes, access_m = random_fleet(rng, reverse, 7)
    full = rank_units(reverse, 9, 0.0, nodes, access_m, access_speed_mps=CAR)
    many = rank_units(reverse, 9, 0.0, nodes, access_m, access_speed_mps=CAR, first=50)
    assert np.array_equal(many.order, full.order) and many.unranked.size == 0
    assert np.array_equal(many.eta_seconds, full.eta_seconds)


def test_first_below_one__refused(reverse):
    with pytest.raises(ValueError, match="first"):
        rank_units(reverse, 0, 0.0, np.array([1]), np.zeros(1), access_speed_mps=CAR, first=0)


def test_node_out_of_range__refused_before_the_kernel(reverse):
    with pytest.raises(IndexError, match="out of range"):
        rank_units(reverse, reverse.n_nodes, 0.0, np.array([1]), np.zeros(1), access_speed_mps=CAR)
    with pytest.raises(IndexError, match="out of range"):
        rank_units(reverse, 0, 0.0, np.array([reverse.n_nodes]), np.zeros(1), access_speed_mps=CAR)


def test_threads__each_search_gets_a_clean_workspace(reverse):
    """Searches share the graph's pool of workspaces: at once, each still gets its own."""
    rng = np.random.default_rng(5)
    cases = [(int(rng.integers(reverse.n_nodes)), *random_fleet(rng, reverse, 50))
             for _ in range(40)]  # fmt: skip

    def ranked(case):
        incident, nodes, access_m = case
        r = rank_units(reverse, incident, 0.0, nodes, access_m, access_speed_mps=CAR, first=5)
        return r.order.tolist(), r.eta_seconds.tolist()

    alone = [ranked(c) for c in cases]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(ranked, cases * 3))
    assert together == alone * 3
