"""The neighbourhood pages: a figure against the city's funnel limits for the area's size,
and survey figures with their effective sample, never below the minimum."""

import pytest
from django.utils import translation

from precinct.analytics import funnel
from precinct.neighbourhoods import figures, selectors
from precinct.neighbourhoods.figures import Figure
from precinct.neighbourhoods.templatetags.neighbourhood_format import against_verdict, figure

pytestmark = pytest.mark.django_db


def test_against__the_precinct_inside_the_citys_funnel(hood):
    raw = figures.area_figures()
    p = hood.precinct
    found = figures.against(
        raw, level="precinct", pk=p.pk, above="region", above_pk=p.department.region_id,
        department_id=p.department_id,
    )  # fmt: skip
    # Answers: 5 of 6 on time here, 7 of 8 in the city; calls: 5 of 6 within target here,
    # 5 of 7 in the city. Six cases are far too few to differ from either.
    on_time = found["on_time"]
    assert on_time["size"] == 6 and on_time["verdict"] == "as_expected"
    limits = funnel.proportion_limits(6, 7 / 8, 0.95)
    assert on_time["low_95"] == pytest.approx(float(limits.low))
    assert on_time["high_95"] == pytest.approx(float(limits.high))
    assert found["arrival_within"]["verdict"] == "as_expected"
    assert "coverage" not in found and "rating" not in found  # not counts of chance events


def test_against__only_beside_published_figures(hood):
    far = selectors.precinct_page(precinct=hood.far_precinct)
    rows = {r["key"]: r for r in far["figures"]}
    # Two answers: the share is withheld, and so is any verdict on it.
    assert rows["on_time"]["now"] == Figure.few() and rows["on_time"]["against"] is None
    near = {r["key"]: r for r in selectors.precinct_page(precinct=hood.precinct)["figures"]}
    assert near["on_time"]["against"]["verdict"] == "as_expected"


def test_surveys__effective_sample_shown_and_minimum_kept(settings):
    settings.PRECINCT_SURVEY_MIN_N_EFF = 30
    wave = {
        "department": {
            1: {"value": 0.6, "n": 80, "n_eff": 52.4, "suppressed": False},
            2: {"value": 0.7, "n": 40, "n_eff": 21.0, "suppressed": False},
        },
        "region": {},
    }
    assert figures._survey(wave, "department", 1, 5) == Figure(0.6, n_eff=52.4)
    # Forty respondents weigh as 21 after weighting: below the minimum, not published.
    assert figures._survey(wave, "department", 2, 5) == Figure.few()
    with translation.override("en"):
        assert figure(Figure(0.6, n_eff=52.4), "share") == "60\u00a0% (effective sample 52)"
        assert against_verdict({"verdict": "worse_998"}) == "clearly lower than expected"


def test_pages__say_where_the_figure_lies_for_its_size(client, hood):
    page = client.get("/neighbourhoods/almalinsky/7/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert 'data-verdict="as_expected"' in text
    assert "Difference, for its size" in text and "effective sample" in text


def test_side_by_side__each_share_against_the_area_above(client, hood):
    region = hood.precinct.department.region
    rows = selectors.region_page(region=region)["departments"]
    department = next(r for r in rows if r["name"] == hood.precinct.department.display_name)
    verdicts = {key: verdict for key, _kind, _value, verdict in department["cells"]}
    # The district holds all the city's answers: exactly the city's share.
    assert verdicts["on_time"] == "as_expected"
    assert verdicts["coverage"] == "" and verdicts["rating"] == ""  # no funnel for these
    text = client.get("/neighbourhoods/regions/almaty/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-verdict="as_expected"' in text.content.decode()
