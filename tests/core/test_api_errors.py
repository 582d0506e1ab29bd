"""One error body for the whole JSON API: every refusal, from every app, is an ErrorOut."""

import pytest
from django.test import Client

from precinct.core.errors import DomainError, error_responses

pytestmark = pytest.mark.django_db

ERROR_OUT = "#/components/schemas/ErrorOut"
UNSAFE = {"post", "put", "patch", "delete"}


def _operations():
    doc = Client().get("/api/v1/openapi.json").json()
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", method, operation


def _schema_ref(response: dict) -> str | None:
    return response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")


def test_openapi__every_error_answer_of_every_operation_is_the_one_error_out():
    doc = Client().get("/api/v1/openapi.json").json()
    assert set(doc["components"]["schemas"]["ErrorOut"]["properties"]) == {
        "code",
        "detail",
        "errors",
    }
    errors_seen = 0
    for name, _method, operation in _operations():
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                errors_seen += 1
                assert _schema_ref(response) == ERROR_OUT, f"{name} {status}"
    assert errors_seen > 50  # the walk really found the declarations
    schemas = doc["components"]["schemas"]
    assert [k for k in schemas if "error" in k.lower()] == ["ErrorOut", "FieldErrorOut"]


def test_openapi__operations_declare_the_refusals_they_can_give():
    """A token-guarded operation can answer 401; one taking a body 400; a session POST 403."""
    for name, method, operation in _operations():
        declared = {int(s) for s in operation["responses"]}
        schemes = {k for s in operation.get("security", []) for k in s}
        if schemes:
            assert 401 in declared, name
        if "requestBody" in operation:
            assert 400 in declared, name
        if method in UNSAFE and "StaffSession" in schemes:
            assert 403 in declared, name  # a failed CSRF check


def _assert_error_out(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "detail", "errors"}
    assert body["code"] and body["detail"]
    assert all(set(e) == {"field", "message"} for e in body["errors"])
    if code is not None:
        assert body["code"] == code
    return body


def test_404s_of_several_apps_have_the_one_body(client, personas):
    _assert_error_out(client.get("/api/v1/evaluation/scorecards/999999"), 404, "not_found")
    _assert_error_out(client.get("/api/v1/appeals/track/no-such-code"), 404, "not_found")
    client.force_login(personas.operator)
    _assert_error_out(client.get("/api/v1/dispatch/incidents/999999"), 404, "not_found")
    client.force_login(personas.analyst)
    _assert_error_out(client.get("/api/v1/planning/siting/999999"), 404, "not_found")
    body = _assert_error_out(client.get("/api/v1/departments/999999/officers"), 404)
    assert "Department" not in body["detail"]  # Django's message names the model


def test_401s_of_several_apps_have_the_one_body(client, personas):
    _assert_error_out(client.get("/api/v1/auth/me"), 401, "unauthorized")
    _assert_error_out(client.get("/api/v1/planning/staffing"), 401, "unauthorized")
    bad_token = {"Authorization": "Bearer pct_nonsense"}
    _assert_error_out(client.get("/api/v1/dispatch/categories", headers=bad_token), 401)
    signed = client.post(
        "/api/v1/auth/token", {"username": "head", "password": "wrong"}, "application/json"
    )
    _assert_error_out(signed, 401, "invalid_credentials")


def test_403s_of_several_apps_have_the_one_body(client, personas, territory):
    client.force_login(personas.inspector)
    _assert_error_out(client.get("/api/v1/planning/staffing"), 403, "forbidden")
    roster = f"/api/v1/departments/{territory.district_a.pk}/officers"
    _assert_error_out(client.get(roster), 403, "forbidden")
    offences = f"/api/v1/integrity/departments/{territory.district_a.pk}/offences"
    _assert_error_out(client.get(offences), 403, "forbidden")
    incident = {"lat": 43.25, "lon": 76.9, "category": "theft"}
    _assert_error_out(
        client.post("/api/v1/dispatch/incidents", incident, "application/json"), 403, "forbidden"
    )


def test_a_failed_csrf_check_has_the_one_body(personas):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.analyst)
    answer = browser.post("/api/v1/planning/staffing/import", {}, "application/json")
    _assert_error_out(answer, 403, "forbidden")


def test_400s_of_several_apps_name_the_field(client, personas):
    def fields(response) -> set:
        body = _assert_error_out(response, 400)
        return {e["field"] for e in body["errors"]}

    assert "lat" in fields(client.get("/api/v1/locate", {"lat": "abc", "lon": "76.9"}))
    assert "minutes" in fields(client.get("/api/v1/planning/coverage", {"minutes": "-1"}))
    assert "text" in fields(client.post("/api/v1/appeals", {"type": "x"}, "application/json"))
    client.force_login(personas.operator)
    call = {"lat": 43.25, "lon": 76.9, "category": "no-such-category"}
    assert "category" in fields(client.post("/api/v1/dispatch/incidents", call, "application/json"))


def test_a_domain_error_of_several_fields_lists_each():
    error = DomainError.of_fields({"name": "Required.", "phone": "Not a phone."})
    assert error.field == "name"
    assert error.errors == [("name", "Required."), ("phone", "Not a phone.")]
    assert str(error) == "name: Required.; phone: Not a phone."


def test_error_responses_declares_the_one_body():
    from precinct.core.errors import ErrorOut

    assert error_responses(400, 404) == {400: ErrorOut, 404: ErrorOut}
