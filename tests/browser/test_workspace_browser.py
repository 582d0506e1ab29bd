"""A district inspector signs in on his phone (ru, kk) and at a desk (en): he lands on his
workspace, sees his appeals (the overdue first) and his precinct on the map, the page is
no wider than the screen, nothing is logged as an error and axe-core finds no serious or
critical violation. Set PRECINCT_SCREENSHOT_DIR to keep a picture of each page."""

import os
from importlib import import_module
from pathlib import Path

import pytest
from playwright.sync_api import expect

from precinct.analytics.network.basemap import BASEMAP_FILE, read_basemap, write_basemap_tmp
from tests.factories import PASSWORD
from tests.workspace.builders import build_inspector_world

CUT = Path(__file__).resolve().parents[1] / "fixtures" / "almaty_cut.osm.pbf"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SERIOUS_VIOLATIONS = """async () => {
  const result = await axe.run({ exclude: [[".map"]] }, { resultTypes: ["violations"] });
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""
SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}
HEADINGS = {
    "ru": "Обращения, порученные мне",
    "kk": "Маған тапсырылған өтініштер",
    "en": "Appeals assigned to me",
}


@pytest.fixture
def inspector_world(transactional_db, settings, tmp_path):
    """The inspector's world, the appeal categories a flushed database lost, and the
    extract's streets for the base map."""
    from django.apps import apps

    from precinct.appeals.models import Category

    if not Category.objects.exists():
        import_module("precinct.appeals.migrations.0002_default_categories").add(apps, None)
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    world = build_inspector_world(settings.PRECINCT_NETWORK_DIR)
    basemap = write_basemap_tmp(read_basemap(CUT), Path(settings.PRECINCT_NETWORK_DIR))
    basemap.rename(Path(settings.PRECINCT_NETWORK_DIR) / BASEMAP_FILE)
    return world


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(SERIOUS_VIOLATIONS)


@pytest.mark.browser
@pytest.mark.parametrize(("language", "size"), [("ru", "phone"), ("kk", "phone"), ("en", "desk")])
def test_inspector__signs_in_and_lands_on_his_workspace(
    live_server, inspector_world, browser, tmp_path, language, size
):
    w = inspector_world
    # The site's Content-Security-Policy refuses inline script; axe-core is injected.
    context = browser.new_context(viewport=SIZES[size], locale=f"{language}-KZ", bypass_csp=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"{page.url}: {m.text}"))

    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(w.inspector.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()

    page.wait_for_url(f"{live_server.url}/workspace/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    appeals = page.locator("#ws-appeals")
    expect(appeals.locator("h2")).to_have_text(HEADINGS[language])
    numbers = appeals.locator("li a").all_text_contents()
    assert numbers == [w.overdue.registration_number, w.due_later.registration_number]
    expect(appeals.locator("li.overdue")).to_have_count(1)
    # His precinct on the map, with its posts, over the base map's streets.
    expect(page.locator("#map")).to_have_attribute("data-ready", "1")
    expect(page.locator("#map path.precinct")).to_have_count(1)
    expect(page.locator("#map path.post")).to_have_count(3)
    expect(page.locator("#map")).to_have_attribute("data-basemap", "loaded")
    expect(page.locator(f'#ws-calls [data-incident="{w.call_inside.pk}"]')).to_be_visible()
    assert _overflow(page) <= 0, f"{_overflow(page)} px wider than the screen"
    assert _serious_violations(page) == []
    directory = Path(os.environ.get("PRECINCT_SCREENSHOT_DIR", tmp_path))
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=directory / f"workspace-{size}-{language}.png", full_page=True)
    context.close()
    assert not problems, problems


@pytest.mark.browser
def test_head__signs_in_on_a_phone_and_lands_on_his_department(
    live_server, inspector_world, browser, tmp_path
):
    context = browser.new_context(viewport=SIZES["phone"], locale="ru-KZ", bypass_csp=True)
    context.add_cookies([{"name": "django_language", "value": "ru", "url": live_server.url}])
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"{page.url}: {m.text}"))
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(inspector_world.head.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/workspace/department/")
    expect(page.locator("#ws-queue [data-figure=open_overdue]")).to_have_text("1")
    page.locator("#ws-precincts a").first.click()
    page.wait_for_url(f"{live_server.url}/workspace/precincts/{inspector_world.precinct.pk}/")
    expect(page.locator("#map path.precinct")).to_have_count(1)
    assert _overflow(page) <= 0, f"{_overflow(page)} px wider than the screen"
    assert _serious_violations(page) == []
    directory = Path(os.environ.get("PRECINCT_SCREENSHOT_DIR", tmp_path))
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=directory / "head-precinct-phone-ru.png", full_page=True)
    context.close()
    assert not problems, problems
