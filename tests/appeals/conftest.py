"""Appeals fixtures: the small territory, its personas, and officers behind the accounts."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from precinct.accounts.models import User
from precinct.territory.models import Officer
from tests import factories

SRC = str(Path(__file__).resolve().parents[2] / "src")


@dataclass
class World:
    """Territory, personas and the officers of district A behind the inspector and head."""

    t: factories.Territory
    p: factories.Personas
    inspector_officer: Officer
    head_officer: Officer
    other_inspector: Officer


@pytest.fixture
def world(territory, personas) -> World:
    inspector_officer = factories.inspector_of(territory.precinct_a, "Ахметов")
    head_officer = factories.officer(territory.district_a, Officer.Role.HEAD, "Бекова")
    other = factories.officer(territory.district_b, Officer.Role.INSPECTOR, "Сериков")
    User.objects.filter(pk=personas.inspector.pk).update(officer=inspector_officer)
    User.objects.filter(pk=personas.head.pk).update(officer=head_officer)
    personas.inspector.refresh_from_db()
    personas.head.refresh_from_db()
    return World(territory, personas, inspector_officer, head_officer, other)


POINT_A = {"lat": 43.24, "lon": 76.90}  # inside precinct 1 of district A
POINT_B = {"lat": 43.24, "lon": 76.94}  # district B (no precinct drawn)


def appeal_payload(**extra) -> dict:
    base = {
        "type": "request",
        "text": "Во дворе по ночам шумят, просим принять меры.",
        "category": "noise",
        **POINT_A,
        "contact": {
            "name": "Айгуль Сапарова",
            "phone": "+7 701 234 56 78",
            "email": "a@example.kz",
        },
    }
    return {**base, **extra}


def database_url() -> str:
    """The URL of the test database, for processes started by the test."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(**extra) -> dict:
    """Environment of a child process: this worktree's code on the test database."""
    path = os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {**os.environ, "PYTHONPATH": path, "DATABASE_URL": database_url(), **extra}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, **env) -> subprocess.Popen:
    """The production server as a real process, waiting until it answers."""
    log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "precinct.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
            "--no-control-socket",  # gunicorn's default socket is shared by every checkout
        ],
        env=child_env(**env),
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,  # its own process group: a test kills master and workers
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                proc.log = log
                return proc
        except OSError:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(log.read().decode(errors="replace")) from None
            time.sleep(0.1)
    os.killpg(proc.pid, 9)
    raise RuntimeError("gunicorn did not start")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Attachments written by tests go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _categories(request):
    """The default categories (a data migration); transactional tests flush them, so re-add."""
    if "django_db_setup" not in request.fixturenames and not any(
        m.name == "django_db" for m in request.node.iter_markers()
    ):
        return
    request.getfixturevalue("_django_db_helper")
    from importlib import import_module

    from django.apps import apps

    from precinct.appeals.models import Category

    if not Category.objects.exists():
        import_module("precinct.appeals.migrations.0002_default_categories").add(apps, None)
