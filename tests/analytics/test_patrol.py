"""Patrol sizing: Erlang C, the fewest units for a target, and the simulation agreeing."""

from __future__ import annotations

import doctest
import itertools

import numpy as np
import pytest

from precinct.analytics import coverage, patrol, siting
from precinct.analytics.patrol import (
    erlang_c,
    required_units,
    required_units_table,
    response_share,
    simulate,
    simulate_zone,
)

TRAVEL = np.random.default_rng(0).gamma(4.0, 90.0, 500)  # seconds, mean 6 min
HOUR = 3600.0


def test_erlang_c_known_values():
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = utilisation
    assert erlang_c(2, 0.0) == 0.0
    assert erlang_c(2, 2.0) == 1.0  # saturated
    assert 0 < erlang_c(400, 380.0) < 1  # the recursion stays finite for big systems


def test_share_rises_with_units_and_tends_to_the_travel_share():
    shares = [response_share(8.0, 2400.0, c, TRAVEL, 600.0) for c in range(6, 20)]
    assert all(b >= a for a, b in itertools.pairwise(shares))
    assert shares[-1] == pytest.approx((TRAVEL <= 600).mean(), abs=1e-3)
    assert response_share(8.0, 2400.0, 5, TRAVEL, 600.0) == 0.0  # c <= load: unstable


def test_required_units_is_the_smallest_count_that_works():
    c, got = required_units(8.0, 2400.0, TRAVEL, 600.0, 0.7)
    assert got >= 0.7
    assert response_share(8.0, 2400.0, c - 1, TRAVEL, 600.0) < 0.7
    more, _ = required_units(16.0, 2400.0, TRAVEL, 600.0, 0.7)
    assert more > c  # twice the calls need more units
    assert required_units(0.0, 2400.0, TRAVEL, 600.0, 0.7)[0] == 0


def test_travel_too_long_is_a_clear_error():
    with pytest.raises(ValueError, match="more units cannot fix that"):
        required_units(2.0, 1800.0, TRAVEL, 300.0, 0.9)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1.0, 1800.0, TRAVEL, 600.0, 0.8), "arrival rate"),
        ((2.0, 0.0, TRAVEL, 600.0, 0.8), "service time"),
        ((2.0, 1800.0, [], 600.0, 0.8), "travel times"),
        ((2.0, 1800.0, TRAVEL, 0.0, 0.8), "arrival target"),
        ((2.0, 1800.0, TRAVEL, 600.0, 1.0), "strictly between"),
    ],
)
def test_bad_input(args, message):
    with pytest.raises(ValueError, match=message):
        required_units(*args)


@pytest.mark.parametrize(
    ("rate", "service", "c"), [(4.0, 1800.0, 3), (8.0, 2400.0, 7), (20.0, 1500.0, 11)]
)
def test_simulation_agrees_with_erlang_c_on_long_runs(rate, service, c):
    predicted = response_share(rate, service, c, TRAVEL, 600.0)
    run = simulate_zone(rate, service, c, TRAVEL, 600.0, horizon_s=30_000 * HOUR, seed=7)
    assert run.n_calls > 100_000
    assert run.share == pytest.approx(predicted, abs=0.015)
    load = rate * service / 3600
    assert run.utilisation == pytest.approx(load / c, rel=0.03)
    assert run.p_wait == pytest.approx(erlang_c(c, load), abs=0.02)


def test_simulated_share_never_falls_when_a_unit_is_added():
    shares = [
        simulate(8.0, 2400.0, c, TRAVEL, 600.0, horizon_s=3_000 * HOUR, seed=3)
        for c in range(6, 12)
    ]
    assert all(b >= a for a, b in itertools.pairwise(shares))


def test_simulation_is_seeded_and_takes_given_service_times():
    a = simulate(6.0, 1800.0, 4, TRAVEL, 600.0, horizon_s=500 * HOUR, seed=5)
    assert a == simulate(6.0, 1800.0, 4, TRAVEL, 600.0, horizon_s=500 * HOUR, seed=5)
    fixed = simulate_zone(
        6.0, 1800.0, 4, TRAVEL, 600.0, horizon_s=500 * HOUR, service_s_samples=[1800.0]
    )
    assert fixed.utilisation == pytest.approx(6 * 0.5 / 4, rel=0.1)


def test_table_covers_every_zone_and_hour():
    rates = np.array([[1.0, 4.0, 0.0], [8.0, 2.0, 6.0]])
    units, shares = required_units_table(rates, 1800.0, [TRAVEL, TRAVEL / 2], 600.0, 0.7)
    assert units.shape == shares.shape == (2, 3)
    assert units[0, 2] == 0 and units[0, 1] >= units[0, 0]
    assert (shares[units > 0] >= 0.7).all()


@pytest.mark.parametrize("module", [coverage, siting, patrol])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
