"""analytics.recording on planted data: a precinct whose records fall while its reports
do not is flagged; a stable one and one whose reports and records fall together are not."""

import numpy as np
import pytest

from precinct.analytics import recording

MONTHS = 24
STABLE, PLANTED, BOTH_FALL = 0, 1, 2


def _city(seed: int = 7):
    """Eight precincts of about 120 reports a month, 60 % of them recorded; precinct 1's
    records fall to a third over the last year while its reports hold; precinct 2's
    reports and records both halve over the two years."""
    rng = np.random.default_rng(seed)
    rate = np.full((8, MONTHS), 120.0)
    share = np.full((8, MONTHS), 0.6)
    t = np.arange(MONTHS)
    share[PLANTED, 12:] = 0.6 * np.linspace(1.0, 1 / 3, 12)
    rate[BOTH_FALL] = 120.0 * 0.5 ** (t / (MONTHS - 1))
    reported = rng.poisson(rate)
    recorded = rng.poisson(reported * share)
    return reported, recorded


def test_planted_fall_is_flagged_and_the_others_are_not():
    reported, recorded = _city()
    r = recording.recording_integrity(reported, recorded)
    assert r.flags(PLANTED) == [recording.OUT_OF_LINE, recording.FALLING_FASTER]
    assert r.flags(STABLE) == []
    assert r.flags(BOTH_FALL) == []
    assert not r.out_of_line[[0, 2, 3, 4, 5, 6, 7]].any()
    assert not r.falling_faster[[0, 2, 3, 4, 5, 6, 7]].any()
    # The evidence: the planted precinct records about half the city's ratio lately.
    assert r.recent_ratio[PLANTED] < 0.6 < r.recent_low[PLANTED]
    assert r.trend_reported[BOTH_FALL] == pytest.approx(np.log(0.5) / (MONTHS - 1), abs=0.01)
    assert r.trend_recorded[BOTH_FALL] == pytest.approx(np.log(0.5) / (MONTHS - 1), abs=0.01)
    assert abs(r.trend_gap[BOTH_FALL]) < 3 * r.trend_gap_se[BOTH_FALL]


@pytest.mark.parametrize("seed", range(5))
def test_planted_fall_found_whatever_the_noise(seed):
    reported, recorded = _city(seed)
    r = recording.recording_integrity(reported, recorded)
    assert list(np.flatnonzero(r.out_of_line)) == [PLANTED]
    assert list(np.flatnonzero(r.falling_faster)) == [PLANTED]


def test_expected_follows_the_city_ratio_and_the_funnel():
    reported = np.array([[100, 100], [300, 100]])
    recorded = np.array([[50, 60], [150, 40]])
    r = recording.recording_integrity(reported, recorded, recent_months=1)
    assert r.city_ratio.tolist() == [0.5, 0.5]
    assert r.expected.tolist() == [[50, 50], [150, 50]]
    assert r.ratio[0].tolist() == [1.0, 1.2]
    # Two precincts give no dispersion estimate: the exact Poisson limits for E = 50.
    assert r.dispersion == 1.0
    assert r.low[0, 0] < 1 < r.high[0, 0]
    assert r.low[1, 0] > r.low[0, 0]  # a larger E, a narrower funnel


def test_no_reports_no_expected_value_and_no_trend():
    reported = np.zeros((2, 8))
    reported[0] = 50
    recorded = np.full((2, 8), 20.0)
    r = recording.recording_integrity(reported, recorded)
    assert np.isnan(r.expected[1]).all()
    assert np.isnan(r.recent_ratio[1])
    assert np.isnan(r.trend_gap[1])
    assert r.flags(1) == []


def test_shapes_must_agree():
    with pytest.raises(ValueError, match="alike"):
        recording.recording_integrity(np.ones((2, 3)), np.ones((2, 4)))


def test_months_before_a_source_begins_do_not_make_a_trend():
    """Records imported from month 6 on, calls from month 0: the empty months of records
    are no fall of recording (nor a rise)."""
    reported, recorded = _city(3)
    recorded[:, :6] = 0
    r = recording.recording_integrity(reported, recorded)
    assert list(np.flatnonzero(r.falling_faster)) == [PLANTED]
    assert abs(r.trend_gap[STABLE]) < 3 * r.trend_gap_se[STABLE]
    assert np.isnan(r.ratio[:, :6]).all() and np.isnan(r.expected[:, :6]).all()
