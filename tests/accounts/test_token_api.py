"""POST /api/v1/auth/token and GET /api/v1/auth/me: bearer tokens for API clients."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from precinct.accounts.auth import session_user
from precinct.accounts.models import ApiToken, User
from precinct.audit.models import AuditEntry
from precinct.core.hashing import token_hash
from tests import factories

TOKEN_URL = "/api/v1/auth/token"
ME_URL = "/api/v1/auth/me"


def sign_in(client, username: str, password: str = factories.PASSWORD):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json"
    )


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def head_token(client, personas) -> str:
    response = sign_in(client, "head")
    assert response.status_code == 200, response.content
    return response.json()["token"]


# --- issuing a token --------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["inspector", "patrol", "operator", "head", "analyst", "admin", "outsider"]
)
def test_token__right_password__200_with_token(client, personas, persona):
    user = getattr(personas, persona)
    response = sign_in(client, user.username)
    assert response.status_code == 200
    body = response.json()
    assert body["token"].startswith("pct_")
    assert body["token_type"] == "Bearer"
    assert body["role"] == user.role
    assert body["department_id"] == user.department_id
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert expires > timezone.now() + dt.timedelta(days=29)


REFUSED = {
    "code": "invalid_credentials",
    "detail": "Unknown username or wrong password.",
    "errors": [{"field": None, "message": "Unknown username or wrong password."}],
}


def test_token__wrong_password__401_with_message(client, personas):
    response = sign_in(client, "head", "not the password")
    assert response.status_code == 401
    assert response.json() == REFUSED
    assert not ApiToken.objects.exists()


def test_token__unknown_user__401_same_message(client, personas):
    """The answer does not tell which usernames exist."""
    response = sign_in(client, "nobody")
    assert response.status_code == 401
    assert response.json() == REFUSED


def test_token__account_without_role__401(client, db):
    User.objects.create_user(username="plain", password=factories.PASSWORD)
    response = sign_in(client, "plain")
    assert response.status_code == 401
    assert not ApiToken.objects.exists()


def test_token__deactivated_account__401(client, personas):
    personas.head.is_active = False
    personas.head.save(update_fields=["is_active"])
    assert sign_in(client, "head").status_code == 401


def test_token__malformed_json__400(client, db):
    response = client.post(TOKEN_URL, "{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ({}, {"username", "password"}),
        ({"username": "head"}, {"password"}),
        ({"password": factories.PASSWORD}, {"username"}),
    ],
)
def test_token__missing_fields__400_naming_each(client, db, body, missing):
    response = client.post(TOKEN_URL, json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    answer = response.json()
    assert answer["code"] == "invalid_input"
    assert {error["field"] for error in answer["errors"]} == missing
    for field in missing:
        assert field in answer["detail"]


def test_token__wrong_type__400_naming_field(client, db):
    body = json.dumps({"username": ["head"], "password": factories.PASSWORD})
    response = client.post(TOKEN_URL, body, content_type="application/json")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["username"]


def test_token__is_stored_hashed__raw_token_nowhere_in_database(personas, head_token):
    stored = ApiToken.objects.get(user=personas.head)
    assert stored.key_hash == token_hash(head_token)
    assert stored.key_hash != head_token
    values = [str(v) for row in ApiToken.objects.values_list() for v in row]
    assert not any(head_token in v or head_token[4:] in v for v in values)
    assert not AuditEntry.objects.filter(context__contains=head_token[4:]).exists()


def test_token__sign_in_is_audited(personas, head_token):
    entry = AuditEntry.objects.get(action=AuditEntry.Action.SIGN_IN)
    token = ApiToken.objects.get(user=personas.head)
    assert entry.actor == personas.head
    assert entry.actor_username == "head"
    assert (entry.subject_type, entry.subject_id) == ("accounts.apitoken", str(token.pk))


def test_token__failed_sign_in__issues_nothing_and_audits_the_failure(client, personas):
    sign_in(client, "head", "wrong")
    assert not ApiToken.objects.exists()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.subject_id) == (
        AuditEntry.Action.SIGN_IN_FAILED,
        None,
        str(personas.head.pk),
    )


# --- using a token ----------------------------------------------------------------------


def test_me__with_bearer_token__is_the_user(territory, personas, head_token):
    response = Client().get(ME_URL, headers=bearer(head_token))
    assert response.status_code == 200
    assert response.json() == {
        "username": "head",
        "role": "head",
        "department_id": territory.district_a.pk,
    }


def test_me__without_token__401(client, db):
    assert client.get(ME_URL).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer pct_made-up", "Bearer not-even-our-prefix", "Token pct_x", "Bearer "],
)
def test_me__unknown_or_malformed_token__401(client, personas, header):
    assert client.get(ME_URL, headers={"Authorization": header}).status_code == 401


def test_me__expired_token__401(client, personas, head_token):
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(ME_URL, headers=bearer(head_token)).status_code == 401


def test_me__revoked_token__401(client, personas, head_token):
    ApiToken.objects.update(revoked=True)
    assert client.get(ME_URL, headers=bearer(head_token)).status_code == 401


def test_me__token_of_deactivated_user__401(client, personas, head_token):
    personas.head.is_active = False
    personas.head.save(update_fields=["is_active"])
    assert client.get(ME_URL, headers=bearer(head_token)).status_code == 401


def test_me__token_of_user_whose_role_was_removed__401(client, personas, head_token):
    personas.head.role = ""
    personas.head.save(update_fields=["role"])
    assert client.get(ME_URL, headers=bearer(head_token)).status_code == 401


def test_me__web_session_of_staff__is_the_user(client, personas):
    client.force_login(personas.operator)
    response = client.get(ME_URL)
    assert response.status_code == 200
    assert response.json()["username"] == "operator"


def test_me__web_session_with_csrf_enforced__safe_get_still_works(personas):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas.operator)
    assert browser.get(ME_URL).status_code == 200


def test_me__web_session_without_role__401(client, db):
    client.force_login(User.objects.create_user(username="plain", password="x"))
    assert client.get(ME_URL).status_code == 401


def test_session_auth__unsafe_request_without_csrf_token__not_authorised(rf, personas):
    """A browser session must not authorise a cross-site POST: the API checks CSRF itself.

    (Ninja marks its views csrf_exempt, so the check has to live in the auth class.)
    """
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from ninja.errors import HttpError

    session = SessionStore()
    session.create()
    request = rf.post("/api/v1/anything", {}, content_type="application/json")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = session.session_key
    request.user = personas.admin
    try:
        result = session_user(request)
    except HttpError as exc:
        assert exc.status_code == 403
    else:
        assert result is None


def test_no_token_and_no_session__post_is_401_not_a_csrf_failure(db):
    """Someone with neither a token nor a session is told to authenticate."""
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/api/v1/dispatch/incidents", {}, content_type="application/json")
    assert response.status_code == 401


# --- the API describes itself -----------------------------------------------------------


def test_openapi__lists_locate_and_token(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/locate" in paths
    assert "/api/v1/auth/token" in paths
    assert "post" in paths["/api/v1/auth/token"]


def test_api_docs__page_renders(client, db):
    assert client.get("/api/v1/docs").status_code == 200
