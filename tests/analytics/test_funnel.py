"""Funnel limits against limits computed by hand, and the properties every funnel has.

The hand computations below follow Spiegelhalter (2005), appendix A.1.1: for a tail
probability p, r is the smallest count with F(r) ≥ p, α = (F(r) − p) / (F(r) − F(r − 1)),
and the limit is (r − α) / size. The cumulative probabilities were summed term by term
(binomial: Σ C(n,k) p0^k (1−p0)^(n−k); Poisson: Σ e^−E E^k / k!) and are written out
so a reader can check every step with a calculator.
"""

import doctest

import numpy as np
import pytest
from scipy import stats

from precinct.analytics import funnel
from precinct.analytics.funnel import (
    LEVELS,
    mean_limits,
    position,
    proportion_limits,
    rate_limits,
    ratio_limits,
)


def test_docstring_examples():
    result = doctest.testmod(funnel, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


# Binomial, n = 50, p0 = 0.8 (e.g. 80 % of the city's calls reached within target, a
# precinct with 50 calls). Cumulative probabilities F(r) = P(R ≤ r), R ~ Bin(50, 0.8):
#   F(30) = 0.0009 (below 0.001)   F(31) = 0.0025112   F(33) = 0.0144417
#   F(34) = 0.0308034              F(44) = 0.9519728   F(45) = 0.9815040
#   F(47) = 0.9987 (below 0.999)   F(48) = 0.9997
# 95 % lower, p = 0.025: r = 34 (F(33) < 0.025 ≤ F(34));
#   α = (0.0308034 − 0.025) / (0.0308034 − 0.0144417) = 0.0058034 / 0.0163617 = 0.35469
#   limit = (34 − 0.35469) / 50 = 0.67291
# 95 % upper, p = 0.975: r = 45 (F(44) < 0.975 ≤ F(45));
#   α = (0.9815040 − 0.975) / (0.9815040 − 0.9519728) = 0.0065040 / 0.0295312 = 0.22024
#   limit = (45 − 0.22024) / 50 = 0.89560
# 99.8 % lower, p = 0.001: r = 31; α = (0.0025112 − 0.001) / (0.0025112 − 0.0009246)
#   = 0.95720 (F(30) = 0.00092459); limit = (31 − 0.95720) / 50 = 0.60086
# 99.8 % upper, p = 0.999: r = 48; F(47) = 0.99871, F(48) = 0.99974;
#   α = 0.73881; limit = (48 − 0.73881) / 50 = 0.94522
BINOMIAL_50_08 = {0.95: (0.67291, 0.89560), 0.998: (0.60086, 0.94522)}

# Poisson, E = 10 (an O/E ratio: 10 offences expected from the city's rate). F(r) = P(X ≤ r),
# X ~ Poisson(10), through the chi-square relation P(X ≤ r) = P(χ²(2r + 2) > 2E) = P(χ²(2r+2) > 20):
#   F(3) = 0.0103361   F(4) = 0.0292527   F(16) = 0.9729584   F(17) = 0.9857224
#   F(1) = 0.0004994   F(2) = 0.0027694   F(20) = 0.9984117   F(21) = 0.9993003
# 95 % lower, p = 0.025: r = 4; α = (0.0292527 − 0.025) / (0.0292527 − 0.0103361)
#   = 0.0042527 / 0.0189166 = 0.22481; limit = (4 − 0.22481) / 10 = 0.37752
# 95 % upper, p = 0.975: r = 17; α = (0.9857224 − 0.975) / (0.9857224 − 0.9729584)
#   = 0.0107224 / 0.0127640 = 0.84005; limit = (17 − 0.84005) / 10 = 1.61600
# 99.8 % lower, p = 0.001: r = 2; α = (0.0027694 − 0.001) / (0.0027694 − 0.0004994)
#   = 0.77947; limit = (2 − 0.77947) / 10 = 0.12205
# 99.8 % upper, p = 0.999: r = 21; α = (0.9993003 − 0.999) / (0.9993003 − 0.9984117)
#   = 0.33800; limit = (21 − 0.33800) / 10 = 2.06620
POISSON_10 = {0.95: (0.37752, 1.61600), 0.998: (0.12205, 2.06620)}


@pytest.mark.parametrize("level", LEVELS)
def test_binomial_limits_match_the_hand_computation(level):
    lim = proportion_limits(50, 0.8, level)
    assert lim.level == level
    assert float(lim.low) == pytest.approx(BINOMIAL_50_08[level][0], abs=1e-5)
    assert float(lim.high) == pytest.approx(BINOMIAL_50_08[level][1], abs=1e-5)


@pytest.mark.parametrize("level", LEVELS)
def test_poisson_ratio_limits_match_the_hand_computation(level):
    lim = ratio_limits(10.0, level)
    assert float(lim.low) == pytest.approx(POISSON_10[level][0], abs=1e-5)
    assert float(lim.high) == pytest.approx(POISSON_10[level][1], abs=1e-5)


def test_the_chi_square_relation_used_by_hand_holds():
    # The hand computation's F(r) for Poisson(10), from the chi-square survival function.
    for r, f in [(4, 0.0292527), (17, 0.9857224)]:
        assert stats.chi2.sf(20.0, 2 * r + 2) == pytest.approx(f, abs=1e-7)


def test_rate_limits_are_ratio_limits_scaled_by_the_overall_rate():
    # Exposure 2 (thousand residents) at 5 per 1,000 expects 10 events: the Poisson(10)
    # limits above, times 5.
    lim = rate_limits(2.0, 5.0, 0.95)
    assert float(lim.low) == pytest.approx(5 * 0.37752, abs=5e-5)
    assert float(lim.high) == pytest.approx(5 * 1.61600, abs=5e-5)


def test_mean_limits_are_two_and_three_standard_errors():
    # sd 5 over n = 25: standard error 1; z = 1.95996 (95 %) and 3.09023 (99.8 %).
    l95 = mean_limits(25, 10.0, 5.0, 0.95)
    l998 = mean_limits(25, 10.0, 5.0, 0.998)
    assert (float(l95.low), float(l95.high)) == pytest.approx((8.04004, 11.95996), abs=1e-5)
    assert (float(l998.low), float(l998.high)) == pytest.approx((6.90977, 13.09023), abs=1e-5)


def test_limits_approach_the_normal_approximation_for_large_n():
    # n = 10,000, p0 = 0.8: 0.8 ± 1.96·√(0.8·0.2/10000) = 0.8 ± 0.00784.
    lim = proportion_limits(10_000, 0.8, 0.95)
    assert float(lim.low) == pytest.approx(0.8 - 0.00784, abs=2e-4)
    assert float(lim.high) == pytest.approx(0.8 + 0.00784, abs=2e-4)


SIZES = np.array([5, 10, 20, 50, 100, 200, 500, 1000, 5000])


@pytest.mark.parametrize(
    ("make", "centre"),
    [
        (lambda s, lv: proportion_limits(s, 0.8, lv), 0.8),
        (lambda s, lv: proportion_limits(s, 0.3, lv), 0.3),
        (lambda s, lv: proportion_limits(s, 0.05, lv), 0.05),
        (lambda s, lv: ratio_limits(s, lv), 1.0),
        (lambda s, lv: rate_limits(s, 2.5, lv), 2.5),
        (lambda s, lv: mean_limits(s, 12.0, 4.0, lv), 12.0),
    ],
    ids=["proportion-0.8", "proportion-0.3", "proportion-0.05", "ratio", "rate", "mean"],
)
def test_funnel_properties(make, centre):
    l95, l998 = make(SIZES, 0.95), make(SIZES, 0.998)
    assert l95.low.shape == l95.high.shape == SIZES.shape
    width95 = l95.high - l95.low
    width998 = l998.high - l998.low
    # Limits narrow as the unit grows (the funnel's shape)...
    assert np.all(np.diff(width95) < 0)
    assert np.all(np.diff(width998) < 0)
    # ...the 99.8 % funnel holds the 95 % one...
    assert np.all(l998.low <= l95.low) and np.all(l998.high >= l95.high)
    assert np.all(width998 > width95)
    # ...and both contain the overall value.
    assert np.all(l95.low <= centre) and np.all(centre <= l95.high)


@pytest.mark.parametrize("p0", [0.8, 0.05])
def test_proportion_limits_stay_in_0_1(p0):
    for level in LEVELS:
        lim = proportion_limits(SIZES, p0, level)
        assert np.all(lim.low >= 0) and np.all(lim.high <= 1)


def test_ratio_limits_contain_one_and_never_go_negative():
    for level in LEVELS:
        lim = ratio_limits(np.array([0.5, 1, 3, 10, 100]), level)
        assert np.all(lim.low <= 1) and np.all(lim.high >= 1)
        assert np.all(lim.low >= 0)


def test_sizes_without_limits_give_nan_not_an_error():
    lim = proportion_limits(np.array([0, np.nan, -3, 50]), 0.8, 0.95)
    assert np.isnan(lim.low[:3]).all() and np.isnan(lim.high[:3]).all()
    assert lim.low[3] == pytest.approx(0.67291, abs=1e-5)
    assert np.isnan(ratio_limits(0.0, 0.95).low)
    assert np.isnan(mean_limits([0], 1.0, 1.0, 0.95).high).all()


def test_effective_sizes_are_rounded_to_whole_cases():
    a = proportion_limits(49.6, 0.8, 0.95)
    b = proportion_limits(50, 0.8, 0.95)
    assert float(a.low) == float(b.low) and float(a.high) == float(b.high)


def test_degenerate_p0_gives_the_same_share_everywhere():
    lim = proportion_limits([10, 100], 1.0, 0.95)
    assert lim.low.tolist() == [1.0, 1.0] and lim.high.tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    "call",
    [
        lambda: proportion_limits(10, 1.5, 0.95),
        lambda: proportion_limits(10, 0.5, 95),
        lambda: rate_limits(10, 0.0, 0.95),
        lambda: mean_limits(10, 0.0, -1.0, 0.95),
    ],
)
def test_bad_parameters_are_refused(call):
    with pytest.raises(ValueError):
        call()


def test_position_names_each_band_in_the_value_direction():
    l95 = proportion_limits(50, 0.8, 0.95)  # 0.67291 – 0.89560
    l998 = proportion_limits(50, 0.8, 0.998)  # 0.60086 – 0.94522
    values = [0.8, 0.8955, 0.90, 0.95, 0.67, 0.60, np.nan]
    assert position(values, l95, l998).tolist() == [
        "within",
        "within",
        "above_95",
        "above_998",
        "below_95",
        "below_998",
        "",
    ]


def test_position_per_unit_with_its_own_limits():
    sizes = np.array([10, 1000, 0])
    l95 = proportion_limits(sizes, 0.8, 0.95)
    l998 = proportion_limits(sizes, 0.8, 0.998)
    # 60 % of 10 calls is chance; 60 % of 1,000 is far below; no calls, no verdict.
    assert position([0.6, 0.6, 0.6], l95, l998).tolist() == ["within", "below_998", ""]
