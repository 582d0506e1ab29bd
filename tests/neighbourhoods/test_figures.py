"""The neighbourhood figures: periods, roll-ups, and the small-count rule."""

import datetime as dt

import pytest

from precinct.neighbourhoods import figures
from precinct.neighbourhoods.figures import Figure

pytestmark = pytest.mark.django_db


def test_spans__twelve_months_to_the_end_of_last_month_in_four_quarters():
    year, quarters = figures.spans(dt.date(2026, 12, 3))
    assert year == (dt.date(2025, 12, 1), dt.date(2026, 11, 30))
    assert quarters == [
        (dt.date(2025, 12, 1), dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 1), dt.date(2026, 5, 31)),
        (dt.date(2026, 6, 1), dt.date(2026, 8, 31)),
        (dt.date(2026, 9, 1), dt.date(2026, 11, 30)),
    ]
    assert figures.spans(dt.date(2026, 1, 31))[0] == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_precinct__last_months_figures_published_with_their_quarter(hood):
    raw = figures.area_figures()
    shown = figures.published(
        raw, level="precinct", pk=hood.precinct.pk, department_id=hood.precinct.department_id
    )
    # Six answers (one late), six ratings: the complaint about the inspector is not counted.
    assert shown["answered"]["now"] == Figure(6)
    assert shown["on_time"]["now"].value == pytest.approx(5 / 6)
    assert shown["rating"]["now"].value == pytest.approx(4.0)
    # Six calls placed in the precinct; the one beside it is the department's only.
    assert shown["calls"]["now"] == Figure(6)
    assert shown["arrival_p50"]["now"].value == pytest.approx(8.5 * 60)
    assert shown["arrival_within"]["now"].value == pytest.approx(5 / 6)
    # Last month is in the last quarter of the trend; the quarters before had nothing.
    trend = shown["on_time"]["trend"]
    assert [value for _, value in trend] == [Figure.none()] * 3 + [shown["on_time"]["now"]]
    assert trend[-1][0][1] < hood.last_month.date().replace(day=28) + dt.timedelta(days=5)


def test_small_counts__suppressed_never_shown(hood):
    raw = figures.area_figures()
    shown = figures.published(raw, level="precinct", pk=hood.far_precinct.pk, department_id=0)
    # Two answers: the count reads "fewer than 5", the share and the mean are not published.
    assert shown["answered"]["now"] == Figure.few()
    assert shown["on_time"]["now"] == Figure.few()
    assert shown["rating"]["now"] == Figure.few()
    # No call was placed there: nothing to measure, said as such (a zero count is shown).
    assert shown["calls"]["now"] == Figure(0)
    assert shown["arrival_p50"]["now"] == Figure.none()


def test_threshold__follows_the_setting(hood, settings):
    settings.PRECINCT_DISCLOSURE_MIN_COUNT = 7
    raw = figures.area_figures()
    shown = figures.published(raw, level="precinct", pk=hood.precinct.pk, department_id=0)
    assert shown["answered"]["now"] == Figure.few()
    assert shown["arrival_p50"]["now"] == Figure.few()


def test_department_region_and_country__roll_up_the_same_counts(hood):
    raw = figures.area_figures()
    department = hood.precinct.department
    for level, pk in (
        ("department", department.pk),
        ("region", department.region_id),
        ("total", 0),
    ):
        shown = figures.published(raw, level=level, pk=pk)
        assert shown["answered"]["now"] == Figure(8), level  # 6 + 2, the complaint left out
        assert shown["calls"]["now"] == Figure(7), level  # the call beside counts here
        assert shown["arrival_p50"]["now"].value == pytest.approx(9 * 60), level


def test_coverage__todays_share_beside_the_city(hood):
    raw = figures.area_figures()
    here = figures.published(raw, level="precinct", pk=hood.precinct.pk, department_id=0)
    # Two of the three blocks of residents live within 15 minutes of an open post.
    assert here["coverage"]["now"].value == pytest.approx(2 / 3)
    assert here["coverage"]["trend"] == []


def test_surveys__no_closed_wave_is_no_data(hood):
    raw = figures.area_figures()
    here = figures.published(raw, level="precinct", pk=hood.precinct.pk, department_id=0)
    assert here["trust"] == {"now": Figure.none(), "trend": []}


def test_figures__kept_until_forgotten(hood):
    first = figures.area_figures()
    assert figures.area_figures() is first
    figures.forget()
    assert figures.area_figures() is not first


def test_read_surface__the_pages_figures_as_plain_rows(hood):
    from precinct.neighbourhoods import metrics

    assert (
        metrics.precinct_page_url(precinct_id=hood.precinct.pk) == "/neighbourhoods/almalinsky/7/"
    )
    rows = metrics.precinct_figures(precinct_id=hood.far_precinct.pk)
    assert rows["figures"]["answered"] == {
        "kind": "count", "value": None, "why": "few", "city_value": 8, "city_why": "",
        "against_city": "",
    }  # fmt: skip
