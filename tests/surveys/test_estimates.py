"""Weighted results: raked to the margins, intervals, suppression, and the public API."""

import numpy as np
import pytest
from django.utils import timezone

from precinct.surveys import services
from precinct.surveys.estimates import WeightingError, survey_estimates, survey_weights
from precinct.surveys.models import Response

pytestmark = pytest.mark.django_db


def _responses(wave, territory, n, rng):
    """n respondents, young men over-represented and trusting less."""
    departments = [territory.district_a, territory.district_b]
    rows = []
    for i in range(n):
        young_man = rng.random() < 0.5
        age, sex = ("18-29", "m") if young_man else (str(rng.choice(["30-44", "60+"])), "f")
        trust = int(rng.integers(1, 4)) if young_man else int(rng.integers(3, 6))
        rows.append(
            Response(
                survey=wave,
                department=departments[i % 2],
                age_group=age,
                sex=sex,
                answers={"trust_local": trust, "knows_inspector": bool(i % 3 == 0)},
                source="demo",
                submitted_at=timezone.now(),
            )
        )
    Response.objects.bulk_create(rows)


@pytest.fixture
def margins(territory):
    region = territory.region
    age_sex = {"18-29:m": 1000, "30-44:f": 2000, "60+:f": 1000}
    services.margins_set(region=region, dimension="age_sex", totals=age_sex, source="test")
    districts = {str(territory.district_a.pk): 2500, str(territory.district_b.pk): 1500}
    services.margins_set(region=region, dimension="district", totals=districts, source="test")


def test_weights__meet_both_margins(wave, territory, margins):
    _responses(wave, territory, 400, np.random.default_rng(1))
    w = survey_weights(survey=wave)
    assert w.weighted and w.converged
    in_a = w.department_ids == territory.district_a.pk
    assert w.weights[in_a].sum() == pytest.approx(2500, rel=1e-4)
    assert w.weights.sum() == pytest.approx(4000, rel=1e-6)
    assert 1 < w.design_effect < 3 and w.n_eff < 400


def test_estimates__weighting_raises_trust_when_distrustful_young_men_are_overrepresented(
    wave, territory, margins
):
    _responses(wave, territory, 400, np.random.default_rng(2))
    rows = survey_estimates(survey=wave)["rows"]
    region = next(r for r in rows if r["key"] == "trust_local" and r["department_id"] is None)
    answers = Response.objects.values_list("answers", flat=True)
    raw = np.mean([a["trust_local"] >= 4 for a in answers])
    assert region["value"] > raw  # young men are 25 % of the population, not 50 %
    assert region["lower"] < region["value"] < region["upper"]
    assert region["kind"] == "proportion" and not region["suppressed"]


def test_estimates__below_the_minimum_effective_sample_are_suppressed(
    wave, territory, margins, settings
):
    settings.PRECINCT_SURVEY_MIN_N_EFF = 1000
    _responses(wave, territory, 100, np.random.default_rng(3))
    rows = survey_estimates(survey=wave)["rows"]
    assert all(r["suppressed"] and r["value"] is None for r in rows)


def test_weights__an_empty_category_is_a_clear_error(wave, territory, margins):
    Response.objects.create(
        survey=wave,
        department=territory.district_a,
        age_group="18-29",
        sex="m",
        answers={},
        source="demo",
        submitted_at=timezone.now(),
    )
    with pytest.raises(WeightingError, match=r"no respondent|empty|category"):
        survey_weights(survey=wave)


def test_api__public_results_hold_no_individual_answers(client, wave, territory, margins):
    _responses(wave, territory, 200, np.random.default_rng(4))
    response = client.get(f"/api/v1/surveys/{wave.pk}/results")
    assert response.status_code == 200
    body = response.json()
    assert body["weighted"] and {e["key"] for e in body["estimates"]} >= {"trust_local"}
    assert body["converged"] and body["weighting_report"].startswith("all margins met")
    assert "answers" not in response.content.decode()


def test_weights__raking_that_cannot_meet_the_margins_says_which(
    wave, territory, margins, settings
):
    # Trimming at 1.01 × the mean weight makes the margins impossible to meet.
    settings.PRECINCT_SURVEY_WEIGHT_TRIM = 1.01
    _responses(wave, territory, 400, np.random.default_rng(6))
    w = survey_weights(survey=wave)
    assert "unmet margins" in w.report
    assert "age_sex[" in w.report or "district[" in w.report
