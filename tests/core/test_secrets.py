"""No deployment runs on a known key: keys are given, or generated once and kept private."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from precinct.core import secrets
from tests.core.test_env_settings import _start_django

SRC = Path(__file__).resolve().parents[2] / "src"
STRONG = "k3y-" + "x7Qz9" * 12


def _check_deploy(var_dir: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    environ.update(
        DJANGO_SETTINGS_MODULE="precinct.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), environ.get("PYTHONPATH")])),
        PRECINCT_VAR_DIR=str(var_dir),
        DEBUG="0",
        **env,
    )
    code = "import sys, django; from django.core.management import call_command; django.setup()\n"
    code += "call_command('check', deploy=True, tags=['security'])"
    return subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, timeout=120
    )


def test_without_a_key__one_is_generated_once_and_kept_private(tmp_path):
    first = _start_django(PRECINCT_VAR_DIR=str(tmp_path), DEBUG="0")
    assert first.returncode == 0, first.stderr
    for name in ("secret_key", "hash_key"):
        path = tmp_path / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert secrets.weakness(path.read_text().strip()) is None
    kept = (tmp_path / "secret_key").read_text()
    assert _start_django(PRECINCT_VAR_DIR=str(tmp_path), DEBUG="0").returncode == 0
    assert (tmp_path / "secret_key").read_text() == kept  # restarts keep sessions valid
    assert (tmp_path / "hash_key").read_text() != kept


def test_two_processes_racing_for_the_first_key_agree(tmp_path):
    path = tmp_path / "secret_key"
    secrets._create(path)
    kept = path.read_text()
    secrets._create(path)  # the loser of a race: its draft is dropped, the key stays
    assert path.read_text() == kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]


def test_check_deploy_fails_on_a_weak_key(tmp_path):
    result = _check_deploy(tmp_path, SECRET_KEY="short", PRECINCT_HASH_KEY=STRONG)
    assert result.returncode != 0
    assert "precinct.E001" in result.stderr and "SECRET_KEY is weak" in result.stderr


def test_check_deploy_fails_on_the_old_development_key(tmp_path):
    old = "precinct-insecure-development-key-change-me-in-production"
    result = _check_deploy(tmp_path, SECRET_KEY=old, PRECINCT_HASH_KEY=STRONG)
    assert result.returncode != 0 and "publicly known" in result.stderr


def test_check_deploy_fails_when_the_hash_key_is_the_secret_key(tmp_path):
    result = _check_deploy(tmp_path, SECRET_KEY=STRONG, PRECINCT_HASH_KEY=STRONG)
    assert result.returncode != 0 and "precinct.E002" in result.stderr


def test_check_deploy_fails_on_a_key_file_others_can_read(tmp_path):
    assert _start_django(PRECINCT_VAR_DIR=str(tmp_path), DEBUG="0").returncode == 0
    (tmp_path / "hash_key").chmod(0o644)
    result = _check_deploy(tmp_path)
    assert result.returncode != 0 and "precinct.E003" in result.stderr


def test_check_deploy_accepts_generated_keys(tmp_path):
    result = _check_deploy(tmp_path)
    assert "precinct.E00" not in result.stderr, result.stderr


def test_an_empty_key_in_the_environment_stops_start_up(tmp_path):
    result = _start_django(PRECINCT_VAR_DIR=str(tmp_path), SECRET_KEY="")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("a" * 60, "different characters"),
        ("x" * 10, "fewer than 50"),
        ("django-insecure-" + "q" * 50, "known"),
    ],
)
def test_weakness_says_why(key, why):
    assert why in secrets.weakness(key)
