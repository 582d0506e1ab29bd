"""A 102 operator takes a call, sends the recommended unit and sees the board change;
an analyst reads the map of response times by precinct."""

import datetime as dt
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from precinct.dispatch import services
from precinct.dispatch.models import Unit
from precinct.territory.models import Department, Precinct
from tests import factories
from tests.dispatch import builders


def _screenshot(page, tmp_path: Path, name: str) -> None:
    """Keep a picture for a human to check (set PRECINCT_SCREENSHOT_DIR to keep it)."""
    directory = Path(os.environ.get("PRECINCT_SCREENSHOT_DIR", tmp_path))
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=directory / name, full_page=True)


@pytest.fixture
def dispatch_city(transactional_db, settings, tmp_path):
    """The personas' territory with a street grid and three units (no audited rows)."""
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    builders.write_grids(settings.PRECINCT_NETWORK_DIR)
    services.category_defaults_create()  # an earlier transactional test may have flushed them
    territory = factories.build_territory()
    personas = factories.build_personas(territory)
    a = territory.district_a
    builders.unit(a, "A-11", builders.grid_point(6, 5))
    builders.unit(a, "A-12", builders.grid_point(0, 0))
    builders.unit(a, "A-P1", builders.grid_point(5, 6), kind="foot")
    return personas


def _sign_in(page, url, username):
    page.goto(f"{url}/accounts/login/?next=/dispatch/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("#id_password").press("Enter")


@pytest.mark.browser
def test_operator__take_call_send_recommended_unit_board_changes(
    live_server, dispatch_city, browser, page, tmp_path
):
    board = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(board, live_server.url, "head")
    board.goto(f"{live_server.url}/dispatch/board/")
    a11 = board.locator("tr.unit", has_text="A-11")
    expect(a11.locator("td.state")).not_to_have_text("")
    before = a11.locator("td.state").inner_text()

    _sign_in(page, live_server.url, "operator")
    expect(page.locator("#id_caller_phone")).to_be_focused()
    page.wait_for_selector("body[data-dispatch-ready]", state="attached")
    page.keyboard.type("+7 701 123 45 67")
    page.locator("#id_lat").fill(f"{builders.CENTRE[1]:.6f}")
    page.locator("#id_lon").fill(f"{builders.CENTRE[0]:.6f}")
    page.locator("#id_category").select_option("violence")
    expect(page.locator("#id_priority")).to_have_value("1")
    page.locator("#id_text").fill("драка во дворе")
    page.locator("#id_text").press("Control+Enter")

    best = page.locator("tr.recommendation.best")
    expect(best).to_contain_text("A-11")
    expect(page.locator("#map path.incident")).to_have_count(1)
    expect(page.locator("#map path.unit").first).to_be_attached()
    _screenshot(page, tmp_path, "dispatch-incident.png")
    best.locator("button.send").click()
    expect(page.locator("#assignments")).to_contain_text("A-11")
    expect(page.locator("tr.recommendation", has_text="A-11")).to_have_count(0)

    # The board polls: the unit's state changes there without a reload.
    expect(a11.locator("td.state")).not_to_have_text(before, timeout=10_000)
    expect(board.locator("tr.incident").first).to_contain_text("A-11")
    assert Unit.objects.get(callsign="A-11").state == Unit.State.DISPATCHED
    _screenshot(board, tmp_path, "dispatch-board.png")
    board.context.close()


@pytest.mark.browser
def test_operator__ticks_two_units_and_sends_them_together(live_server, dispatch_city, page):
    call = services.incident_create(
        actor=dispatch_city.operator, lon=builders.CENTRE[0], lat=builders.CENTRE[1],
        category_code="violence", text="mass fight",
    )  # fmt: skip
    _sign_in(page, live_server.url, "operator")
    page.goto(f"{live_server.url}/dispatch/incidents/{call.id}/")
    for callsign in ("A-11", "A-P1"):
        box = page.locator("tr.recommendation", has_text=callsign).locator("input[type=checkbox]")
        box.focus()
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    page.locator("#send-selected").click()
    expect(page.locator("#assignments")).to_contain_text("A-11")
    expect(page.locator("#assignments")).to_contain_text("A-P1")
    expect(page.locator("tr.recommendation")).to_have_count(1)  # only A-12 is left
    states = dict(Unit.objects.values_list("callsign", "state"))
    assert states == {"A-11": "dispatched", "A-P1": "dispatched", "A-12": "available"}


@pytest.mark.browser
def test_analyst__measures_map_colours_precincts_and_table_sorts(live_server, dispatch_city,
                                                                 page, tmp_path):  # fmt: skip
    a = Department.objects.get(code="up-almaly")
    b = Department.objects.get(code="up-medeu")
    precinct_a = Precinct.objects.get(department=a)
    precinct_b = builders.precinct_b(SimpleNamespace(district_b=b))
    week_ago = timezone.now() - dt.timedelta(days=7)
    builders.insert_calls(
        [builders.past_call(a, 1, week_ago, 60, 300 + 60 * k, lon=76.90, lat=43.25)
         for k in range(6)]  # median 8.5 min
        + [builders.past_call(b, 1, week_ago, 60, 600, lon=76.94, lat=43.25)
           for _ in range(7)]  # median 11 min
    )  # fmt: skip
    _sign_in(page, live_server.url, "analyst")
    page.goto(f"{live_server.url}/dispatch/measures/")
    # Each precinct a coloured shape carrying its median; the slower one is the redder.
    area_b = page.locator(f"#map path.area[data-precinct='{precinct_b.id}']")
    area_a = page.locator(f"#map path.area[data-precinct='{precinct_a.id}']")
    expect(area_b).to_have_attribute("data-median", "11")
    expect(area_a).to_have_attribute("data-median", "8.5")
    red = [int(area.get_attribute("fill")[1:3], 16) for area in (area_b, area_a)]
    assert red[0] > red[1]
    rows = page.locator("table.areas tbody tr")
    expect(rows.first).to_have_attribute("data-precinct", str(precinct_b.id))  # worst first
    page.locator("table.areas a[data-sort=name]").click()
    expect(rows.first).to_have_attribute("data-precinct", str(precinct_a.id))
    _screenshot(page, tmp_path, "dispatch-measures.png")


def _page_width(page) -> int:
    """How wide the page lays out: wider than the window means it scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth")


def _too_wide(page) -> list[str]:
    """The elements that stick out on the right, to name them when the page is too wide."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 8).map(e => e.tagName + '.' + e.className + ' '
                           + e.getBoundingClientRect().right)""")


@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(390, 844), (1366, 900)])
def test_operator__dispatch_controls_on_the_first_screen_and_confirmed(
    live_server, dispatch_city, browser, tmp_path, width, height
):
    a = Department.objects.get(code="up-almaly")
    for k in range(12):  # 15 units: ten shown, five folded
        builders.unit(a, f"A-3{k:02d}", builders.grid_point(k % 4, 8 - k % 3), kind="foot")
    call = services.incident_create(
        actor=dispatch_city.operator, lon=builders.CENTRE[0], lat=builders.CENTRE[1],
        category_code="violence", text="драка во дворе",
    )  # fmt: skip
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _sign_in(page, live_server.url, "operator")
    page.goto(f"{live_server.url}/dispatch/incidents/{call.id}/")
    send = page.locator("tr.recommendation.best button.send")
    box = send.bounding_box()
    assert box["y"] + box["height"] <= height, box  # no scrolling to reach it
    expect(page.locator("#recommendations > .table-scroll tr.recommendation")).to_have_count(10)
    folded = page.locator("details.more-units tr.recommendation")
    expect(folded.first).to_be_hidden()
    page.locator("details.more-units summary").click()
    expect(folded).to_have_count(5)
    expect(folded.first).to_be_visible()
    _screenshot(page, tmp_path, f"dispatch-incident-{width}.png")
    assert _page_width(page) <= width, _too_wide(page)

    send.click()
    confirmation = page.locator("#dispatch-message .notice.ok")
    expect(confirmation).to_contain_text("A-11")
    expect(confirmation).to_contain_text("Направлено")
    expect(page.locator("#timeline")).to_contain_text("A-11")
    box = confirmation.bounding_box()
    assert box["y"] + box["height"] <= height, box
    for path in ("/dispatch/board/", "/dispatch/measures/", "/dispatch/"):
        page.goto(f"{live_server.url}{path}")
        assert _page_width(page) <= width, (path, _too_wide(page))
    context.close()
    assert not errors, errors
