"""A resident finds his district inspector in a real browser."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from precinct.analytics.network.basemap import BASEMAP_FILE, read_basemap, write_basemap_tmp
from tests.territory.builders import INSPECTOR

CUT = Path(__file__).resolve().parents[1] / "fixtures" / "almaty_cut.osm.pbf"

ADDRESS = "Абая 52"
CANDIDATE = "проспект Абая, 52"


def _screenshot(page, tmp_path: Path, name: str) -> None:
    """Keep a picture of the page for a human to check the map (set the dir to keep it)."""
    directory = Path(os.environ.get("PRECINCT_SCREENSHOT_DIR", tmp_path))
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=directory / name, full_page=True)


@pytest.mark.browser
def test_locate__type_address_pick_candidate_see_inspector_and_walk(
    live_server, locate_territory, page, tmp_path
):
    page.goto(f"{live_server.url}/territory/locate/")
    page.locator("#address").press_sequentially(ADDRESS, delay=20)
    page.locator("button.candidate", has_text=CANDIDATE).first.click()

    result = page.locator("#result")
    expect(result).to_contain_text(" ".join(INSPECTOR))
    expect(result.locator(".walk").first).to_have_text(re.compile(r"\d+.*\d+"))
    expect(result).to_contain_text("УПП")
    # The map drew the resident's point, the posts and the walking routes, and zoomed in.
    expect(page.locator("#map path.you")).to_have_count(1)
    expect(page.locator("#map path.post").first).to_be_attached()
    expect(page.locator("#map path.route").first).to_be_attached()
    expect(page.locator("#map")).to_have_attribute("data-zoom", re.compile(r"^1[5-9]$"))
    expect(page.locator(".map-attribution")).to_contain_text("OpenStreetMap")
    _screenshot(page, tmp_path, "locate-result.png")


@pytest.mark.browser
def test_locate__enter_with_one_exact_match_locates(live_server, locate_territory, page):
    page.goto(f"{live_server.url}/territory/locate/")
    page.locator("#address").fill(ADDRESS)
    page.locator("#address").press("Enter")
    expect(page.locator("#result")).to_contain_text(" ".join(INSPECTOR))


@pytest.mark.browser
def test_locate__unknown_address_is_explained(live_server, locate_territory, page):
    page.goto(f"{live_server.url}/territory/locate/")
    page.locator("#address").fill("Несуществующая 99")
    expect(page.locator("#candidates [role=alert]")).to_be_visible()


@pytest.mark.browser
def test_locate__click_on_the_map_locates_that_point(live_server, locate_territory, page):
    page.goto(f"{live_server.url}/territory/locate/")
    # The map opens on central Almaty, inside precinct 7 of the test territory.
    expect(page.locator("#map")).to_have_attribute("data-ready", "1")
    page.locator("#map").click()
    expect(page.locator("#result")).to_contain_text(" ".join(INSPECTOR))


@pytest.mark.browser
def test_locate__phone_sees_named_streets_and_no_selection_tools(
    live_server, locate_territory, browser, settings
):
    # The extract's streets and buildings beside the test territory's walking grid.
    tmp = write_basemap_tmp(read_basemap(CUT), Path(settings.PRECINCT_NETWORK_DIR))
    tmp.rename(Path(settings.PRECINCT_NETWORK_DIR) / BASEMAP_FILE)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    page = context.new_page()
    page.goto(f"{live_server.url}/territory/locate/")
    page.locator("#address").fill(ADDRESS)
    page.locator("#address").press("Enter")
    expect(page.locator("#map path.you")).to_have_count(1)
    expect(page.locator("#map")).to_have_attribute("data-basemap", "loaded")
    # Street names are written along the streets, in the page's language.
    expect(page.locator("#map textPath").first).to_be_attached()
    names = page.locator("#map textPath").evaluate_all("els => els.map(e => e.textContent)")
    assert any(re.search("[а-яА-Я]", name) for name in names), names
    # Pan and zoom only (Plotly showed lasso and box selection to residents).
    assert page.locator(".modebar, [data-title*='Lasso'], [data-title*='Box']").count() == 0
    box = page.locator("#map").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    expect(page.locator(".map-attribution")).to_contain_text("OpenStreetMap")
    context.close()


@pytest.mark.browser
def test_locate__map_zoom_buttons_speak_the_page_language(live_server, locate_territory, page):
    page.goto(f"{live_server.url}/territory/locate/")
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Приблизить")
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute("title", "Отдалить")
