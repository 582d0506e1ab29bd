"""Raking, trimming, design effect and weighted estimates (precinct.analytics.weighting)."""

import contextlib
import io

import numpy as np
import pytest
from ipfn import ipfn

from precinct.analytics.weighting import (
    EmptyCategoryError,
    MarginError,
    design_effect,
    effective_sample_size,
    rake,
    suppress,
    weighted_estimate,
)


def _sample(n=5000, seed=7):
    """Codes of three correlated margins (12, 8, 4 categories), base weights, targets."""
    rng = np.random.default_rng(seed)
    joint = np.exp(rng.normal(0, 0.6, size=(12, 8, 4)))
    cells = rng.choice(joint.size, size=n, p=(joint / joint.sum()).ravel())
    codes = list(np.unravel_index(cells, joint.shape))
    base = rng.uniform(0.5, 2.0, size=n)
    total = 100_000.0
    targets = []
    for k in (12, 8, 4):
        share = rng.uniform(1, 3, size=k)
        targets.append(share / share.sum() * total)
    return codes, base, targets


def _ipfn_weights(codes, base, targets):
    """Respondent weights by the independent ``ipfn`` package on the dense cell table."""
    shape = tuple(len(t) for t in targets)
    seed = np.zeros(shape)
    np.add.at(seed, tuple(codes), base)
    fit = ipfn.ipfn(
        seed.copy(),
        [t.copy() for t in targets],
        [[k] for k in range(len(targets))],
        convergence_rate=1e-12,
        max_iteration=2000,
        rate_tolerance=0,
    )
    with contextlib.redirect_stdout(io.StringIO()):
        fitted = fit.iteration()
    return base * (fitted / np.where(seed > 0, seed, 1))[tuple(codes)]


def test_rake__matches_ipfn_to_1e6():
    codes, base, targets = _sample()
    result = rake(codes, targets, base_weights=base, tol=1e-12, max_iter=2000)
    reference = _ipfn_weights(codes, base, targets)
    assert result.converged
    assert np.max(np.abs(result.weights - reference)) < 1e-6
    assert np.max(np.abs(result.weights - reference) / reference) < 1e-9


def test_rake__meets_every_margin_and_keeps_ratios_within_cells():
    codes, base, targets = _sample(seed=11)
    result = rake(codes, targets, base_weights=base, names=["age_sex", "district", "edu"])
    for c, t in zip(codes, targets, strict=True):
        np.testing.assert_allclose(np.bincount(c, result.weights, len(t)), t, rtol=1e-8)
    # Raking multiplies a whole cell by one factor: w / base is constant within a cell.
    cell = np.ravel_multi_index(tuple(codes), (12, 8, 4))
    factor = result.weights / base
    order = np.argsort(cell, kind="stable")
    same_cell = np.diff(cell[order]) == 0
    np.testing.assert_allclose(np.diff(factor[order])[same_cell], 0, atol=1e-9)
    assert result.max_margin_error <= 1e-8
    assert result.unmet() == []


def test_rake__many_combinations_use_the_sparse_path():
    rng = np.random.default_rng(3)
    n = 20_000
    codes = [rng.integers(0, 3000, n), rng.integers(0, 3000, n)]  # 9 million combinations
    targets = [np.bincount(c, minlength=3000) * 2.0 for c in codes]
    result = rake(codes, targets)
    assert result.converged
    np.testing.assert_allclose(np.bincount(codes[0], result.weights, 3000), targets[0])


def test_rake__impossible_margins_report_no_convergence():
    # Men are only in district 0 and women only in district 1, but the margins ask for
    # 50/50 by sex and 30/70 by district: no weights can meet both.
    sex = np.array([0, 0, 0, 1, 1, 1])
    district = np.array([0, 0, 0, 1, 1, 1])
    result = rake(
        [sex, district],
        [np.array([50.0, 50.0]), np.array([30.0, 70.0])],
        names=["sex", "district"],
        max_iter=50,
    )
    assert not result.converged
    assert result.iterations == 50
    assert result.max_margin_error > 0.1
    unmet = {(u.margin, u.category) for u in result.unmet()}
    assert ("sex", 0) in unmet and ("sex", 1) in unmet
    assert "did not converge" in result.report()
    assert "sex[0]: target 50" in result.report()


def test_rake__margin_totals_disagree():
    codes = [np.array([0, 1, 1]), np.array([0, 0, 1])]
    with pytest.raises(MarginError, match=r"age_sex sums to 100.*district sums to 110"):
        rake(codes, [np.array([40.0, 60.0]), np.array([50.0, 60.0])], names=["age_sex", "district"])


def test_rake__small_rounding_differences_between_totals_are_accepted():
    codes = [np.array([0, 1, 1]), np.array([0, 0, 1])]
    result = rake(codes, [np.array([40.0, 60.0]), np.array([50.0, 50.0 + 1e-5])])
    assert result.converged


def test_rake__category_without_respondents_is_named():
    codes = [np.array([0, 0, 2, 2]), np.array([0, 1, 0, 1])]
    targets = [np.array([30.0, 30.0, 40.0]), np.array([50.0, 50.0])]
    with pytest.raises(EmptyCategoryError, match=r"age: category 1 .* no respondents"):
        rake(codes, targets, names=["age", "sex"])


def test_rake__category_with_only_zero_base_weights_is_named():
    codes = [np.array([0, 1, 1]), np.array([0, 0, 1])]
    with pytest.raises(EmptyCategoryError, match="base weight 0"):
        rake(codes, [np.array([40.0, 60.0])] * 2, base_weights=np.array([0.0, 1.0, 1.0]))


def test_rake__bad_codes_and_shapes():
    t = [np.array([1.0, 1.0])] * 2
    with pytest.raises(MarginError, match=r"codes run from 0 to 2, but there are 2"):
        rake([np.array([0, 2]), np.array([0, 1])], t)
    with pytest.raises(MarginError, match="must be integers"):
        rake([np.array([0.0, 1.0]), np.array([0, 1])], t)
    with pytest.raises(MarginError, match="shape"):
        rake([np.array([0, 1]), np.array([0, 1, 1])], t)
    with pytest.raises(MarginError, match="one code array per margin"):
        rake([np.array([0, 1])], t)


def test_rake__trimming_respects_bounds_and_nearly_meets_margins():
    codes, base, targets = _sample(seed=5)
    plain = rake(codes, targets, base_weights=base)
    ratio = plain.weights / plain.weights.mean()
    assert ratio.max() > 3 and ratio.min() < 0.3  # the bounds below really bind
    trimmed = rake(codes, targets, base_weights=base, trim=(0.3, 3.0))
    ratio = trimmed.weights / (targets[0].sum() / len(base))  # bounds are on w / (N / n)
    assert ratio.min() >= 0.3 - 1e-12 and ratio.max() <= 3.0 + 1e-12
    assert trimmed.trim_rounds >= 1
    # Clip and re-rake until both hold: the margins end within 0.1 % of the targets here.
    assert trimmed.max_margin_error < 1e-3
    assert design_effect(trimmed.weights) < design_effect(plain.weights)


def test_rake__trim_bounds_must_contain_the_mean():
    codes, _base, targets = _sample(n=500)
    with pytest.raises(ValueError, match="contain 1"):
        rake(codes, targets, trim=(1.5, 3.0))


def test_design_effect_and_effective_sample_size():
    w = np.array([1.0, 1.0, 2.0, 4.0])
    assert design_effect(w) == pytest.approx(4 * 22 / 64)
    assert effective_sample_size(w) == pytest.approx(64 / 22)
    assert design_effect(np.full(10, 3.0)) == pytest.approx(1.0)


def test_weighted_estimate__mean_by_group_matches_formula():
    rng = np.random.default_rng(1)
    y = rng.normal(3, 1, 300)
    w = rng.uniform(1, 3, 300)
    g = rng.integers(0, 3, 300)
    est = weighted_estimate(y, w, groups=g, n_groups=4)
    assert est.kind == "mean"
    for k in range(3):
        yk, wk = y[g == k], w[g == k]
        mean = np.sum(wk * yk) / wk.sum()
        var = len(yk) / (len(yk) - 1) * np.sum((wk * (yk - mean)) ** 2) / wk.sum() ** 2
        assert est.value[k] == pytest.approx(mean)
        assert est.se[k] == pytest.approx(np.sqrt(var))
        assert est.n_eff[k] == pytest.approx(effective_sample_size(wk))
        assert est.lower[k] < mean < est.upper[k]
    assert est.n[3] == 0 and np.isnan(est.value[3])


def test_weighted_estimate__missing_values_are_left_out():
    est = weighted_estimate(np.array([1.0, np.nan, 3.0]), np.array([1.0, 5.0, 1.0]))
    assert est.value[0] == pytest.approx(2.0) and est.n[0] == 2


def test_weighted_estimate__proportion_interval_stays_in_unit_range():
    est = weighted_estimate(np.array([1.0, 1.0, 1.0]), np.ones(3))
    assert est.kind == "proportion" and est.value[0] == 1.0
    assert 0.3 < est.lower[0] < 1.0 and est.upper[0] == 1.0


def test_suppress__blanks_small_groups_and_keeps_counts():
    y = np.array([1, 0, 1, 1, 0.0])
    est = weighted_estimate(y, np.ones(5), groups=np.array([0, 0, 0, 1, 1]))
    out = suppress(est, min_n_eff=3)
    assert out.suppressed.tolist() == [False, True]
    assert np.isnan(out.value[1]) and np.isnan(out.lower[1]) and out.n[1] == 2
    assert out.value[0] == pytest.approx(2 / 3)


def test_interval_coverage_by_simulation():
    """95 % intervals cover the population value in about 95 % of seeded samples."""
    rng = np.random.default_rng(2024)
    # Population of two strata sampled at different rates, so weights are unequal.
    sizes = np.array([80_000, 20_000])
    trust = [rng.random(sizes[0]) < 0.55, rng.random(sizes[1]) < 0.35]
    score = [rng.normal(6.0, 2.0, sizes[0]), rng.normal(5.0, 2.5, sizes[1])]
    true_p = np.concatenate(trust).mean()
    true_mean = np.concatenate(score).mean()
    n_h = np.array([120, 120])
    hits_p = hits_mean = 0
    reps = 1500
    for _ in range(reps):
        picks = [rng.choice(sizes[h], n_h[h], replace=False) for h in range(2)]
        w = np.repeat(sizes / n_h, n_h)
        p = weighted_estimate(np.concatenate([trust[h][picks[h]] for h in range(2)]) * 1.0, w)
        m = weighted_estimate(np.concatenate([score[h][picks[h]] for h in range(2)]), w)
        hits_p += p.lower[0] <= true_p <= p.upper[0]
        hits_mean += m.lower[0] <= true_mean <= m.upper[0]
    assert 0.93 <= hits_p / reps <= 0.975
    assert 0.93 <= hits_mean / reps <= 0.975


def test_wilson_coverage_for_small_samples():
    rng = np.random.default_rng(99)
    hits = 0
    reps = 2000
    for _ in range(reps):
        y = (rng.random(25) < 0.1) * 1.0
        est = weighted_estimate(y, np.ones(25), kind="proportion")
        hits += est.lower[0] <= 0.1 <= est.upper[0]
    assert 0.92 <= hits / reps <= 0.99


def test_rake__infeasible_trim_bounds_are_reported_not_hidden():
    codes, base, targets = _sample(seed=5)
    result = rake(codes, targets, base_weights=base, trim=(0.7, 1.5))
    ratio = result.weights / (targets[0].sum() / len(base))
    assert ratio.min() >= 0.7 - 1e-12 and ratio.max() <= 1.5 + 1e-12
    assert not result.converged
    assert result.unmet(1e-3)


def test_rake__without_base_weights_and_with_an_upper_bound_only():
    codes, _base, targets = _sample(seed=8)
    result = rake(codes, targets, trim=(None, 2.0))
    assert result.weights.max() <= 2.0 * targets[0].sum() / len(codes[0]) * (1 + 1e-12)
    assert result.converged and result.max_margin_error <= 1e-8
