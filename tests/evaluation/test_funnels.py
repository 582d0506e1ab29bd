"""Scorecards show each indicator against its funnel limits, not only a place among peers."""

import csv
import datetime as dt
import io
import json

import pytest

from precinct.analytics import funnel
from precinct.crime.models import DepartmentCount
from precinct.evaluation import charts, funnels, selectors, services, sources
from precinct.evaluation.models import IndicatorValue, Methodology, Period
from precinct.territory import services as territory_services
from precinct.territory.models import Provenance

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(territory):
    """District A: 40 of 80 offences cleared (5,000 residents); district B: 60 of 150 (8,000)."""
    territory_services.precinct_create(
        department=territory.district_b,
        number=2,
        geometry=None,
        residents=8000,
        source=Provenance.DERIVED,
    )
    period = services.period_create(
        label="2025", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31)
    )
    for dep, registered, cleared in [
        (territory.district_a, 80, 40),
        (territory.district_b, 150, 60),
    ]:
        DepartmentCount.objects.create(
            department=dep, period="2025", category="total", registered=registered, cleared=cleared
        )
    Methodology.objects.update(min_coverage=0.2)
    services.evaluation_compute(period=period)
    return territory, period


def test_kinds_of_funnel_follow_what_the_value_counts():
    assert funnels.kind_of("clearance", "share") == "proportion"
    assert funnels.kind_of("trust", "share") == "proportion"
    assert funnels.kind_of("crime_rate", "per 10,000") == "rate"
    assert funnels.kind_of("integrity", "per 100 staff") == "rate"
    without = [
        ("response_p90", "minutes"),
        ("appeals_rating", "1–5"),
        ("crime_trend", "%"),
        ("staffing", "share"),
        ("coverage", "share"),
    ]
    for code, unit in without:
        assert funnels.kind_of(code, unit) is None


def test_verdict_reads_the_position_in_the_indicator_direction():
    assert funnels.verdict("within", higher=True) == "as_expected"
    assert funnels.verdict("above_95", higher=True) == "better_95"
    assert funnels.verdict("above_998", higher=False) == "worse_998"
    assert funnels.verdict("below_95", higher=False) == "better_95"


def test_scorecard_rows_carry_limits_around_the_pooled_value(computed):
    t, period = computed
    card = selectors.scorecard(department=t.district_a, period=period)
    rows = {r["code"]: r for r in card["indicators"]}
    clearance = rows["clearance"]["funnel"]
    # Pooled over the districts: 100 cleared of 230, not the mean of 0.5 and 0.4.
    assert clearance["kind"] == "proportion" and clearance["size"] == 80
    assert clearance["centre"] == pytest.approx(100 / 230)
    expected = funnel.proportion_limits(80, 100 / 230, 0.95)
    assert clearance["low_95"] == pytest.approx(float(expected.low))
    assert clearance["high_95"] == pytest.approx(float(expected.high))
    assert clearance["low_998"] < clearance["low_95"] < clearance["centre"]
    # 50 % of 80 against 43 % overall: within what chance gives 80 cases.
    assert clearance["position"] == "within" and clearance["verdict"] == "as_expected"
    rate = rows["crime_rate"]["funnel"]
    # 230 offences over 1.3 units of 10,000 residents; district A has 0.5 of them.
    assert rate["kind"] == "rate" and rate["size"] == pytest.approx(0.5)
    assert rate["centre"] == pytest.approx(230 / 1.3)
    assert rate["low_95"] < rate["centre"] < rate["high_95"]
    assert rows["crime_trend"]["funnel"] is None  # no previous period, and no funnel anyway
    assert card["funnel_summary"]["as_expected"] >= 2


def test_api_csv_and_pages_show_the_funnel(client, computed):
    t, _period = computed
    body = client.get(f"/api/v1/evaluation/scorecards/{t.district_a.pk}").json()
    clearance = next(i for i in body["indicators"] if i["code"] == "clearance")
    assert clearance["funnel"]["verdict"] == "as_expected"
    assert {"peer_rank", "peer_size"} <= set(clearance)  # still there for old clients
    assert set(body["funnel_summary"]) == {"better", "as_expected", "worse"}
    text = client.get(f"/evaluation/departments/{t.district_a.pk}/scorecard.csv").content
    rows = list(csv.DictReader(io.StringIO(text.decode())))
    clearance_row = next(r for r in rows if r["code"] == "clearance")
    assert clearance_row["funnel_verdict"] == "as_expected"
    assert float(clearance_row["funnel_low_95"]) == pytest.approx(
        clearance["funnel"]["low_95"], rel=1e-3
    )
    page = client.get(f"/evaluation/departments/{t.district_a.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "as expected for its size" in page.content.decode()
    national = client.get("/evaluation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "as expected" in national


def test_survey_figures_carry_their_effective_sample(client, computed):
    t, period = computed
    IndicatorValue.objects.filter(
        department=t.district_a, period=period, indicator__code="trust"
    ).update(status="ok", value=0.6, lower=0.47, upper=0.72, n=52.4)
    card = selectors.scorecard(department=t.district_a, period=period)
    trust = next(r for r in card["indicators"] if r["code"] == "trust")
    assert trust["n_eff"] == pytest.approx(52.4)
    assert trust["funnel"]["size"] == pytest.approx(52.4)  # binomial on the effective sample
    clearance = next(r for r in card["indicators"] if r["code"] == "clearance")
    assert clearance["n_eff"] is None and clearance["n"] == 80  # not a survey figure
    body = client.get(f"/api/v1/evaluation/scorecards/{t.district_a.pk}").json()
    assert next(i for i in body["indicators"] if i["code"] == "trust")["n_eff"] == 52.4
    assert body["survey_min_n_eff"] == 30
    page = client.get(f"/evaluation/departments/{t.district_a.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "effective sample 52" in page.content.decode()


def test_survey_estimates_below_the_minimum_are_suppressed(territory, monkeypatch, settings):
    settings.PRECINCT_SURVEY_MIN_N_EFF = 30
    row = {"key": "trust_local", "region_id": territory.region.pk, "lower": 0.5, "upper": 0.9}
    rows = [
        {**row, "department_id": territory.district_a.pk, "value": 0.7, "n_eff": 21.0,
         "suppressed": False},
        {**row, "department_id": territory.district_b.pk, "value": 0.6, "n_eff": 45.0,
         "suppressed": False},
    ]  # fmt: skip
    monkeypatch.setattr(sources.surveys_metrics, "period_estimates", lambda period: {"rows": rows})
    found = sources.surveys(sources.tree(), Period(label="2025"), {"trust": "trust_local"})
    assert found["trust"][territory.district_a.pk].status == "suppressed"
    assert found["trust"][territory.district_a.pk].n == 21.0
    assert found["trust"][territory.district_b.pk].value == 0.6


def test_funnel_plot_draws_departments_and_limit_curves(client, computed):
    t, period = computed
    card = selectors.scorecard(department=t.district_a, period=period)
    clearance = next(r for r in card["indicators"] if r["code"] == "clearance")
    peers = clearance["funnel_peers"]
    assert sorted((p["size"], p["self"]) for p in peers) == [(80, True), (150, False)]
    curve = funnels.curve(peers)
    # The curve spans the group's sizes and narrows as they grow.
    assert curve["size"][0] <= 40 and curve["size"][-1] >= 225
    widths = [h - lo for lo, h in zip(curve["low_95"], curve["high_95"], strict=True)]
    assert widths[0] > widths[-1]
    figure = json.loads(
        charts.funnel_figure(peers, curve, title="t", unit="share", labels={
            "size": "n", "departments": "d", "this": "me", "centre": "c",
            "limits_95": "95", "limits_998": "99.8",
        })
    )  # fmt: skip
    assert len(figure["data"]) == 7 and figure["layout"]["xaxis"]["type"] == "log"
    assert figure["data"][-1]["x"] == [80] and figure["data"][-1]["y"] == [0.5]
    page = client.get(f"/evaluation/departments/{t.district_a.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="funnel-clearance"' in page.content.decode()
