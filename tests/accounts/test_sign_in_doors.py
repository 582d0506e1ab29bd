"""Password guessing is not free: every sign-in door locks, audits, and can be unlocked."""

import pytest
from django.core.management import call_command
from django.test import Client

from precinct.audit.models import AuditEntry
from tests import factories

TOKEN = "/api/v1/auth/token"


def _token(client, username, password, address="192.0.2.10"):
    return client.post(
        TOKEN,
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def _web(client, door, username, password, address="192.0.2.10"):
    return client.post(door, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def limit(settings):
    return settings.AXES_FAILURE_LIMIT


def test_api_token__locked_after_the_limit_even_for_the_right_password(client, personas, limit):
    for _ in range(limit):
        assert _token(client, "head", "wrong").status_code in (401, 429)
    response = _token(client, "head", factories.PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "sign_in_locked"
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize("door", ["/accounts/login/", "/admin/login/"])
def test_web_doors__locked_after_the_limit(personas, limit, door):
    client = Client()
    for _ in range(limit):
        _web(client, door, "admin", "wrong")
    response = _web(client, door, "admin", factories.PASSWORD)
    assert response.status_code == 429
    assert "<html" in response.content.decode().lower()  # the site's page, not a bare text
    assert "_auth_user_id" not in client.session


def test_the_account_is_locked_from_every_address(client, personas, limit):
    for i in range(limit):
        _token(client, "head", "wrong", address=f"198.51.100.{i}")
    assert _token(client, "head", factories.PASSWORD, address="203.0.113.9").status_code == 429


def test_one_address_guessing_many_accounts_is_locked(client, personas, limit):
    for name in ["inspector", "patrol", "operator", "analyst", "admin", "head"][:limit]:
        _token(client, name, "wrong", address="198.51.100.77")
    assert _token(client, "head", factories.PASSWORD, address="198.51.100.77").status_code == 429
    # Another address is not punished for it (the accounts had one failure each).
    assert _token(client, "head", factories.PASSWORD, address="203.0.113.5").status_code == 200


def test_an_operator_unlocks_an_account(client, personas, limit):
    for i in range(limit):
        _token(client, "head", "wrong", address=f"198.51.100.{i}")
    call_command("axes_reset_username", "head")
    assert _token(client, "head", factories.PASSWORD, address="203.0.113.9").status_code == 200


def test_sign_ins_and_failures_are_audited(personas):
    client = Client()
    _web(client, "/accounts/login/", "inspector", "wrong")
    _web(client, "/accounts/login/", "nobody-here", "hunter2")
    _web(client, "/accounts/login/", "inspector", factories.PASSWORD)
    _token(client, "inspector", factories.PASSWORD)
    client.post("/accounts/logout/")
    entries = AuditEntry.objects.order_by("pk")
    failed = entries.filter(action=AuditEntry.Action.SIGN_IN_FAILED)
    assert [(e.subject_id, e.context) for e in failed] == [
        (str(personas.inspector.pk), "web"),
        ("", "web, unknown username"),
    ]
    assert not entries.filter(context__contains="nobody-here").exists()
    assert not entries.filter(subject_id="nobody-here").exists()
    signed_in = entries.filter(action=AuditEntry.Action.SIGN_IN).values_list("context", flat=True)
    assert list(signed_in) == ["web", "api token"]
    assert entries.filter(action=AuditEntry.Action.SIGN_OUT, actor=personas.inspector).exists()
