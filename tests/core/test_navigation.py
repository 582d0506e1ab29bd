"""The resident's path is in the header of every page and every link on it opens."""

import re

import pytest
from django.test import Client
from django.urls import reverse

# The resident's path, in the order of the header.
RESIDENT_PATH = [
    "territory:locate",
    "neighbourhoods:national",
    "appeals:new",
    "appeals:track-lookup",
    "receptions:list",
    "appeals:proposals",
    "appeals:statistics",
    "surveys:index",
]


def _nav_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="resident-nav".*?</nav>', html, re.S).group(0)
    return re.findall(r'href="([^"]+)"', nav)


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_header__every_resident_page_shows_the_whole_path(territory, language):
    browser = Client(headers={"Accept-Language": language})
    expected = [reverse(name) for name in RESIDENT_PATH]
    for page in ["home", "data-sources", *RESIDENT_PATH]:
        response = browser.get(reverse(page))
        assert response.status_code == 200, page
        html = response.content.decode()
        assert _nav_links(html) == expected, page
        assert reverse("accounts:login") in html  # staff sign-in
        assert f'<html lang="{language}">' in html


def test_header__marks_the_current_page(territory):
    html = Client().get(reverse("appeals:proposals")).content.decode()
    assert re.search(r'href="/appeals/proposals/" aria-current="page"', html)
    assert html.count('aria-current="page"') == 1


def test_header__language_switch_returns_to_the_same_page(territory):
    browser = Client()
    page = reverse("appeals:new") + "?lat=43.25&lon=76.95"
    html = browser.get(page).content.decode()
    assert 'name="next" type="hidden" value="/appeals/new/?lat=43.25&amp;lon=76.95"' in html
    response = browser.post(reverse("set_language"), {"language": "kk", "next": page})
    assert response.status_code == 302 and response["Location"] == page


def test_header__staff_sign_in_for_visitors_sign_out_for_staff(personas):
    html = Client().get("/").content.decode()
    assert reverse("accounts:login") in html and reverse("accounts:logout") not in html
    staff = Client()
    staff.force_login(personas.inspector)
    html = staff.get("/").content.decode()
    assert reverse("accounts:logout") in html and reverse("appeals:staff-queue") in html
