"""The staff API of priorities with bearer tokens: the same rules, the one error body."""

import pytest
from django.test import Client
from django.utils import timezone

from precinct.priorities.models import Priority
from tests import factories
from tests.appeals.builders import appeal_in_district_a

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    token = Client().post(
        "/api/v1/auth/token",
        {"username": user.username, "password": factories.PASSWORD},
        content_type="application/json",
    )
    return Client(headers={"Authorization": f"Bearer {token.json()['token']}"})


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_set_review_act_close_and_list(place):
    api = _api(place.personas.inspector)
    precinct = place.territory.precinct_a.pk
    today = timezone.localdate().isoformat()
    made = _post(api, "/api/v1/priorities", {"precinct_id": precinct, "issue": "Шум по ночам",
                                             "issue_en": "Noise at night", "since": today,
                                             "theme": "noise"})  # fmt: skip
    assert made.status_code == 201, made.content
    pid = made.json()["id"]
    assert made.json()["theme"] == "noise" and made.json()["review_due"] is False
    reviewed = _post(api, f"/api/v1/priorities/{pid}/review", {"place": "ул. Абая"})
    assert reviewed.status_code == 200 and reviewed.json()["place"] == "ул. Абая"
    acted = _post(api, f"/api/v1/priorities/{pid}/actions", {"done_on": today, "text": "Рейд"})
    assert acted.status_code == 201 and acted.json()["actions"][0]["text"] == "Рейд"
    listed = api.get(f"/api/v1/priorities?precinct_id={precinct}")
    assert [p["id"] for p in listed.json()] == [pid]
    closed = _post(api, f"/api/v1/priorities/{pid}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert api.get(f"/api/v1/priorities?precinct_id={precinct}").json() == []
    assert (
        len(api.get(f"/api/v1/priorities?precinct_id={precinct}&include_closed=true").json()) == 1
    )
    again = _post(api, f"/api/v1/priorities/{pid}/close")
    assert again.status_code == 409 and again.json()["code"] == "closed"


def test_refusals_in_the_one_error_body(place):
    precinct = place.territory.precinct_a.pk
    api = _api(place.personas.head)
    bad = _post(api, "/api/v1/priorities", {"precinct_id": precinct, "issue": " ",
                                            "since": "2999-01-01"})  # fmt: skip
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"issue", "since"}
    malformed = _post(api, "/api/v1/priorities", {"precinct_id": precinct, "since": "soon"})
    assert malformed.status_code == 400 and malformed.json()["code"] == "invalid_input"
    foreign = {"precinct_id": precinct, "issue": "Чужой", "since": "2026-01-01"}
    outsider = _post(_api(place.personas.outsider), "/api/v1/priorities", foreign)
    assert outsider.status_code == 403 and set(outsider.json()) == {"code", "detail", "errors"}
    other = _api(place.other_inspector).get(f"/api/v1/priorities?precinct_id={precinct}")
    assert other.status_code == 403
    assert Client().get(f"/api/v1/priorities?precinct_id={precinct}").status_code == 401
    assert api.get("/api/v1/priorities?precinct_id=999999").json()["code"] == "not_found"
    assert not Priority.objects.exists()


def test_themes_raised_for_staff(place):
    appeal_in_district_a(category_code="noise")
    body = (
        _api(place.deputy)
        .get(f"/api/v1/priorities/themes?precinct_id={place.territory.precinct_a.pk}")
        .json()
    )
    assert body["themes"][0]["theme"] == "noise" and body["themes"][0]["appeals"] == 1
