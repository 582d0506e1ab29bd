"""The workspace's figures in the reader's locale: decimal separator, units, rounding."""

import pytest
from django.utils import translation

from precinct.workspace.templatetags.workspace_format import minutes, rating, share


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ru", ("66,7 %", "4,3 / 5", "12,5 мин")), ("en", ("66.7 %", "4.3 / 5", "12.5 min"))],
)  # fmt: skip
def test_figures_follow_the_locale_and_round(language, expected):
    """(Kazakh takes Django's formats for kk, which has none yet: the same filters follow
    them once the project gives them.)"""
    with translation.override(language):
        assert (share(2 / 3), rating(4.26), minutes(12.46)) == expected


def test_nothing_to_measure_is_a_dash():
    assert share(None) == rating(None) == minutes(None) == "—"
