"""Hostile input gets a 400 at the door; every answer carries the security headers."""

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from tests import factories

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "precinct"


# --- NUL bytes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/locate?lat=43.25%00&lon=76.9", "lat"),
        ("/api/v1/appeals/track/AB%00CD", "path"),
        ("/api/v1/dispatch/measures?group_by=hour%00", "group_by"),
    ],
)
def test_nul_in_an_api_path_or_query__400_with_the_error_body(client, db, url, field):
    response = client.get(url)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["errors"] == [{"field": field, "message": "a NUL character is not allowed"}]


def test_nul_in_a_json_string__400(client, db):
    payload = json.dumps({"username": "head\u0000", "password": "x"})
    response = client.post("/api/v1/auth/token", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body"


def test_nul_in_an_open311_filter__open311_error_list(client, db):
    response = client.get("/open311/v2/requests.json?status=open%00")
    assert response.status_code == 400
    assert response.json() == [
        {"code": 400, "description": "status: a NUL character is not allowed"}
    ]


def test_nul_in_a_form_field__the_site_400_page(client, db):
    response = client.post("/appeals/new/", {"text": "help\x00", "name": "A"})
    assert response.status_code == 400
    assert b"<html" in response.content.lower()


def test_nul_in_a_sign_in_form__400_and_no_user_looked_up(client, db):
    response = client.post("/accounts/login/", {"username": "head\x00", "password": "x"})
    assert response.status_code == 400


def test_a_nul_byte_inside_an_uploaded_file_is_not_refused(client, db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("p.jpg", b"\xff\xd8\x00\x00binary", content_type="image/jpeg")
    response = client.post("/appeals/new/", {"text": "help", "attachments": photo})
    # The appeal form answers (other fields are missing), not the guard.
    assert b"NUL character" not in response.content and b'name="text"' in response.content


# --- request size ---------------------------------------------------------------------------


def test_a_body_beyond_the_limit__400(client, db, settings):
    big = json.dumps({"username": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    response = client.post("/api/v1/auth/token", big, content_type="application/json")
    assert response.status_code == 400


# --- headers --------------------------------------------------------------------------------


def test_every_answer_has_a_strict_content_security_policy(client, db):
    policy = client.get("/").headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1).split()
    assert "'self'" in script_src and "'unsafe-inline'" not in script_src
    assert not any(source.startswith("http") for source in script_src)  # no CDN
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_no_template_has_inline_script_the_policy_would_block():
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    offenders = [
        str(p.relative_to(TEMPLATES))
        for p in TEMPLATES.rglob("*.html")
        if inline.search(p.read_text()) or handler.search(p.read_text())
    ]
    assert offenders == []


def test_staff_pages_are_never_cached(db, personas):
    client = Client()
    client.force_login(personas.head)
    assert client.get("/appeals/staff/").headers["Cache-Control"] == "no-store"
    assert "no-store" not in (Client().get("/").headers.get("Cache-Control") or "")


def test_bearer_answers_are_never_cached(client, db, personas):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "head", "password": factories.PASSWORD},
        content_type="application/json",
    )
    token = response.json()["token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.headers["Cache-Control"] == "no-store"


def test_hsts_is_configurable(db, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get("/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"


def test_swagger_ui_is_served_locally(client, db):
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in page and "/static/ninja/swagger-ui-bundle" in page
