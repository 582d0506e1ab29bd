"""Schemathesis against the OpenAPI document, on the real server: every operation answers
what the document declares, and never a server error.

Bounded: a few generated requests per operation, so the whole run stays under two
minutes. It runs twice, as an anonymous caller and with an administrator's token (the
widest scope), against gunicorn on the test database (SQLite, or PostgreSQL with
DATABASE_URL), through schemathesis's own command line.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests import factories
from tests.dispatch.builders import write_grids
from tests.processes import free_port, kill_server, start_gunicorn

# No server error, a declared status, a declared content type and a body and headers
# that match the declared schema.
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance,response_headers_conformance"
)
EXAMPLES_PER_OPERATION = 4


@pytest.fixture
def server(personas, tmp_path):
    """gunicorn on the test database, with a small road network (no 503 for a missing one)."""
    write_grids(tmp_path / "network")
    port = free_port()
    proc = start_gunicorn(
        port,
        "--threads",
        "4",
        PRECINCT_NETWORK_DIR=str(tmp_path / "network"),
        PRECINCT_MEDIA_DIR=str(tmp_path / "media"),
        # Sign-in lockout and the appeal limit answer 429 (declared); keep them short.
        PRECINCT_SIGN_IN_LOCK_MINUTES="1",
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        kill_server(proc)


def _token(user) -> str:
    response = Client().post(
        "/api/v1/auth/token",
        {"username": user.username, "password": factories.PASSWORD},
        content_type="application/json",
    )
    return response.json()["token"]


def _schemathesis(base: str, tmp_path: Path, *headers: str) -> subprocess.CompletedProcess:
    st = Path(sys.executable).with_name("st")
    args = [
        str(st), "run", f"{base}/api/v1/openapi.json",
        "--checks", CHECKS,
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", str(EXAMPLES_PER_OPERATION),
        "--seed", "13",
        "--workers", "1",  # CPython 3.11.7 ast is not thread-safe (hypothesis parses lambdas)
        "--no-shrink",
        "--request-timeout", "60",
        "--suppress-health-check", "all",
        "--output-truncate", "true",
    ]  # fmt: skip
    for header in headers:
        args += ["--header", header]
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env)


@pytest.mark.django_db(transaction=True)
def test_openapi__anonymous_and_staff__no_server_error_no_schema_violation(
    server, personas, tmp_path
):
    token = _token(personas.admin)
    for headers in ((), (f"Authorization: Bearer {token}",)):
        run = _schemathesis(server, tmp_path, *headers)
        who = "staff" if headers else "anonymous"
        assert run.returncode == 0, f"{who}:\n{run.stdout[-12000:]}\n{run.stderr[-2000:]}"
