"""Siting new posts: coverage sets, maximal covering and set covering, exact and greedy."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from precinct.analytics import siting
from precinct.analytics.network import build_networks, one_to_many
from precinct.analytics.siting import (
    InfeasibleTarget,
    coverage_sets,
    coverage_sets_from_matrix,
    maximal_covering,
    set_covering,
)
from tests.shared_data import SHARED_DATA

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SF = SHARED_DATA / "mclp_sf_spopt"

#: spopt 0.7.0's MCLP (PuLP/CBC) on the same instance, run once and recorded here.
SPOPT_SF_OBJECTIVE = 875_247.0
SPOPT_SF_SITES = ["Store_11", "Store_12", "Store_15", "Store_2"]


def load_sf():
    """The SF instance as (distance matrix tracts x stores, POP2000 weights, store names)."""
    with open(SF / "SF_network_distance_candidateStore_16_censusTract_205_new.csv") as fh:
        rows = list(csv.DictReader(fh))
    tracts = sorted({r["DestinationName"] for r in rows})
    stores = sorted({r["name"] for r in rows})
    t_index = {t: i for i, t in enumerate(tracts)}
    s_index = {s: j for j, s in enumerate(stores)}
    distance = np.full((len(tracts), len(stores)), np.nan)
    for r in rows:
        distance[t_index[r["DestinationName"]], s_index[r["name"]]] = float(r["distance"])
    with open(SF / "SF_demand_205_centroid_uniform_weight.csv") as fh:
        population = {r["NAME"]: float(r["POP2000"]) for r in csv.DictReader(fh)}
    weights = np.array([population[t] for t in tracts])
    return distance, weights, stores


@pytest.fixture(scope="module")
def sf():
    return load_sf()


def test_sf_instance_matches_spopts_optimum(sf):
    distance, weights, stores = sf
    assert distance.shape == (205, 16) and not np.isnan(distance).any()
    cover = coverage_sets_from_matrix(distance, 5000)
    result = maximal_covering(cover, weights, 4)
    assert result.status == "optimal" and result.gap == 0
    assert int(result.covered.sum()) == 184  # of 205 tracts, as spopt's test suite says
    assert result.objective == SPOPT_SF_OBJECTIVE
    assert result.covered_after == result.objective and result.covered_before == 0
    assert result.bound == pytest.approx(result.objective)
    # HiGHS alone (no Lagrangian round) lands on spopt's sites; other optima exist.
    exact = maximal_covering(cover, weights, 4, lagrangian_share=0)
    assert exact.method == "highs" and exact.status == "optimal" and exact.gap == 0
    assert exact.objective == SPOPT_SF_OBJECTIVE
    assert sorted(stores[j] for j in exact.chosen) == sorted(SPOPT_SF_SITES)


def test_sf_greedy_reports_a_valid_bound(sf):
    distance, weights, _ = sf
    cover = coverage_sets_from_matrix(distance, 5000)
    greedy = maximal_covering(cover, weights, 4, exact_size_limit=0, lagrangian_share=0)
    assert greedy.method == "greedy" and greedy.status == "size limit"
    assert greedy.objective <= SPOPT_SF_OBJECTIVE <= greedy.bound + 1e-6
    assert greedy.gap == pytest.approx((greedy.bound - greedy.objective) / greedy.objective)
    # The Lagrangian round closes the gap on this instance without HiGHS.
    lagrangian = maximal_covering(cover, weights, 4, exact_size_limit=0)
    assert lagrangian.objective == SPOPT_SF_OBJECTIVE and lagrangian.gap == 0
    assert lagrangian.method == "lagrangian"


def lattice(seed: int, n_demand: int = 60, n_cand: int = 12, radius: float = 0.3):
    """Random points in the unit square: a coverage matrix and integer weights."""
    rng = np.random.default_rng(seed)
    demand, cand = rng.random((n_demand, 2)), rng.random((n_cand, 2))
    distance = np.linalg.norm(demand[:, None] - cand[None], axis=2)
    return coverage_sets_from_matrix(distance, radius), rng.integers(1, 100, n_demand)


def brute_force(cover: sp.csr_matrix, weights, k: int, fixed=None) -> float:
    dense = cover.toarray()
    fixed = np.zeros(len(weights), bool) if fixed is None else fixed
    best = 0.0
    for sites in itertools.combinations(range(dense.shape[1]), k):
        covered = dense[:, list(sites)].any(axis=1) & ~fixed
        best = max(best, float(weights[covered].sum()))
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_lattice_optimum_equals_brute_force(seed, k):
    cover, weights = lattice(seed)
    result = maximal_covering(cover, weights, k)
    assert result.objective == brute_force(cover, weights, k)
    assert result.gap == 0 and len(result.chosen) == k
    greedy = maximal_covering(cover, weights, k, exact_size_limit=0)
    assert greedy.objective <= result.objective <= greedy.bound + 1e-9


def test_fixed_coverage_counts_before_and_adds_nothing():
    cover, weights = lattice(4)
    fixed = np.random.default_rng(4).random(len(weights)) < 0.4
    result = maximal_covering(cover, weights, 3, fixed_covered=fixed)
    assert result.objective == brute_force(cover, weights, 3, fixed)
    assert result.covered_before == weights[fixed].sum()
    assert result.covered_after == pytest.approx(result.covered_before + result.objective)
    assert result.covered[fixed].all()


def test_more_sites_than_useful_ones_still_returns_k():
    cover = sp.csr_matrix(np.array([[1, 0, 0], [0, 0, 0]], dtype=bool))
    result = maximal_covering(cover, np.array([3.0, 4.0]), 3)
    assert result.chosen.tolist() == [0, 1, 2] and result.objective == 3 and result.gap == 0


def grid_cover(n: int = 6) -> sp.csr_matrix:
    """An n x n grid of demand cells; a candidate at each cell covers its 3 x 3 block."""
    cells = np.array(list(itertools.product(range(n), range(n))))
    chebyshev = np.abs(cells[:, None] - cells[None]).max(axis=2)
    return sp.csr_matrix(chebyshev <= 1)


def test_set_covering_on_a_grid_has_the_known_answer():
    cover = grid_cover(6)
    weights = np.ones(36)
    full = set_covering(cover, weights, 1.0)
    assert len(full.chosen) == 4 and full.share_after == 1.0  # four disjoint 3 x 3 blocks
    assert full.method == "highs" and full.gap == 0 and full.bound == 4
    half = set_covering(cover, weights, 0.5)
    assert len(half.chosen) == 2 and half.share_after >= 0.5
    fixed = np.zeros(36, bool)
    fixed[:18] = True  # the first three rows are covered already
    rest = set_covering(cover, weights, 1.0, fixed_covered=fixed)
    assert len(rest.chosen) == 2 and rest.covered_before == 18 and rest.share_after == 1.0
    nothing = set_covering(cover, weights, 0.5, fixed_covered=fixed)
    assert len(nothing.chosen) == 0 and nothing.share_after == 0.5


def test_infeasible_target_names_the_maximum_share():
    cover = sp.csr_matrix(np.array([[1], [0], [0], [0]], dtype=bool))
    with pytest.raises(InfeasibleTarget, match=r"at most 25\.0%"):
        set_covering(cover, np.ones(4), 0.5)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c, w: maximal_covering(c, w, 0), "at least 1"),
        (lambda c, w: maximal_covering(c, w, 13), "larger than the number of candidate"),
        (lambda c, w: maximal_covering(c[:, :0], w, 1), "no candidate"),
        (lambda c, w: set_covering(c, w, 0.0), r"in \(0, 1\]"),
        (lambda c, w: set_covering(c, w, 1.5), r"in \(0, 1\]"),
        (lambda c, w: maximal_covering(c, w[:-1], 2), "one value per demand"),
        (lambda c, w: coverage_sets_from_matrix(np.ones((3, 2)), 0), "positive"),
    ],
)
def test_bad_input_is_a_clear_value_error(call, message):
    cover, weights = lattice(1)
    with pytest.raises(ValueError, match=message):
        call(cover, weights)


@pytest.fixture(scope="module")
def walk():
    return build_networks(FIXTURES / "almaty_cut.osm.pbf").walk


def test_coverage_sets_match_one_search_per_candidate(walk):
    rng = np.random.default_rng(11)
    demand = rng.choice(walk.n_nodes, 400, replace=True)  # repeats allowed
    candidates = rng.choice(walk.n_nodes, 25, replace=False)
    cover = coverage_sets(walk, demand, candidates, 7 * 60)
    assert cover.shape == (400, 25) and cover.dtype == bool
    back = walk.reversed()
    for j, c in enumerate(candidates):
        within = one_to_many(back, int(c)) <= 7 * 60
        np.testing.assert_array_equal(cover[:, j].toarray().ravel(), within[demand])


def test_coverage_sets_walk_the_access_legs_of_residents_and_sites(walk):
    """A point is covered when its leg, the network and the site's leg fit in the time."""
    rng = np.random.default_rng(12)
    demand = rng.choice(walk.n_nodes, 300, replace=True)
    candidates = rng.choice(walk.n_nodes, 20, replace=False)
    demand_legs = rng.uniform(0, 120, demand.size)
    site_legs = rng.uniform(0, 90, candidates.size)
    reach = 7 * 60
    cover = coverage_sets(
        walk, demand, candidates, reach, demand_access_s=demand_legs, candidate_access_s=site_legs
    )
    back = walk.reversed()
    for j, c in enumerate(candidates):
        walked = one_to_many(back, int(c))[demand] + demand_legs + site_legs[j]
        np.testing.assert_array_equal(cover[:, j].toarray().ravel(), walked <= reach)
    on_nodes = coverage_sets(walk, demand, candidates, reach)
    assert cover.sum() < on_nodes.sum()  # the legs cost coverage, never add it
    assert (cover.toarray() <= on_nodes.toarray()).all()
    own = coverage_sets(walk, [5], [5], reach, demand_access_s=[0.0])
    assert own[0, 0]  # a site on the resident's own node, both legs 0: covered


def test_coverage_sets_refuse_bad_input(walk):
    with pytest.raises(ValueError, match="positive number of seconds"):
        coverage_sets(walk, [0, 1], [2], 0)
    with pytest.raises(ValueError, match="no candidate"):
        coverage_sets(walk, [0, 1], [], 600)
    with pytest.raises(ValueError, match="demand_access_s"):
        coverage_sets(walk, [0, 1], [2], 600, demand_access_s=[1.0, -1.0])
    with pytest.raises(ValueError, match="outside the network"):
        coverage_sets(walk, [0, 1], [walk.n_nodes + 5], 600)


def test_every_node_instance_progress_and_cancellation(walk):
    nodes = np.arange(walk.n_nodes)
    cover = coverage_sets(walk, nodes, nodes, 5 * 60)
    weights = np.random.default_rng(2).integers(1, 20, walk.n_nodes).astype(float)
    messages = []
    result = maximal_covering(cover, weights, 8, progress=messages.append)
    assert result.status == "optimal" and result.gap == 0
    assert messages[0] == "reducing the instance" and messages[-1] == 1.0
    greedy = maximal_covering(cover, weights, 8, exact_size_limit=0, lp_bound=False)
    assert greedy.objective <= result.objective <= greedy.bound + 1e-6

    _, greedy_value, _ = siting._greedy(cover, weights, 8)
    polls = []

    def stop_on_second_poll() -> bool:
        polls.append(1)
        return len(polls) > 1  # let it start, then cancel from inside the search

    cancelled = maximal_covering(cover, weights, 8, should_stop=stop_on_second_poll)
    assert cancelled.status == "cancelled" and len(cancelled.chosen) == 8
    assert cancelled.objective >= greedy_value


def test_highs_is_interrupted_from_its_callback(walk):
    nodes = np.arange(walk.n_nodes)
    cover = coverage_sets(walk, nodes, nodes, 5 * 60)
    weights = np.random.default_rng(2).integers(1, 20, walk.n_nodes).astype(float)
    red = siting._reduce(cover, weights, np.zeros(walk.n_nodes, bool))
    start, value, _ = siting._greedy(red.cover, red.weights, 8)
    chosen, bound, status = siting._solve_mclp_exact(
        red, 8, start, 60.0, 0.0, None, should_stop=lambda: True
    )
    assert status == "cancelled"
    assert red.weights[siting._covered_by(red.cover, chosen)].sum() >= value
    assert bound >= value


def test_a_tolerated_gap_stops_early_and_says_so():
    cover, weights = lattice(9, n_demand=300, n_cand=60, radius=0.2)
    exact = maximal_covering(cover, weights, 6)
    loose = maximal_covering(cover, weights, 6, mip_gap=0.05)
    assert loose.gap <= 0.05 and loose.objective <= exact.objective <= loose.bound + 1e-6
    assert loose.status in ("optimal", "gap reached")
    assert (loose.status == "optimal") == (loose.gap == 0)


def test_greedy_helper_bound_is_never_below_the_optimum():
    for seed in range(5):
        cover, weights = lattice(seed, n_demand=40, n_cand=9)
        red = siting._reduce(cover, weights.astype(float), np.zeros(40, bool))
        _, value, bound = siting._greedy(red.cover, red.weights, 3)
        assert value <= brute_force(cover, weights, 3) <= bound + 1e-9


def test_lagrangian_bound_is_never_below_the_lp_bound_or_the_optimum():
    for seed in range(4):
        cover, weights = lattice(seed, n_demand=80, n_cand=10, radius=0.25)
        red = siting._reduce(cover, weights.astype(float), np.zeros(80, bool))
        start, value, _ = siting._greedy(red.cover, red.weights, 3)
        best, best_value, bound = siting._lagrangian(red, 3, start, value, 0.0, 5.0, None, None)
        optimum = brute_force(cover, weights, 3)
        assert value <= best_value <= optimum <= bound + 1e-6
        assert bound >= siting._lp_bound(red, 3, 10.0) - 1e-6  # weak duality
        assert red.weights[siting._covered_by(red.cover, best)].sum() == best_value
