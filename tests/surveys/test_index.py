"""/surveys/: where a resident finds the surveys he can answer today."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from precinct.surveys import selectors, services
from precinct.surveys.models import Survey


def test_index__open_wave_links_to_its_questionnaire(client, open_wave):
    html = client.get(reverse("surveys:index")).content.decode()
    assert reverse("surveys:open", args=[open_wave.pk, open_wave.open_key]) in html
    assert (
        client.get(reverse("surveys:open", args=[open_wave.pk, open_wave.open_key])).status_code
        == 200
    )


def test_index__invitation_wave_says_how_invitations_come_without_a_link(client, wave):
    html = client.get(reverse("surveys:index")).content.decode()
    assert "По приглашению" in html
    assert "/surveys/i/" not in html and "/surveys/s/" not in html


def test_index__closed_and_field_waves_are_not_offered(client, territory):
    today = timezone.localdate()
    for mode, opens, closes in [
        (Survey.Mode.OPEN, today - dt.timedelta(days=30), today - dt.timedelta(days=1)),
        (Survey.Mode.FIELD, today, today),
    ]:
        services.survey_create(
            questionnaire=selectors.questionnaire_standard(), region=territory.region,
            period="2026", opens_on=opens, closes_on=closes, mode=mode,
        )  # fmt: skip
    response = client.get(reverse("surveys:index"))
    assert response.status_code == 200
    assert "Сейчас нет опросов" in response.content.decode()
