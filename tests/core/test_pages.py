"""The public pages render in every language; staff sign in on the web; the admin is closed."""

import pytest
from django.test import Client

from precinct.accounts.landing import start_page
from tests import factories


@pytest.mark.parametrize("path", ["/", "/data/"])
def test_public_page__renders_in_russian_by_default(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="ru">' in response.content.decode()


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_home__language_cookie__sets_html_lang(db, language):
    browser = Client()
    browser.cookies["django_language"] = language
    response = browser.get("/")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


@pytest.mark.parametrize("language", ["kk", "en"])
def test_home__accept_language_header__sets_html_lang(client, db, language):
    response = client.get("/", headers={"Accept-Language": f"{language},ru;q=0.5"})
    assert f'<html lang="{language}">' in response.content.decode()


def test_language_switch__remembers_choice(client, db):
    response = client.post("/i18n/setlang/", {"language": "kk", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="kk">' in client.get("/").content.decode()


def test_home__with_territory__renders(client, territory):
    assert client.get("/").status_code == 200


def test_login_page__renders_form(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html


def test_header__anonymous__offers_staff_sign_in(client, db):
    assert 'href="/accounts/login/"' in client.get("/").content.decode()


@pytest.mark.parametrize("persona", ["inspector", "head", "analyst"])
def test_staff_sign_in__with_password__header_shows_username(personas, persona):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/accounts/login/")
    token = page.cookies["csrftoken"].value
    response = browser.post(
        "/accounts/login/",
        {"username": persona, "password": factories.PASSWORD, "csrfmiddlewaretoken": token},
        follow=True,
    )
    # Each role lands on its own start page (tests/accounts/test_landing.py).
    assert response.redirect_chain[-1][0] == start_page(getattr(personas, persona))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<span class="who">{persona} ·' in html
    assert 'href="/accounts/login/"' not in html


def test_staff_sign_in__wrong_password__stays_on_form(client, personas):
    response = client.post("/accounts/login/", {"username": "head", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_staff_sign_in__deactivated__refused(client, personas):
    personas.head.is_active = False
    personas.head.save(update_fields=["is_active"])
    client.post("/accounts/login/", {"username": "head", "password": factories.PASSWORD})
    assert "_auth_user_id" not in client.session


def test_sign_out__ends_session(client, personas):
    client.force_login(personas.head)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_admin__anonymous__redirected_to_sign_in(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin__administrator__gets_in(client, personas):
    client.force_login(personas.admin)
    assert client.get("/admin/").status_code == 200


def test_admin__account_without_staff_flag__redirected(client, db):
    plain = factories.User.objects.create_user(username="plain", password=factories.PASSWORD)
    client.force_login(plain)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
