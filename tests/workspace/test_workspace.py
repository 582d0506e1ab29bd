"""The inspector's workspace on the small territory: what it shows, to whom, page and API."""

import re

import pytest
from django.test import Client
from django.utils import translation

from precinct.audit.models import AuditEntry
from precinct.workspace import selectors
from tests.factories import PASSWORD
from tests.workspace.builders import CALL_PLACE, RECEPTION_PLACE, build_inspector_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(settings, tmp_path):
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    return build_inspector_world(settings.PRECINCT_NETWORK_DIR)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(user) -> Client:
    token = Client().post(
        "/api/v1/auth/token", {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]  # fmt: skip
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_page__his_precinct_appeals_by_due_date_calls_receptions_and_figures(w):
    response = signed_in(w.inspector).get("/workspace/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("ru"):
        assert str(w.precinct) in html
    # His open appeals, the overdue first, each linked to the staff appeal page; the
    # answered one is no longer his work.
    first = html.index(w.overdue.registration_number)
    assert first < html.index(w.due_later.registration_number)
    assert f'href="/appeals/staff/{w.overdue.pk}/"' in html
    assert w.answered.registration_number not in html
    # The call placed in his precinct, not the one beside it; never the caller's phone.
    assert f'data-incident="{w.call_inside.pk}"' in html
    assert f'data-incident="{w.call_beside.pk}"' not in html
    assert CALL_PLACE in html and "+7 705 111 22 33" not in html
    assert RECEPTION_PLACE in html
    assert "УПП «Самал»" in html and 'id="map"' in html
    # The posts card of the neighbourhood page (one include): a post without published
    # hours says so, as residents read it.
    assert '<ul class="ws-list ws-posts">' in html
    unpublished = re.search(r'<li data-post="\d+"><strong>УПП «План»</strong>.*?</li>', html, re.S)
    assert "Часы работы: не опубликованы" in unpublished.group(0)
    # The map script gets the boundary and posts (GeoJSON and points, not personal data).
    assert 'id="workspace-map"' in html and '"Polygon"' in html


def test_page__reading_a_calls_place_is_audited(w):
    signed_in(w.inspector).get("/workspace/")
    read = AuditEntry.objects.filter(
        actor=w.inspector, action=AuditEntry.Action.READ, subject_type="dispatch.incident"
    )
    assert [(e.subject_id, e.fields) for e in read] == [(str(w.call_inside.pk), ["place"])]


def test_figures__the_precinct_against_the_city(w):
    precinct = selectors.precinct_for(user=w.inspector, precinct_id=None)
    figures = selectors.precinct_workspace(user=w.inspector, precinct=precinct)["figures"]
    # One appeal answered on the day it came: on time; the walking grid covers posts.
    assert figures["appeals_on_time"] == {"precinct": 1.0, "city": 1.0}
    assert figures["answered"] == 1
    assert figures["calls"] == 1
    # One arrival is below the smallest sample a median is shown for.
    assert figures["arrival_minutes_p50"] == {"precinct": None, "city": None}
    # Two of the three blocks of residents live within 15 minutes of an open post.
    assert figures["coverage"]["precinct"] == pytest.approx(2 / 3)
    assert figures["coverage"]["city"] == pytest.approx(2 / 3)


@pytest.mark.parametrize("language, words", [
    ("ru", ["Обращения, порученные мне", "Участок и город"]),
    ("kk", ["Маған тапсырылған өтініштер", "Учаске мен қала"]),
    ("en", ["Appeals assigned to me", "The precinct against the city"]),
])  # fmt: skip
def test_page__in_the_readers_language(w, language, words):
    client = signed_in(w.inspector)
    client.cookies["django_language"] = language
    html = client.get("/workspace/").content.decode()
    for word in words:
        assert word in html


def test_another_precinct__refused_with_the_sites_403_page(w):
    response = signed_in(w.inspector).get(f"/workspace/precincts/{w.far_precinct.pk}/")
    assert response.status_code == 403
    assert 'class="site-header"' in response.content.decode()


def test_his_own_precinct_by_address__shown(w):
    response = signed_in(w.inspector).get(f"/workspace/precincts/{w.precinct.pk}/")
    assert response.status_code == 200


def test_head__looks_into_a_precinct_of_his_department_without_an_appeals_list(w):
    response = signed_in(w.head).get(f"/workspace/precincts/{w.precinct.pk}/")
    assert response.status_code == 200
    assert 'id="ws-appeals"' not in response.content.decode()


def test_inspector_without_a_precinct__told_so_inside_the_site(w):
    response = signed_in(w.stranger).get("/workspace/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "You serve no precinct today" in response.content.decode()


def test_unknown_precinct__404(w):
    assert signed_in(w.head).get("/workspace/precincts/999999/").status_code == 404


def test_head_page__queue_receptions_scorecard_and_precincts(w):
    response = signed_in(w.head).get("/workspace/department/")
    assert response.status_code == 200
    html = response.content.decode()
    department_id = w.precinct.department_id
    assert f'href="/appeals/staff/?department={department_id}"' in html
    assert f'href="/evaluation/departments/{department_id}/"' in html
    assert f'href="/workspace/precincts/{w.precinct.pk}/"' in html
    assert RECEPTION_PLACE in html
    assert '<dd data-figure="open_overdue">1</dd>' in html


# --- the API ----------------------------------------------------------------------------


def test_api__the_same_content_for_the_tokens_officer(w):
    response = bearer(w.inspector).get("/api/v1/workspace")
    assert response.status_code == 200
    body = response.json()
    assert body["precinct"]["id"] == w.precinct.pk
    assert [a["registration_number"] for a in body["appeals"]] == [
        w.overdue.registration_number, w.due_later.registration_number,
    ]  # fmt: skip
    assert body["appeals"][0]["overdue"] is True
    assert [c["id"] for c in body["calls"]] == [w.call_inside.pk]
    assert "caller_phone" not in body["calls"][0]
    assert body["receptions"][0]["place"] == RECEPTION_PLACE
    assert body["figures"]["appeals_on_time"]["precinct"] == 1.0
    assert {p["name"] for p in body["precinct"]["posts"]} >= {"УПП «Самал»", "УПП «Достык»"}


def test_api__another_precinct_refused_in_the_error_body(w):
    response = bearer(w.inspector).get(f"/api/v1/workspace?precinct_id={w.far_precinct.pk}")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_api__no_precinct_is_a_404_that_says_so(w):
    response = bearer(w.stranger).get("/api/v1/workspace")
    assert response.status_code == 404
    assert response.json()["code"] == "no_precinct"


def test_api__without_a_token_401(w):
    assert Client().get("/api/v1/workspace").status_code == 401


def test_api__documented_in_the_openapi_document(w):
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/workspace"]["get"]
    assert set(operation["responses"]) >= {"200", "401", "403", "404"}
    assert "WorkspaceOut" in schema["components"]["schemas"]
