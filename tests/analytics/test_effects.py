"""Difference in differences, matching and pilot designs (precinct.analytics.effects).

Known-answer tests: panels are generated with a planted effect (or none), so the truth
is known and the intervals' coverage and the false alarms can be counted over repeated
draws. Each repeated test makes 200 draws; with 95 % nominal coverage, three binomial
standard deviations are ±4.6 points.
"""

import math

import numpy as np
import pytest

from precinct.analytics.effects import (
    Panel,
    estimate_effect,
    estimate_paired_effect,
    match_comparisons,
    propose_design,
)

REPEATS = 200
LEVEL = 0.95
TOLERANCE = 3 * math.sqrt(LEVEL * (1 - LEVEL) / REPEATS)


def _panel(rng, *, n=30, months=12, change_at=8, treated=(), effect=0.0, noise=1.0):
    """Units with their own level, months with a shock common to all, independent noise,
    and ``effect`` added to the ``treated`` rows from ``change_at`` on."""
    outcome = (
        rng.normal(10.0, 3.0, size=(n, 1))
        + rng.normal(0.0, 1.0, size=(1, months))
        + rng.normal(0.0, noise, size=(n, months))
    )
    outcome[list(treated), change_at:] += effect
    size = rng.uniform(5_000, 40_000, size=n)
    return Panel(units=np.arange(1000, 1000 + n, dtype=np.int64), outcome=outcome, size=size)


def _repeat(*, treated_count, effect, method, seed):
    """Coverage of the interval and share of "effect" verdicts over REPEATS panels."""
    rng = np.random.default_rng(seed)
    covered = called = 0
    for _ in range(REPEATS):
        treated = rng.choice(30, size=treated_count, replace=False)
        panel = _panel(rng, treated=treated, effect=effect)
        others = np.setdiff1d(panel.units, panel.units[treated])
        result = estimate_effect(
            panel, panel.units[treated], others, 8, method=method, draws=499, rng=rng
        )
        assert result.method == method
        covered += result.ci_low <= effect <= result.ci_high
        called += result.verdict == "effect"
    return covered / REPEATS, called / REPEATS


@pytest.mark.parametrize(
    ("treated_count", "method"),
    [(3, "randomisation"), (15, "wild_cluster_bootstrap")],
)
def test_without_an_effect_the_interval_covers_zero_and_rarely_calls_a_success(
    treated_count, method
):
    """The pilot is pure noise (3 treated of 30, or 15 of 30)."""
    coverage, called = _repeat(treated_count=treated_count, effect=0.0, method=method, seed=11)
    assert abs(coverage - LEVEL) <= TOLERANCE
    assert called <= (1 - LEVEL) + TOLERANCE


@pytest.mark.parametrize(
    ("treated_count", "method"),
    [(3, "randomisation"), (15, "wild_cluster_bootstrap")],
)
def test_the_interval_covers_a_planted_effect_at_the_nominal_rate(treated_count, method):
    coverage, _ = _repeat(treated_count=treated_count, effect=1.5, method=method, seed=12)
    assert abs(coverage - LEVEL) <= TOLERANCE


def test_with_matched_comparisons_and_correlated_monthly_counts_the_interval_still_covers():
    """As the product uses it: 4 treated of 40 precincts, 3 matched comparisons each, and
    monthly counts (Poisson) around levels that drift with correlated months."""
    rng = np.random.default_rng(13)
    covered = called = 0
    for _ in range(REPEATS):
        drift = np.zeros((40, 24))
        for month in range(1, 24):
            drift[:, month] = 0.6 * drift[:, month - 1] + 0.8 * rng.normal(0, 0.15, size=40)
        counts = rng.poisson(rng.gamma(4.0, 3.0, size=(40, 1)) * np.exp(drift))
        panel = Panel(
            np.arange(40, dtype=np.int64), counts.astype(float), rng.uniform(5e3, 4e4, 40)
        )
        treated = rng.choice(40, size=4, replace=False)
        matching = match_comparisons(panel, treated, 16)
        result = estimate_effect(panel, treated, matching.comparison, 16, draws=499, rng=rng)
        covered += result.ci_low <= 0.0 <= result.ci_high
        called += result.verdict == "effect"
    assert abs(covered / REPEATS - LEVEL) <= TOLERANCE
    assert called / REPEATS <= (1 - LEVEL) + TOLERANCE


def test_auto_picks_randomisation_for_few_treated_and_the_bootstrap_for_many():
    rng = np.random.default_rng(1)
    panel = _panel(rng)
    few = estimate_effect(panel, panel.units[:3], panel.units[3:], 8)
    many = estimate_effect(panel, panel.units[:15], panel.units[15:], 8)
    assert (few.method, many.method) == ("randomisation", "wild_cluster_bootstrap")


def test_the_planted_effect_is_recovered_on_a_large_clean_panel():
    rng = np.random.default_rng(2)
    panel = _panel(rng, n=400, months=24, change_at=12, treated=range(200), effect=2.0, noise=0.3)
    result = estimate_effect(panel, panel.units[:200], panel.units[200:], 12)
    assert result.effect == pytest.approx(2.0, abs=0.05)
    assert result.ci_low < 2.0 < result.ci_high
    assert result.ci_high - result.ci_low < 0.2
    assert (result.verdict, result.reason) == ("effect", "")


def test_the_group_means_by_month_are_given_for_plotting_and_unknowns_left_out():
    rng = np.random.default_rng(3)
    panel = _panel(rng, treated=[0, 1, 2], effect=5.0)
    panel.outcome[:3, 2] = np.nan  # a month unknown for every treated unit
    panel.outcome[3, 8:] = np.nan  # a comparison unit unknown after the change
    result = estimate_effect(panel, panel.units[:3], panel.units[3:], 8)
    assert np.isnan(result.treated_mean[2])
    assert result.treated_mean[9] == pytest.approx(panel.outcome[:3, 9].mean())
    assert result.comparison_mean[:8] == pytest.approx(panel.outcome[3:, :8].mean(axis=0))
    assert result.comparison_mean[9] == pytest.approx(panel.outcome[4:, 9].mean())
    # the unit unknown after the change cannot show a change: left out of the estimate
    assert (result.n_treated, result.n_comparison) == (3, 26)


def test_matching_picks_the_planted_look_alikes():
    """Two treated units, each with three near-copies (same level, trend and size up to
    small noise) hidden among units that differ in level, trend or size."""
    rng = np.random.default_rng(4)
    n, months = 40, 12
    months_axis = np.arange(months)
    level = rng.uniform(5, 30, size=n)
    trend = rng.uniform(-0.5, 0.5, size=n)
    size = rng.uniform(5_000, 50_000, size=n)
    for treated, copies in ((0, [10, 20, 30]), (1, [11, 21, 31])):
        level[copies] = level[treated] + rng.normal(0, 0.05, size=3)
        trend[copies] = trend[treated] + rng.normal(0, 0.002, size=3)
        size[copies] = size[treated] * (1 + rng.normal(0, 0.005, size=3))
    level[1] = level[0] + 8  # the two treated units differ from each other
    level[[11, 21, 31]] = level[1] + rng.normal(0, 0.05, size=3)
    outcome = level[:, None] + trend[:, None] * months_axis + rng.normal(0, 0.05, (n, months))
    panel = Panel(units=np.arange(n, dtype=np.int64) + 500, outcome=outcome, size=size)
    matching = match_comparisons(panel, [500, 501], 8, per_treated=3)
    assert sorted(matching.comparison.tolist()) == [510, 511, 520, 521, 530, 531]
    assert all(abs(row["std_diff"]) < 0.1 for row in matching.balance)
    assert [row["feature"] for row in matching.balance] == ["level", "trend", "size"]


def test_matching_leaves_out_the_treated_the_excluded_and_the_unknown():
    rng = np.random.default_rng(5)
    panel = _panel(rng)
    panel.outcome[4, 8:] = np.nan  # unknown after the change: nothing to compare
    panel.outcome[5, :8] = np.nan  # unknown before it: nothing to match on
    matching = match_comparisons(
        panel, [1000, 1001], 8, per_treated=5, exclude_ids=[1002, 1003, 99]
    )
    assert len(matching.comparison) == 10
    assert not set(matching.comparison) & {1000, 1001, 1002, 1003, 1004, 1005}


def test_differing_pre_trends_mean_cannot_tell():
    rng = np.random.default_rng(6)
    panel = _panel(rng, n=30, months=12)
    panel.outcome[:3] += 0.8 * np.arange(12)  # the treated were rising before the change
    result = estimate_effect(panel, panel.units[:3], panel.units[3:], 8)
    assert result.pre_trend == pytest.approx(0.8, abs=0.2)
    assert (result.verdict, result.reason) == ("cannot_tell", "pre_trends_differ")
    assert result.effect is not None  # still shown, with the reason it cannot be trusted


def test_too_few_periods_or_units_cannot_tell():
    rng = np.random.default_rng(7)
    panel = _panel(rng)
    early = estimate_effect(panel, panel.units[:3], panel.units[3:], 2)
    assert (early.verdict, early.reason, early.effect) == ("cannot_tell", "too_few_periods", None)
    lonely = estimate_effect(panel, panel.units[:1], panel.units[1:4], 8)
    # one treated unit among four: any result has a one-in-four chance, never 5 %
    assert (lonely.verdict, lonely.reason, lonely.ci_low) == ("cannot_tell", "too_few_units", None)


def test_every_reassignment_is_tried_when_there_are_few():
    """3 treated of 9: C(9, 3) = 84 ways to pick the treated. A treated group far above
    every other is the single most extreme of the 84 (p = 1/84); with matched pairs, 6
    coin tosses give 64 outcomes, of which the observed and its mirror image are extreme."""
    panel = _panel(np.random.default_rng(11), n=12, treated=[0, 1, 2], effect=50.0)
    result = estimate_effect(panel, panel.units[:3], panel.units[3:9], 8)
    assert result.p_value == pytest.approx(1 / 84)
    assert result.ci_low < 50.0 < result.ci_high
    pairs = list(zip(panel.units[:6].tolist(), panel.units[6:].tolist(), strict=True))
    panel.outcome[:6, 8:] += 50.0
    paired = estimate_paired_effect(panel, pairs, 8)
    assert paired.p_value == pytest.approx(2 / 64)
    assert (paired.verdict, paired.n_treated, paired.n_comparison) == ("effect", 6, 6)


def test_the_bootstrap_needs_two_units_on_each_side():
    panel = _panel(np.random.default_rng(12))
    result = estimate_effect(
        panel, panel.units[:1], panel.units[1:], 8, method="wild_cluster_bootstrap"
    )
    assert (result.verdict, result.reason) == ("cannot_tell", "too_few_units")


def test_a_wide_interval_around_zero_is_too_noisy_not_no_effect():
    rng = np.random.default_rng(8)
    noisy = _panel(rng, noise=15.0)
    result = estimate_effect(noisy, noisy.units[:3], noisy.units[3:], 8)
    assert result.ci_low < 0 < result.ci_high
    assert (result.verdict, result.reason) == ("cannot_tell", "too_noisy")
    quiet = _panel(rng, n=60, noise=0.2)
    result = estimate_effect(quiet, quiet.units[:20], quiet.units[20:], 8)
    assert (result.verdict, result.reason) == ("no_effect_detected", "")


def test_bad_input_names_what_is_wrong():
    panel = _panel(np.random.default_rng(9))
    with pytest.raises(ValueError, match="not in the panel"):
        estimate_effect(panel, [1, 2], panel.units[3:], 8)
    with pytest.raises(ValueError, match="both treated"):
        estimate_effect(panel, panel.units[:3], panel.units[:10], 8)
    with pytest.raises(ValueError, match="method"):
        estimate_effect(panel, panel.units[:3], panel.units[3:], 8, method="ols")
    with pytest.raises(ValueError, match="n_pairs"):
        propose_design(panel, panel.units[:6], 4)
    with pytest.raises(ValueError, match="level"):
        estimate_effect(panel, panel.units[:3], panel.units[3:], 8, level=95)
    with pytest.raises(ValueError, match="draws"):
        estimate_effect(panel, panel.units[:3], panel.units[3:], 8, draws=10)
    with pytest.raises(ValueError, match="power"):
        propose_design(panel, panel.units, 6, power=80)
    with pytest.raises(ValueError, match="change_at"):
        match_comparisons(panel, panel.units[:3], 13)
    with pytest.raises(ValueError, match="pairs"):
        estimate_paired_effect(panel, [(1000, 1001), (1001, 1002)], 8)


def test_the_same_data_give_the_same_interval():
    panel = _panel(np.random.default_rng(10), treated=[0, 1, 2], effect=1.0)
    first = estimate_effect(panel, panel.units[:3], panel.units[3:], 8)
    again = estimate_effect(panel, panel.units[:3], panel.units[3:], 8)
    assert (first.ci_low, first.ci_high, first.p_value) == (
        again.ci_low,
        again.ci_high,
        again.p_value,
    )


# --- designs ----------------------------------------------------------------------------


def _history(rng, n=40, months=30, rho=0.0):
    """Precincts of differing level and size, a shock common to all, and noise of
    standard deviation 2 that carries ``rho`` of itself over to the next month (AR(1))."""
    noise = rng.normal(0.0, 2.0, size=(n, months))
    for month in range(1, months):
        noise[:, month] = rho * noise[:, month - 1] + math.sqrt(1 - rho**2) * noise[:, month]
    outcome = rng.normal(20.0, 5.0, size=(n, 1)) + rng.normal(0.0, 1.0, size=(1, months)) + noise
    size = np.exp(rng.normal(10, 0.5, size=n))
    return Panel(units=np.arange(n, dtype=np.int64) + 1, outcome=outcome, size=size)


def _head(panel, months):
    return Panel(units=panel.units, outcome=panel.outcome[:, :months], size=panel.size)


def test_design_pairs_are_disjoint_and_pair_the_planted_twins():
    rng = np.random.default_rng(20)
    panel = _history(rng)
    for a, b in ((1, 2), (10, 20), (30, 40)):  # units b made near-copies of units a
        panel.outcome[b - 1] = panel.outcome[a - 1] + rng.normal(0, 0.05, size=30)
        panel.size[b - 1] = panel.size[a - 1] * 1.001
    design = propose_design(panel, panel.units, 8)
    members = [unit for pair in design.pairs for unit in pair]
    assert len(members) == len(set(members)) == 16
    assert {frozenset(p) for p in design.pairs} >= {
        frozenset(p) for p in ((1, 2), (10, 20), (30, 40))
    }
    assert (design.level, design.power) == (0.95, 0.8)


def test_design_pairs_are_closer_than_random_pairs():
    rng = np.random.default_rng(21)
    panel = _history(rng)
    design = propose_design(panel, panel.units, 10)
    level = panel.outcome.mean(axis=1)

    def gap(pairs):
        return np.mean([abs(level[a - 1] - level[b - 1]) for a, b in pairs])

    shuffled = rng.permutation(panel.units)[:20].reshape(10, 2)
    assert gap(design.pairs) < 0.5 * gap(shuffled)


def test_the_minimum_detectable_effect_shrinks_with_more_pairs():
    panel = _history(np.random.default_rng(22), n=60)
    mdes = [propose_design(panel, panel.units, n).mde for n in (6, 12, 24)]
    assert mdes[0] > mdes[1] > mdes[2]
    assert propose_design(panel, panel.units, 4).mde == math.inf  # 16 coin tosses: p ≥ 1/8


def test_a_design_needs_a_history_longer_than_the_pilot():
    panel = _history(np.random.default_rng(24), months=9)
    with pytest.raises(ValueError, match="post_months"):
        propose_design(panel, panel.units, 6, post_months=6)


@pytest.mark.parametrize("rho", [0.0, 0.6], ids=["independent months", "correlated months"])
def test_an_effect_of_the_mde_is_detected_about_power_of_the_time(rho):
    """A design is proposed on each simulated history, the pilot runs six more months
    with an effect of exactly its MDE, and the paired analysis tests it. With correlated
    months a mean of six months is noisier than six independent ones: the MDE must see it."""
    rng = np.random.default_rng(23)
    detected = called_on_noise = 0
    for _ in range(REPEATS):
        panel = _history(rng, months=30, rho=rho)
        design = propose_design(_head(panel, 24), panel.units, 10, post_months=6, rng=rng)
        null = estimate_paired_effect(panel, design.pairs, 24, draws=499, rng=rng)
        called_on_noise += null.verdict == "effect"
        treated = [a - 1 for a, _ in design.pairs]
        panel.outcome[treated, 24:] += design.mde
        result = estimate_paired_effect(panel, design.pairs, 24, draws=499, rng=rng)
        detected += result.p_value <= 1 - LEVEL
    assert abs(detected / REPEATS - 0.8) <= 3 * math.sqrt(0.8 * 0.2 / REPEATS)
    assert called_on_noise / REPEATS <= (1 - LEVEL) + TOLERANCE
