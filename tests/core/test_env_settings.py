"""Configuration comes from the environment and a bad value stops the process at start-up."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from precinct.core.env import env_bool, env_float, env_int, env_list, env_str

SRC = Path(__file__).resolve().parents[2] / "src"

# --- the typed helpers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *[("1", True), ("true", True), (" Yes ", True), ("ON", True)],
        *[("0", False), ("false", False), ("no", False), ("off", False), ("", False)],
    ],
)
def test_env_bool__accepts_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("DEBUG", raw)
    assert env_bool("DEBUG", not expected) is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "y e s"])
def test_env_bool__bad_value__names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("DEBUG", raw)
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", False)


def test_env_bool__unset__gives_default(monkeypatch):
    monkeypatch.delenv("DEBUG", raising=False)
    assert env_bool("DEBUG", True) is True


@pytest.mark.parametrize(
    ("raw", "why"), [("-1", "at least 0"), ("sixty", "whole number"), ("1.5", "whole number")]
)
def test_env_int__bad_value__names_the_variable(monkeypatch, raw, why):
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", raw)
    with pytest.raises(ImproperlyConfigured, match=f"DATABASE_CONN_MAX_AGE.*{why}"):
        env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)


def test_env_int__good_value_and_default(monkeypatch):
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "0")
    assert env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0) == 0
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE")
    assert env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0) == 60


@pytest.mark.parametrize("raw", ["0", "-4.5", "fast", "nan", "inf"])
def test_env_float__bad_walking_speed__names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("PRECINCT_WALK_SPEED_KMH", raw)
    with pytest.raises(ImproperlyConfigured, match="PRECINCT_WALK_SPEED_KMH"):
        env_float("PRECINCT_WALK_SPEED_KMH", 4.5, positive=True)


def test_env_float__good_value(monkeypatch):
    monkeypatch.setenv("PRECINCT_WALK_SPEED_KMH", "5.2")
    assert env_float("PRECINCT_WALK_SPEED_KMH", 4.5, positive=True) == 5.2


def test_env_str__required_and_missing__names_the_variable(monkeypatch):
    monkeypatch.delenv("PRECINCT_SOMETHING_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="PRECINCT_SOMETHING_REQUIRED"):
        env_str("PRECINCT_SOMETHING_REQUIRED")


def test_env_list__splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " police.kz, ,www.police.kz,")
    assert env_list("ALLOWED_HOSTS", []) == ["police.kz", "www.police.kz"]


# --- the settings module, imported in a fresh process -----------------------------------


def _start_django(**env: str) -> subprocess.CompletedProcess:
    """Import the settings as a server would at start-up, with extra environment variables."""
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ.update(
        DJANGO_SETTINGS_MODULE="precinct.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), environ.get("PYTHONPATH")])),
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('configured')"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_settings__good_environment__starts(tmp_path):
    result = _start_django(PRECINCT_VAR_DIR=str(tmp_path), DEBUG="0")
    assert result.returncode == 0, result.stderr
    assert "configured" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_CONN_MAX_AGE", "-1"),
        ("PRECINCT_WALK_SPEED_KMH", "0"),
        ("DATABASE_URL", "mysqlx://db.local/precinct"),
        ("DATABASE_REPLICA_URL", "mysqlx://db.local/precinct"),
        # A replica of another kind than the primary (SQLite here) cannot be one.
        ("DATABASE_REPLICA_URL", "postgres://replica.local/precinct"),
        ("PRECINCT_API_TOKEN_DAYS", "0"),
    ],
)
def test_settings__bad_variable__stops_start_up_naming_it(tmp_path, variable, value):
    result = _start_django(PRECINCT_VAR_DIR=str(tmp_path), **{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


def _databases(**env: str) -> dict:
    """settings.DATABASES as a fresh process reads it from the environment."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    environ.update(
        DJANGO_SETTINGS_MODULE="precinct.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), environ.get("PYTHONPATH")])),
        **env,
    )
    code = "import json; from django.conf import settings; print(json.dumps(settings.DATABASES))"
    result = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_settings__replica_url__adds_the_replica_alias_mirrored_in_tests(tmp_path):
    databases = _databases(
        PRECINCT_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://app@primary.local:5432/precinct",
        DATABASE_REPLICA_URL="postgres://reader@replica.local:5433/precinct",
        DATABASE_CONN_MAX_AGE="30",
    )
    replica = databases["replica"]
    assert replica["ENGINE"] == databases["default"]["ENGINE"]
    assert (replica["HOST"], replica["PORT"], replica["USER"]) == ("replica.local", 5433, "reader")
    assert replica["CONN_MAX_AGE"] == 30
    assert replica["TEST"] == {"MIRROR": "default"}


def test_settings__without_replica_url__one_database(tmp_path):
    assert list(_databases(PRECINCT_VAR_DIR=str(tmp_path))) == ["default"]


def test_settings__production_without_secret_key__refuses_to_start(tmp_path):
    result = _start_django(PRECINCT_VAR_DIR=str(tmp_path), DEBUG="0", PRECINCT_REQUIRE_SECRET="1")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


# --- health check -----------------------------------------------------------------------


def test_healthz__answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_tests_find_the_shared_data_where_the_settings_do(settings):
    from tests.shared_data import SHARED_DATA

    assert SHARED_DATA == settings.SHARED_DATA_DIR
