"""surveys.metrics.recent_estimates: the last closed waves of some questions, newest first."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from precinct.surveys import metrics, selectors, services
from tests.surveys.test_estimates import _responses, margins  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _wave(territory, period: str, closed_days_ago: int):
    today = timezone.localdate()
    return services.survey_create(
        questionnaire=selectors.questionnaire_standard(), region=territory.region, period=period,
        opens_on=today - dt.timedelta(days=closed_days_ago + 30),
        closes_on=today - dt.timedelta(days=closed_days_ago),
    )  # fmt: skip


def test_two_closed_waves__newest_first_and_only_the_keys_asked(territory, margins):  # noqa: F811
    rng = np.random.default_rng(3)
    for period, days in (("2024", 700), ("2025", 400), ("2026", 30)):
        _responses(_wave(territory, period, days), territory, 200, rng)
    found = metrics.recent_estimates(keys=["trust_local"])
    assert found["periods"] == ["2026", "2025"]
    assert {r["key"] for r in found["rows"]} == {"trust_local"}
    assert {r["period"] for r in found["rows"]} == {"2026", "2025"}
    assert any(r["department_id"] is None for r in found["rows"])


def test_a_wave_still_open__not_yet(territory):
    today = timezone.localdate()
    services.survey_create(
        questionnaire=selectors.questionnaire_standard(), region=territory.region,
        period="2026", opens_on=today, closes_on=today + dt.timedelta(days=5),
    )  # fmt: skip
    assert metrics.recent_estimates(keys=["trust_local"]) == {"periods": [], "rows": []}
