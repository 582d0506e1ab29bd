"""The one small-count rule of everything published."""

import pytest

from precinct.analytics import disclosure


def test_small_counts_are_suppressed_zero_and_large_are_not():
    assert [disclosure.count(n) for n in (0, 1, 4, 5, 120)] == [0, None, None, 5, 120]
    assert disclosure.count(3, min_count=3) == 3
    assert disclosure.count(None) is None


def test_a_share_needs_a_large_enough_denominator():
    assert disclosure.share(1, 4) is None
    assert disclosure.share(1, 5) == pytest.approx(0.2)
    assert disclosure.share(0, 50) == 0.0


def test_a_total_of_small_cells_is_itself_suppressed():
    assert disclosure.total([1, 1, 2]) is None
    assert disclosure.total([1, 2, 3]) == 6


def test_impossible_figures_are_refused():
    with pytest.raises(ValueError):
        disclosure.count(-1)
    with pytest.raises(ValueError):
        disclosure.share(6, 5)
