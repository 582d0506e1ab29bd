"""Travel times: identical to scipy and networkx; paths, multi-source, targets and limits."""

from __future__ import annotations

import itertools
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from precinct.analytics.network import (
    Graph,
    build_networks,
    k_nearest_targets,
    many_to_many,
    multi_source,
    one_to_many,
    one_to_many_with_predecessors,
    path_coordinates,
    path_from_predecessors,
    shortest_path,
)
from tests.shared_data import SHARED_DATA

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FULL_ALMATY = SHARED_DATA / "osm" / "almaty.osm.pbf"


@pytest.fixture(scope="module")
def cut():
    return build_networks(FIXTURES / "almaty_cut.osm.pbf")


@pytest.fixture(scope="module", params=["walk", "drive"])
def graph(request, cut) -> Graph:
    return getattr(cut, request.param)


def sources(graph: Graph, k: int, seed: int = 7) -> list[int]:
    return np.random.default_rng(seed).choice(graph.n_nodes, k, replace=False).tolist()


def assert_identical(ours: np.ndarray, theirs: np.ndarray) -> None:
    """Same inf pattern, and finite times equal within 1e-9 s."""
    np.testing.assert_array_equal(np.isinf(ours), np.isinf(theirs))
    finite = np.isfinite(ours)
    np.testing.assert_allclose(ours[finite], theirs[finite], rtol=0, atol=1e-9)


def to_networkx(graph: Graph) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n_nodes))
    g.add_weighted_edges_from(
        zip(graph.tails().tolist(), graph.indices.tolist(), graph.seconds.tolist(), strict=True)
    )
    return g


def test_same_times_as_scipy(graph):
    matrix = graph.to_csr_matrix()
    for source in sources(graph, 8):
        assert_identical(one_to_many(graph, source), dijkstra(matrix, indices=source))


def test_same_times_as_networkx(graph):
    g = to_networkx(graph)
    for source in sources(graph, 4):
        lengths = nx.single_source_dijkstra_path_length(g, source)
        theirs = np.full(graph.n_nodes, np.inf)
        theirs[list(lengths)] = list(lengths.values())
        assert_identical(one_to_many(graph, source), theirs)


def test_every_node_reaches_every_other(graph):
    # Largest (strongly) connected component only: nothing is unreachable.
    assert np.isfinite(one_to_many(graph, 0)).all()
    assert np.isfinite(one_to_many(graph.reversed(), 0)).all()


def test_reversed_graph_matches_scipy_transpose(cut):
    drive = cut.drive
    transposed = drive.to_csr_matrix().T.tocsr()
    for source in sources(drive, 4):
        assert_identical(
            one_to_many(drive.reversed(), source), dijkstra(transposed, indices=source)
        )


def test_limit_matches_scipy(graph):
    source = sources(graph, 1)[0]
    ours = one_to_many(graph, source, limit_s=300.0)
    assert_identical(ours, dijkstra(graph.to_csr_matrix(), indices=source, limit=300.0))
    assert np.isinf(ours).any() and (ours[np.isfinite(ours)] <= 300.0).all()


def test_targets_stop_early_with_the_same_times(graph):
    source = sources(graph, 1)[0]
    targets = [*sources(graph, 5, seed=3), source]
    full = one_to_many(graph, source)
    np.testing.assert_array_equal(one_to_many(graph, source, targets), full[targets])


def test_many_to_many(graph):
    srcs, tgts = sources(graph, 3), sources(graph, 4, seed=11)
    expected = dijkstra(graph.to_csr_matrix(), indices=srcs)[:, tgts]
    assert_identical(many_to_many(graph, srcs, tgts).ravel(), expected.ravel())


def test_path_time_is_the_sum_of_its_edges(graph):
    source, *targets = sources(graph, 6)
    times, pred = one_to_many_with_predecessors(graph, source)
    for target in targets:
        nodes, seconds, meters = shortest_path(graph, source, target)
        assert nodes[0] == source and nodes[-1] == target
        assert nodes == path_from_predecessors(pred, target).tolist()
        edge_s, edge_m = [], []
        for u, v in itertools.pairwise(nodes):
            lo, hi = graph.indptr[u], graph.indptr[u + 1]
            (e,) = lo + np.flatnonzero(graph.indices[lo:hi] == v)
            edge_s.append(graph.seconds[e])
            edge_m.append(graph.meters[e])
        assert seconds == times[target]
        assert sum(edge_s) == pytest.approx(seconds, rel=0, abs=1e-9)
        assert meters == pytest.approx(sum(edge_m), rel=0, abs=1e-6)


def test_path_to_itself_and_coordinates(cut):
    walk = cut.walk
    assert shortest_path(walk, 5, 5) == ([5], 0.0, 0.0)
    nodes, _, _ = shortest_path(walk, 5, 50)
    line = path_coordinates(walk, nodes)
    assert line[0] == (walk.lon[5], walk.lat[5]) and line[-1] == (walk.lon[50], walk.lat[50])
    assert all(isinstance(c, float) for point in line for c in point)


def test_multi_source_is_the_minimum_over_single_sources(graph):
    posts = sources(graph, 5, seed=5)
    times, nearest = multi_source(graph, posts)
    single = np.vstack([one_to_many(graph, p) for p in posts])
    assert_identical(times, single.min(axis=0))
    np.testing.assert_array_equal(single[nearest, np.arange(graph.n_nodes)], times)
    assert (nearest[posts] == np.arange(5)).all()


def test_multi_source_with_offsets_and_limit(graph):
    posts = sources(graph, 3, seed=9)
    offsets = np.array([0.0, 120.0, 600.0])
    times, nearest = multi_source(graph, posts, offsets=offsets, limit_s=900.0)
    single = np.vstack([one_to_many(graph, p) + o for p, o in zip(posts, offsets, strict=True)])
    best = single.min(axis=0)
    best[best > 900.0] = np.inf
    assert_identical(times, best)
    assert ((nearest == -1) == np.isinf(times)).all()


def test_bad_node_ids(cut):
    with pytest.raises(IndexError):
        one_to_many(cut.walk, cut.walk.n_nodes)
    with pytest.raises(IndexError):
        one_to_many(cut.walk, 0, [-1])


# --- the full city -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def almaty():
    if not FULL_ALMATY.is_file():
        pytest.fail(f"the shared Almaty extract is missing: {FULL_ALMATY}")
    return build_networks(FULL_ALMATY)


@pytest.mark.parametrize("mode", ["walk", "drive"])
def test_full_almaty_same_times_as_scipy(almaty, mode):
    graph = getattr(almaty, mode)
    assert graph.n_nodes > 20_000
    matrix = graph.to_csr_matrix()
    for source in sources(graph, 3):
        assert_identical(one_to_many(graph, source), dijkstra(matrix, indices=source))


@pytest.mark.parametrize("k", [1, 3, 10])
def test_k_nearest_targets_equals_brute_force(graph, k):
    rng = np.random.default_rng(11)
    for source in sources(graph, 5):
        targets = rng.choice(graph.n_nodes, size=60, replace=False)
        chosen, seconds, pred = k_nearest_targets(graph, source, targets, k)
        everything = one_to_many(graph, source)[targets]
        expected = np.sort(everything[np.isfinite(everything)])[:k]
        np.testing.assert_allclose(seconds, expected, rtol=0, atol=1e-9)
        assert np.allclose(everything[chosen], seconds)
        for i in chosen:  # the predecessors reconstruct each chosen target's path
            path = path_from_predecessors(pred, int(targets[i]))
            assert path[0] == source and path[-1] == targets[i]


@pytest.mark.parametrize("k", [1, 3])
def test_k_nearest_targets_rank_with_the_last_legs(graph, k):
    """Offsets (a post's walk from its street to its door) count in the ranking."""
    rng = np.random.default_rng(12)
    for source in sources(graph, 4):
        targets = rng.choice(graph.n_nodes, size=60, replace=False)
        offsets = rng.uniform(0, 300, targets.size)
        chosen, seconds, _ = k_nearest_targets(graph, source, targets, k, target_offsets=offsets)
        network = one_to_many(graph, source)[targets]
        total = network + offsets
        expected = np.sort(total[np.isfinite(total)])[:k]
        np.testing.assert_allclose(total[chosen], expected, rtol=0, atol=1e-9)
        np.testing.assert_allclose(seconds, network[chosen], rtol=0, atol=1e-9)


def test_k_nearest_targets_with_nothing_to_find(graph):
    chosen, seconds, _ = k_nearest_targets(graph, 0, [], 3)
    assert chosen.size == 0 and seconds.size == 0
