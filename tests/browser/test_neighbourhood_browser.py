"""A resident finds his precinct on the map and clicks through to its neighbourhood page,
then up to its department, region and the country: on a phone and at a desk, in ru, kk
and en; no page is wider than the screen, each is in the page's language, nothing is
logged as an error and axe-core finds no serious or critical violation. Set
PRECINCT_SCREENSHOT_DIR to keep a picture of each page."""

import os
from importlib import import_module
from pathlib import Path

import pytest
from playwright.sync_api import expect

from precinct.analytics.network.basemap import BASEMAP_FILE, read_basemap, write_basemap_tmp
from precinct.neighbourhoods import figures
from tests.core.test_one_language import english_words
from tests.neighbourhoods.builders import PRIORITY_ISSUE, build_neighbourhood
from tests.territory.builders import INSPECTOR

CUT = Path(__file__).resolve().parents[1] / "fixtures" / "almaty_cut.osm.pbf"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SERIOUS_VIOLATIONS = """async () => {
  const result = await axe.run({ exclude: [[".map"]] }, { resultTypes: ["violations"] });
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""
SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}
HEADINGS = {"ru": "Участок № 7", "kk": "№ 7 учаске", "en": "Precinct 7"}
LINK = {"ru": "Страница вашего участка", "kk": "Учаскеңіздің беті", "en": "Your neighbourhood page"}
PRIORITY = {"ru": PRIORITY_ISSUE, "kk": "Аулалардағы тұрақ", "en": "Parking in the yards"}


@pytest.fixture
def hood_site(transactional_db, settings, tmp_path):
    """The neighbourhood, the appeal categories a flushed database lost, the extract's
    streets for the base map, and figures computed afresh."""
    from django.apps import apps

    from precinct.appeals.models import Category

    if not Category.objects.exists():
        import_module("precinct.appeals.migrations.0002_default_categories").add(apps, None)
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    hood = build_neighbourhood(settings.PRECINCT_NETWORK_DIR)
    basemap = write_basemap_tmp(read_basemap(CUT), Path(settings.PRECINCT_NETWORK_DIR))
    basemap.rename(Path(settings.PRECINCT_NETWORK_DIR) / BASEMAP_FILE)
    figures.forget()
    yield hood
    figures.forget()


def _check(page, language: str, name: str, tmp_path: Path) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wider <= 0, f"{page.url} is {wider} px wider than the screen"
    if language != "en":
        assert english_words(page.content()) == set(), page.url
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(SERIOUS_VIOLATIONS) == [], page.url
    directory = Path(os.environ.get("PRECINCT_SCREENSHOT_DIR", tmp_path))
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=directory / f"{name}-{language}-{page.viewport_size['width']}.png")


@pytest.mark.browser
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_locate_then_neighbourhood_then_up_to_the_country(
    live_server, hood_site, browser, tmp_path, language, size
):
    # The site's Content-Security-Policy refuses inline script; axe-core is injected.
    context = browser.new_context(viewport=SIZES[size], locale=f"{language}-KZ", bypass_csp=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"{page.url}: {m.text}"))

    page.goto(f"{live_server.url}/territory/locate/")
    # The map opens on central Almaty, inside precinct 7 of the test territory.
    expect(page.locator("#map")).to_have_attribute("data-ready", "1")
    page.locator("#map").click()
    link = page.locator("#result a[data-neighbourhood]")
    # The first locate of a server loads the walking network: give it time on a busy machine.
    expect(link).to_have_text(LINK[language], timeout=30_000)
    link.click()

    page.wait_for_url(f"{live_server.url}/neighbourhoods/almalinsky/7/")
    expect(page.locator("h1")).to_have_text(HEADINGS[language])
    expect(page.locator("#nb-team")).to_contain_text(" ".join(INSPECTOR))
    expect(page.locator("#nb-priorities")).to_contain_text(PRIORITY[language])
    expect(page.locator("#map path.precinct")).to_have_count(1)
    expect(page.locator("#map path.post").first).to_be_attached()
    expect(page.locator("tr[data-figure=answered] td.nb-here")).to_have_text("6")
    _check(page, language, "precinct", tmp_path)

    page.locator(".nb-crumbs a").nth(2).click()
    page.wait_for_url(f"{live_server.url}/neighbourhoods/almalinsky/")
    expect(page.locator("tr[data-precinct='7'] a")).to_be_visible()
    _check(page, language, "department", tmp_path)

    page.locator(".nb-crumbs a").nth(1).click()
    page.wait_for_url(f"{live_server.url}/neighbourhoods/regions/almaty/")
    _check(page, language, "region", tmp_path)

    page.locator(".nb-crumbs a").nth(0).click()
    page.wait_for_url(f"{live_server.url}/neighbourhoods/")
    _check(page, language, "national", tmp_path)
    context.close()
    assert not problems, problems
