"""The resident's front door in a real browser: phone and desktop, ru, kk and en.

From the home page every link of the resident's path opens its page; no page is wider
than the screen; nothing is logged as an error; axe-core finds no serious or critical
violation (the maps are left to their own tests: they are being replaced). Set
PRECINCT_SCREENSHOT_DIR to keep a picture of every page.
"""

import os
from importlib import import_module
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.territory.builders import INSPECTOR

AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # axe-core, MPL-2.0 (see its LICENSE)
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
LANGUAGES = ["ru", "kk", "en"]
# The header's resident path, in its order, and where each link leads.
RESIDENT_PATH = [
    "/territory/locate/",
    "/neighbourhoods/",
    "/appeals/new/",
    "/appeals/track/",
    "/receptions/",
    "/appeals/proposals/",
    "/appeals/statistics/",
    "/surveys/",
]
SERIOUS_VIOLATIONS = """async () => {
  const result = await axe.run({ exclude: [[".map"]] }, { resultTypes: ["violations"] });
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""


@pytest.fixture
def resident_site(locate_territory):
    """The small territory, and the appeal categories a flushed database lost."""
    from django.apps import apps

    from precinct.appeals.models import Category

    if not Category.objects.exists():
        import_module("precinct.appeals.migrations.0002_default_categories").add(apps, None)
    return locate_territory


@pytest.fixture
def visit(browser, live_server):
    """Opens a resident's tab in one language and size; fails on any error it logs."""
    opened = []

    def open_tab(language: str, viewport: str):
        # The site's Content-Security-Policy refuses inline script, axe-core is injected.
        context = browser.new_context(
            viewport=VIEWPORTS[viewport], locale=f"{language}-KZ", bypass_csp=True
        )
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))
        page.on("console", lambda m: _is_problem(m) and problems.append(f"{page.url}: {m.text}"))
        opened.append((context, problems))
        return page

    yield open_tab
    for context, problems in opened:
        context.close()
        assert not problems, problems


# Asked for on purpose: the browser logs the 404 of the page itself as an error.
MISSING = "/no-such-page/"


def _is_problem(message) -> bool:
    return message.type == "error" and not message.location.get("url", "").endswith(MISSING)


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _serious_violations(page) -> list[str]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(SERIOUS_VIOLATIONS)


def _screenshot(page, tmp_path: Path, name: str) -> None:
    directory = Path(os.environ.get("PRECINCT_SCREENSHOT_DIR", tmp_path))
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=directory / name, full_page=True)


def _check_page(page, language: str, name: str, tmp_path: Path) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert _overflow(page) <= 0, f"{page.url} is {_overflow(page)} px wider than the screen"
    assert _serious_violations(page) == [], page.url
    _screenshot(page, tmp_path, name)


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_front_door__home_then_every_link_of_the_resident_path(
    live_server, resident_site, visit, tmp_path, viewport, language
):
    page = visit(language, viewport)
    page.goto(f"{live_server.url}/")
    _check_page(page, language, f"{viewport}-{language}-home.png", tmp_path)
    menu = page.locator("#site-menu > summary")
    for number, address in enumerate(RESIDENT_PATH, start=1):
        link = page.locator(f".resident-nav a[href='{address}']")
        if viewport == "phone":  # the links are folded into the menu
            expect(link).to_be_hidden()
            menu.click()
        else:
            expect(menu).to_be_hidden()
        link.click()
        page.wait_for_url(f"{live_server.url}{address}")
        page.wait_for_load_state("load")
        expect(page.locator(".resident-nav a[aria-current=page]")).to_have_attribute(
            "href", address
        )
        _check_page(page, language, f"{viewport}-{language}-{number}.png", tmp_path)
    page.goto(f"{live_server.url}{MISSING}")
    expect(page.locator("h1")).not_to_have_text("Not Found")
    _check_page(page, language, f"{viewport}-{language}-404.png", tmp_path)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_front_door__staff_sign_in_on_every_width(live_server, resident_site, visit, viewport):
    page = visit("kk", viewport)
    page.goto(f"{live_server.url}/")
    if viewport == "phone":  # in the menu, under the resident's path
        page.locator("#site-menu > summary").click()
        page.locator(".staff-nav-menu a[href='/accounts/login/']").click()
    else:  # in the bar beside the languages
        page.locator(".staff-nav-bar a[href='/accounts/login/']").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    expect(page.locator("input[name=password]")).to_be_visible()


@pytest.mark.browser
def test_language_switch__keeps_the_half_written_appeal(live_server, resident_site, visit):
    page = visit("ru", "phone")
    page.goto(f"{live_server.url}/appeals/new/")
    page.locator("#type").select_option("request")
    page.locator("#text").fill("Во дворе ночью громкая музыка")
    page.locator("#contact_name").fill("Айгуль")
    page.locator("#lat").fill("43.238000")
    page.locator("#lon").fill("76.945000")

    page.locator(".lang-switch button[value=kk]").click()
    page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    assert page.url == f"{live_server.url}/appeals/new/"
    expect(page.locator("#type")).to_have_value("request")
    expect(page.locator("#text")).to_have_value("Во дворе ночью громкая музыка")
    expect(page.locator("#contact_name")).to_have_value("Айгуль")
    expect(page.locator("#lat")).to_have_value("43.238000")
    # Taken back once: nothing typed stays in the browser's storage.
    kept = "Object.keys(sessionStorage).filter(k => k.startsWith('precinct:'))"
    assert page.evaluate(kept) == []
    page.reload()
    expect(page.locator("#text")).to_have_value("")


@pytest.mark.browser
def test_locate__a_tap_on_the_phone_map_brings_the_result_into_sight(
    live_server, resident_site, visit
):
    page = visit("ru", "phone")
    page.goto(f"{live_server.url}/territory/locate/")
    expect(page.locator("#map")).to_have_attribute("data-ready", "1")
    result = page.locator("#result")
    assert page.evaluate("document.getElementById('result').getBoundingClientRect().top") > 844
    page.locator("#map").click()
    expect(result).to_contain_text(" ".join(INSPECTOR))
    page.wait_for_function(
        "(() => { const r = document.getElementById('result').getBoundingClientRect();"
        " return r.top >= -1 && r.top < window.innerHeight / 2; })()"
    )
    assert _serious_violations(page) == []
    # The result leads on: to the appeal form for this place, and to the head's reception.
    result.locator("a[href^='/appeals/new/?lat=']").click()
    page.wait_for_url("**/appeals/new/?lat=*")
    expect(page.locator("#lat")).not_to_have_value("")
    expect(page.locator("#department_id option:checked")).not_to_have_text("—")


@pytest.mark.browser
def test_header__keyboard_reaches_the_menu_with_a_visible_focus(live_server, resident_site, visit):
    page = visit("en", "phone")
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    summary = page.locator("#site-menu > summary")
    for _key in range(5):  # the brand, then the three languages, then the menu
        page.keyboard.press("Tab")
    expect(summary).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page.locator(".resident-nav a").first).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator(".resident-nav a").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(summary).to_be_focused()
    expect(page.locator(".resident-nav a").first).to_be_hidden()
    summary.click()
    page.mouse.click(195, 800)  # a tap on the page below the open menu closes it
    expect(page.locator(".resident-nav a").first).to_be_hidden()
