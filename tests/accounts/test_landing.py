"""Where each role lands after signing in (``accounts.landing.start_page``, one rule), by
the web sign-in and by the menu's "My start page"."""

import pytest
from django.test import Client

from precinct.accounts.landing import start_page
from precinct.accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def landing(territory) -> dict[str, str]:
    """Each persona's start page in the personas' territory."""
    return {
        "inspector": "/workspace/",
        "patrol": "/dispatch/board/",
        "operator": "/dispatch/",
        "head": "/workspace/department/",
        "deputy": "/workspace/department/",
        "analyst": "/evaluation/",
        "admin": "/admin/",
        "outsider": "/workspace/department/",
        "district_analyst": f"/evaluation/departments/{territory.district_a.pk}/",
        "security": f"/integrity/departments/{territory.city.pk}/",
    }


@pytest.fixture
def users(territory, personas) -> dict:
    found = {name: getattr(personas, name) for name in vars(personas)}
    found["district_analyst"] = factories.staff(
        "district-analyst", Role.ANALYST, territory.district_a
    )
    found["security"] = factories.staff("security", Role.INTERNAL_SECURITY, territory.city)
    found["deputy"] = factories.staff("deputy", Role.DEPUTY_HEAD, territory.district_a)
    return found


PERSONAS = ["inspector", "patrol", "operator", "head", "deputy", "analyst", "admin",
            "outsider", "district_analyst", "security"]  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
def test_start_page__per_role(territory, users, persona):
    assert start_page(users[persona]) == landing(territory)[persona]


def test_start_page__a_resident_starts_at_home(db):
    from django.contrib.auth.models import AnonymousUser

    assert start_page(AnonymousUser()) == "/"


@pytest.mark.parametrize("persona", PERSONAS)
def test_web_sign_in__lands_on_the_start_page(territory, users, persona):
    response = Client(REMOTE_ADDR="192.0.2.10").post(
        "/accounts/login/", {"username": users[persona].username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == landing(territory)[persona]


def test_web_sign_in__a_next_address_wins(territory, users):
    response = Client(REMOTE_ADDR="192.0.2.10").post(
        "/accounts/login/",
        {"username": "inspector", "password": factories.PASSWORD, "next": "/appeals/staff/"},
    )
    assert response.headers["Location"] == "/appeals/staff/"


@pytest.mark.parametrize("persona", ["inspector", "operator", "analyst"])
def test_menu_start_link__redirects_to_the_start_page(territory, users, persona):
    client = Client()
    client.force_login(users[persona])
    response = client.get("/accounts/start/")
    assert response.status_code == 302
    assert response.headers["Location"] == landing(territory)[persona]


def test_menu_start_link__a_resident_is_asked_to_sign_in(db):
    response = Client().get("/accounts/start/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")
