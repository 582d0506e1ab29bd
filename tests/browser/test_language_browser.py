"""One language per page in a real browser: what scripts add (map controls, results drawn
by htmx) is checked too, on the resident's pages in Russian and Kazakh."""

import pytest
from playwright.sync_api import expect

from tests.core.test_one_language import english_words
from tests.territory.builders import INSPECTOR

RESIDENT_PAGES = [
    "/",
    "/territory/locate/",
    "/appeals/new/",
    "/appeals/track/",
    "/receptions/",
    "/appeals/proposals/",
    "/appeals/statistics/",
    "/surveys/",
]


@pytest.mark.browser
@pytest.mark.parametrize("language", ["ru", "kk"])
def test_resident_pages__no_english_word_after_scripts_ran(
    live_server, locate_territory, page, language
):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    found = {}
    for path in RESIDENT_PAGES:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        words = english_words(page.content())
        if words:
            found[path] = sorted(words)
    # The locate result, drawn into the page by htmx after a tap on the map's point.
    page.goto(f"{live_server.url}/territory/locate/?lat=43.2375&lon=76.941")
    page.wait_for_load_state("networkidle")
    if page.locator("#result .locate-result").count() == 0:
        page.evaluate(
            "htmx.ajax('GET', '/territory/locate/result/?lat=43.2375&lon=76.941', "
            "{target: '#result', swap: 'innerHTML'})"
        )
    expect(page.locator("#result")).to_contain_text(" ".join(INSPECTOR))
    words = english_words(page.content())
    if words:
        found["locate result"] = sorted(words)
    assert found == {}
