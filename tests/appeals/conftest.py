"""Appeals fixtures: the small territory, its personas, and officers behind the accounts."""

from dataclasses import dataclass

import pytest

from precinct.accounts.models import User
from precinct.territory.models import Officer
from tests import factories


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
