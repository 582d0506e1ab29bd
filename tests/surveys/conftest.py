"""Fixtures of the survey tests: a wave of the standard questionnaire in the test city."""

import datetime as dt

import pytest
from django.utils import timezone

from precinct.surveys import selectors, services
from precinct.surveys.models import Survey


@pytest.fixture
def wave(territory):
    """An invitation wave open today over the two districts of the test territory."""
    today = timezone.localdate()
    return services.survey_create(
        questionnaire=selectors.questionnaire_standard(),
        region=territory.region,
        period="2026",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )


@pytest.fixture
def open_wave(territory):
    today = timezone.localdate()
    return services.survey_create(
        questionnaire=selectors.questionnaire_standard(),
        region=territory.region,
        period="2026",
        opens_on=today,
        closes_on=today,
        mode=Survey.Mode.OPEN,
    )


GOOD_ANSWERS = {
    "trust_local": "4",
    "fair": "3",
    "listen": "5",
    "rely": "4",
    "safe_dark": "2",
    "knows_inspector": "yes",
    "heard_service_model": "no",
    "contact_satisfaction": "7",
    "concerns": ["theft", "roads"],
}
