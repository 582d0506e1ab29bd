"""What residents raised, per precinct: appeals by category (complaints about officers left
out), the head's receptions and the survey's "problems that worry you", small counts
suppressed for the public."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from precinct.appeals import services as appeal_services
from precinct.appeals.models import Channel
from precinct.priorities import metrics
from precinct.surveys import selectors as survey_selectors
from precinct.surveys import services as survey_services
from precinct.surveys.models import Response
from tests.appeals.builders import POINT_A, appeal_in_district_a, complaint_about
from tests.factories import inspector_of

pytestmark = pytest.mark.django_db


def _answers(territory, concerns_per_respondent: list[list[str]]) -> None:
    today = timezone.localdate()
    survey = survey_services.survey_create(
        questionnaire=survey_selectors.questionnaire_standard(), region=territory.region,
        period="2026", opens_on=today - dt.timedelta(days=30), closes_on=today,
    )  # fmt: skip
    Response.objects.bulk_create(
        Response(
            survey=survey, department=territory.district_a, age_group="30-44", sex="f",
            answers={"trust_local": 4, "concerns": concerns, "comment": "private words"},
            source=Response.Source.DEMO, submitted_at=timezone.now(),
        )
        for concerns in concerns_per_respondent
    )  # fmt: skip


def test_counts_by_theme__a_complaint_about_an_officer_is_not_counted(territory):
    for _ in range(6):
        appeal_in_district_a(category_code="noise")
    appeal_in_district_a(category_code="traffic")
    officer = inspector_of(territory.precinct_a)
    named, _ = appeal_services.appeal_register(
        type="complaint", text="Участковый не приехал на шум", channel=Channel.WEB,
        category_code="noise", about_officer_id=officer.pk, contact_name="Ерлан",
        contact_phone="+7 702 000 11 22", **POINT_A,
    )  # fmt: skip
    # Routed above the officer's unit without a precinct; were it filed under the precinct
    # (an import, a later routing), it must still not count.
    type(named).objects.filter(pk=named.pk).update(precinct=territory.precinct_a)
    complaint_about(officer, **POINT_A)  # the officer-conduct category
    appeal_in_district_a(category_code="traffic", channel=Channel.RECEPTION)
    _answers(territory, [["theft", "fraud"], ["theft"], ["roads"], []])

    rows = metrics.themes_raised(precinct_id=territory.precinct_a.pk, suppress=False)
    by_theme = {r["theme"]: r for r in rows}
    assert by_theme["noise"]["appeals"] == 6  # not 7: the complaint naming an officer is out
    assert "officer-conduct" not in by_theme
    # A reception serves the whole district: counted apart from the precinct's appeals.
    assert (by_theme["traffic"]["appeals"], by_theme["traffic"]["receptions"]) == (1, 1)
    # "theft" and "fraud" are one theme: a respondent naming both counts once.
    assert by_theme["theft-fraud"]["survey"] == 2
    assert by_theme["traffic"]["survey"] == 1 and by_theme["traffic"]["total"] == 3
    assert rows[0]["theme"] == "noise"  # most raised first


def test_counts_by_theme__public_ones_suppress_small_counts(territory, settings):
    for _ in range(5):
        appeal_in_district_a(category_code="noise")
    appeal_in_district_a(category_code="drugs")
    _answers(territory, [["drugs"]] * 3)
    with translation.override("en"):
        rows = metrics.themes_raised(precinct_id=territory.precinct_a.pk)
    by_theme = {r["theme"]: r for r in rows}
    assert by_theme["noise"]["appeals"] == 5 and by_theme["noise"]["label"] == "Noise"
    # 1 appeal and 3 respondents: each cell suppressed, and so is their total of 4.
    assert by_theme["drugs"] == {"theme": "drugs", "label": "Drugs", "appeals": None,
                                 "receptions": 0, "survey": None, "total": None}  # fmt: skip
    settings.PRECINCT_DISCLOSURE_MIN_COUNT = 2
    rows = metrics.themes_raised(precinct_id=territory.precinct_a.pk)
    assert {r["theme"]: r["total"] for r in rows}["drugs"] == 4


def test_counts_by_theme__the_period_defaults_to_the_last_three_months(territory):
    old = appeal_in_district_a(category_code="noise")
    type(old).objects.filter(pk=old.pk).update(
        registered_at=timezone.now() - dt.timedelta(days=100)
    )
    assert metrics.themes_raised(precinct_id=territory.precinct_a.pk, suppress=False) == []
    assert metrics.raised_period(dt.date(2026, 5, 31)) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 5, 31),
    )
    assert metrics.raised_period(dt.date(2026, 2, 15)) == (
        dt.date(2025, 11, 16),
        dt.date(2026, 2, 15),
    )
