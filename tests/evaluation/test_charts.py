"""Scorecard charts: axes from where the scale starts, no chart of too few points, and an
interval printed only when it has a width."""

import json

import numpy as np
from django.utils import translation

from precinct.evaluation import charts, display, scoring


def _series(*values, lower=None, upper=None):
    return [
        {"period": str(2020 + k), "value": v, "lower": lower, "upper": upper}
        for k, v in enumerate(values)
    ]


def test_a_share_is_drawn_on_its_whole_range_not_a_cut_axis():
    figure = json.loads(charts.trend_figure(_series(0.993, 0.9945, 0.995), title="t", unit="share"))
    axis = figure["layout"]["yaxis"]
    assert axis["range"] == [0, 1] and axis["tickformat"] == ".0%"


def test_counts_and_times_start_at_zero_bounded_scales_show_their_range():
    for unit in ("per 10,000", "minutes", "per 100 staff"):
        figure = json.loads(charts.trend_figure(_series(41, 40, 42), title="t", unit=unit))
        assert figure["layout"]["yaxis"]["rangemode"] == "tozero"
    survey = json.loads(charts.trend_figure(_series(3.1, 3.3, 3.2), title="t", unit="1–5"))
    assert survey["layout"]["yaxis"]["range"] == [1, 5]
    index = json.loads(
        charts.trend_figure(
            [{"period": p, "index": v} for p, v in (("a", 60), ("b", 62), ("c", 61))],
            title="t", key="index", unit="index",
        )
    )  # fmt: skip
    assert index["layout"]["yaxis"]["range"] == [0, 100]


def test_fewer_than_three_points_or_an_empty_series_draw_nothing():
    assert charts.trend_figure(_series(0.5, 0.6), title="t", unit="share") is None
    assert charts.trend_figure(_series(None, None, None), title="t", unit="share") is None
    # Periods without a value are left off the axis rather than drawn as gaps.
    figure = json.loads(charts.trend_figure(_series(1, None, 2, 3), title="t", unit="minutes"))
    assert figure["data"][0]["x"] == ["2020", "2022", "2023"]
    assert charts.points(_series(1, None, 2)) == 2


def test_an_interval_of_zero_width_is_not_printed_as_one():
    with translation.override("en"):
        assert display.interval(60.0, 75.54) == "60.0 – 75.5"
        assert display.interval(70.71, 70.69) == "no interval: too few observations"
        assert display.interval(None, None) == ""
    with translation.override("ru"):
        assert display.interval(70.71, 70.69) == "интервала нет: слишком мало наблюдений"


def test_why_the_index_interval_collapses_registry_figures_carry_no_standard_error():
    """Only the survey indicators' intervals feed the Monte Carlo: without them every draw is
    the same and the 95 % band has no width (hence "70.7–70.7" on the page)."""
    values = np.array([[0.2, 10.0], [0.4, 12.0], [0.3, 15.0]])
    args = (["higher", "lower"], np.array([1.0, 1.0]), np.array(["d"] * 3), np.array(["p"] * 3))
    registry = scoring.score(values, values, values, *args, min_coverage=0.5)
    assert np.allclose(registry.lower, registry.upper)
    margin = np.array([0.05, 0])  # the first indicator is a survey share
    surveyed = scoring.score(values, values - margin, values + margin, *args, min_coverage=0.5)
    assert (surveyed.upper - surveyed.lower).max() > 1
