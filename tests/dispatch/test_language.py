"""The 102 refusals speak the page's language: on the console, the incident page and the API.

A refusal is a sentence a person reads (the operator on the page, the client developer or
the device's user in the API's ``detail``), so it comes in the language of the request like
the rest of the page (issue 11). Callsigns and API field names stay as they are.
"""

import pytest
from django.urls import reverse

from precinct.dispatch import services
from precinct.dispatch.models import Unit
from tests.core.test_one_language import english_words
from tests.dispatch import builders

pytestmark = pytest.mark.django_db
INCIDENTS = "/api/v1/dispatch/incidents"

TAKEN = {
    "ru": "Наряд A-11 не свободен (состояние: направлен).",
    "kk": "A-11 жасағы бос емес (күйі: жіберілді).",
    "en": "Unit A-11 is not available (its state: dispatched).",
}
NOBODY_SERVES = {
    "ru": "Эту точку не обслуживает ни одно подразделение.",
    "kk": "Бұл нүктеге қызмет көрсететін бөлімше жоқ.",
    "en": "No department serves this point.",
}


def _words_but_callsigns(text: str) -> set[str]:
    return english_words(f"<p>{text.replace('A-11', '').replace('A-12', '')}</p>")


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_incident_page__unit_taken_first_is_said_in_the_page_language(
    client, personas, fleet, call, language
):
    client.force_login(personas.operator)
    url = reverse("dispatch:assign", args=[call.id])
    assert client.post(url, {"unit_id": fleet.near.id}).status_code == 204
    again = client.post(url, {"unit_id": fleet.near.id}, headers={"accept-language": language})
    assert again.status_code == 409
    html = again.content.decode()
    assert TAKEN[language] in html
    if language != "en":
        assert _words_but_callsigns(html) == set()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_console__point_nobody_serves_is_said_in_the_page_language(client, personas, language):
    client.force_login(personas.operator)
    response = client.post(
        reverse("dispatch:console"),
        {"lat": "10.0", "lon": "10.0", "category": "violence", "priority": ""},
        headers={"accept-language": language},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert NOBODY_SERVES[language] in html


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_api__refusal_detail_and_field_messages_in_the_request_language(
    client, personas, fleet, call, language
):
    client.force_login(personas.operator)
    services.assignment_create(actor=personas.operator, incident=call, unit_id=fleet.near.id)
    response = client.post(
        f"{INCIDENTS}/{call.id}/assignments/batch",
        {"units": [{"unit_id": fleet.far.id}, {"unit_id": fleet.near.id}]},
        content_type="application/json",
        headers={"accept-language": language},
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "unit_not_available"  # the code stays the same in every language
    assert body["detail"] == TAKEN[language]
    assert [e["message"] for e in body["errors"]] == [TAKEN[language]]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ru", "Неизвестная категория «burglary-by-dragon»."),
     ("kk", "Белгісіз санат: «burglary-by-dragon»."),
     ("en", "Unknown category “burglary-by-dragon”.")],
)  # fmt: skip
def test_api__intake_refusal_in_the_request_language(client, personas, fleet, language, expected):
    client.force_login(personas.operator)
    call = {"lat": builders.CENTRE[1], "lon": builders.CENTRE[0],
            "category": "burglary-by-dragon"}  # fmt: skip
    response = client.post(INCIDENTS, call, content_type="application/json",
                           headers={"accept-language": language})  # fmt: skip
    assert response.status_code == 400
    assert response.json()["detail"] == expected


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_api__device_and_measures_refusals_have_no_english_sentence(
    client, personas, fleet, language
):
    """The unit's device (state without an assignment, a foreign unit) and the measures'
    unknown grouping: only the codes a client sends stay Latin."""
    token = services.unit_token_issue(actor=None, unit=fleet.near)
    device = {"HTTP_AUTHORIZATION": f"Bearer {token}", "headers": {"accept-language": language}}
    details = []
    response = client.post(f"/api/v1/units/{fleet.near.id}/state", {"state": Unit.State.ON_SCENE},
                           content_type="application/json", **device)  # fmt: skip
    assert response.status_code == 409
    details.append(response.json()["detail"])
    response = client.post(f"/api/v1/units/{fleet.far.id}/state", {"state": Unit.State.BUSY},
                           content_type="application/json", **device)  # fmt: skip
    assert response.status_code == 403
    details.append(response.json()["detail"])
    client.force_login(personas.analyst)
    response = client.get("/api/v1/dispatch/measures?group_by=weekday&start=2026-01-01T00:00:00Z"
                          "&end=2026-02-01T00:00:00Z",
                          headers={"accept-language": language})  # fmt: skip
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "weekday" in detail
    details.append(detail.split(":")[0])  # the grouping names after it are API codes
    assert {d: english_words(f"<p>{d}</p>") for d in details} == {d: set() for d in details}


REVERSED = {
    "ru": "Конец периода должен быть позже его начала.",
    "kk": "Кезеңнің соңы оның басынан кейін болуы керек.",
    "en": "The end of the window must be after its start.",
}


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_api__measures_window_ending_before_it_starts_is_refused(client, personas, language):
    client.force_login(personas.analyst)
    for start, end in (("2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z"),
                       ("2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")):  # fmt: skip
        response = client.get(f"/api/v1/dispatch/measures?start={start}&end={end}",
                              headers={"accept-language": language})  # fmt: skip
        assert response.status_code == 400
        body = response.json()
        assert body["detail"] == REVERSED[language]
        assert body.get("code") == "invalid_window", body
