"""The evaluation demo step: real Form 1-M for all regions, generated waves and records."""

import pytest

from precinct.crime import metrics as crime
from precinct.integrity.models import Offence, Responsibility
from precinct.surveys.models import PopulationMargin, Response, Survey
from tests import factories


def test_demo__form1m_of_all_twenty_regions_with_rates(demo_city, db):
    rates = crime.regional_rates(period=crime.latest_period())
    assert len(rates) == 20
    assert all(r["population"] and r["rate"] > 0 for r in rates)


def test_demo__survey_waves_weighted_to_margins_that_agree(demo_city, db):
    assert Survey.objects.count() == 2
    assert Response.objects.filter(source="demo").count() == 3200
    sums = {}
    for m in PopulationMargin.objects.all():
        sums[m.dimension] = sums.get(m.dimension, 0) + m.population
    assert sums["age_sex"] == sums["district"]


def test_demo__offences_answer_to_heads(demo_city, db):
    assert Offence.objects.count() > 0
    assert Responsibility.objects.filter(level=0).exists()
    assert Responsibility.objects.filter(level=1).exists()


def test_demo__report_lines(demo_city, db):
    text = "\n".join(demo_city.lines)
    assert "Form 1-M (real): 8,440 rows of 20 regions" in text
    assert "Survey waves" in text


@pytest.mark.django_db
def test_demo__scorecard_pages_after_the_build(demo_city, client):
    from precinct.territory.models import Department

    city = Department.objects.filter(parent=None).first()
    assert client.get("/evaluation/").status_code == 200
    response = client.get(f"/api/v1/evaluation/scorecards/{city.pk}")
    assert response.status_code == 200
    trust = next(i for i in response.json()["indicators"] if i["code"] == "trust")
    assert trust["value"] is not None and trust["lower"] < trust["value"] < trust["upper"]


def test_demo__internal_security_account_signs_in_with_the_demo_password(demo_city, db):
    from django.contrib.auth import authenticate

    user = authenticate(
        factories.sign_in_request(), username="demo-internal_security", password=demo_city.password
    )
    assert user is not None and user.role == "internal_security"
