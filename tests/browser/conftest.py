"""Fixtures of the browser tests: Debian's chromium driven by Playwright, and data.

REPLACEABLE: ``locate_territory`` builds the small test territory of tests/territory.
When the demo builder lands, swap its body for ``precinct demo build`` on
tests/fixtures/almaty_cut.osm.pbf (and pick ``ADDRESS`` / ``INSPECTOR`` from that data).
"""

import os

import pytest

from tests.territory import builders

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
# beside one unless told the test thread is safe (it is: nothing else uses it).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]  # fmt: skip


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page (own cookies) that fails the test on any JavaScript error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture
def locate_territory(transactional_db, settings, tmp_path):
    """A precinct with an inspector, open posts, addresses and a walking network."""
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    return builders.build_small_territory(settings.PRECINCT_NETWORK_DIR)
