"""axe-core on each persona's main pages: no serious or critical violation, maps
included, and nothing wider than the screen. Residents: home, the locate result, the
appeal form, tracking, receptions; a 102 operator: the board and an incident; a head or
analyst: a scorecard, the coverage page and the 102 measures.

Every page is checked in ru, kk and en, each on a phone (390x844) and a laptop
(1366x900). The six tabs share one test's data rather than being parametrized: building
the territory and the scorecards is most of each test's time.
"""

import datetime as dt
import os
from importlib import import_module
from pathlib import Path

import pytest
from playwright.sync_api import expect

from precinct.dispatch import services as dispatch_services
from precinct.evaluation import services as evaluation_services
from precinct.territory.models import Department
from tests import factories
from tests.dispatch import builders as dispatch_builders
from tests.planning import builders as planning_builders
from tests.territory.builders import INSPECTOR

AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # axe-core, MPL-2.0 (see its LICENSE)
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 900}}
LANGUAGES = ("ru", "kk", "en")
TABS = [(language, size) for language in LANGUAGES for size in VIEWPORTS]
SERIOUS = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""


@pytest.fixture
def tabs(browser, live_server):
    """Opens a tab in one language and size; fails the test on any script error it saw."""
    opened = []
    errors: list[str] = []

    def open_tab(language: str, size: str):
        # The site's Content-Security-Policy refuses inline script, axe-core is injected.
        context = browser.new_context(
            viewport=VIEWPORTS[size], locale=f"{language}-KZ", bypass_csp=True
        )
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        opened.append(context)
        return page

    yield open_tab
    for context in opened:
        context.close()
    assert not errors, errors


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(SERIOUS)


def _check(page, url: str, problems: dict, ready=None) -> None:
    page.goto(url)
    if ready:
        ready(page)
    page.wait_for_load_state("networkidle")
    language = page.evaluate("document.documentElement.lang")
    screen = page.viewport_size["width"]
    key = f"{language} {screen}px {url}"
    found = _violations(page)
    if found:
        problems[key] = found
    shots = os.environ.get("PRECINCT_SCREENSHOT_DIR")  # pictures for a human to check
    if shots:
        name = url.split("//", 1)[1].split("/", 1)[1].strip("/").replace("/", "-") or "home"
        page.screenshot(path=Path(shots) / f"axe-{language}-{screen}-{name}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > screen:
        problems.setdefault(key, []).append(f"page {width}px wide")


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
def test_axe__resident_pages(live_server, locate_territory, tabs):
    from django.apps import apps

    from precinct.appeals.models import Category

    if not Category.objects.exists():  # a transactional test flushed the migration's rows
        import_module("precinct.appeals.migrations.0002_default_categories").add(apps, None)
    base, problems = live_server.url, {}

    def located(page):
        page.locator("#address").press_sequentially("Абая 52", delay=20)
        page.locator("button.candidate", has_text="проспект Абая, 52").first.click()
        expect(page.locator("#result")).to_contain_text(" ".join(INSPECTOR))

    for language, size in TABS:
        page = tabs(language, size)
        _check(page, f"{base}/", problems)
        _check(page, f"{base}/territory/locate/", problems, ready=located)
        for path in ("/appeals/new/", "/appeals/track/", "/receptions/"):
            _check(page, f"{base}{path}", problems)
    assert not problems, problems


@pytest.mark.browser
def test_axe__operator_pages(live_server, transactional_db, settings, tmp_path, tabs):
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    dispatch_builders.write_grids(settings.PRECINCT_NETWORK_DIR)
    dispatch_services.category_defaults_create()
    territory = factories.build_territory()
    personas = factories.build_personas(territory)
    dispatch_builders.unit(territory.district_a, "A-11", dispatch_builders.grid_point(6, 5))
    call = dispatch_services.incident_create(
        actor=personas.operator, lon=dispatch_builders.CENTRE[0],
        lat=dispatch_builders.CENTRE[1], category_code="violence", text="драка",
    )  # fmt: skip
    base, problems = live_server.url, {}
    for language, size in TABS:
        page = tabs(language, size)
        _sign_in(page, base, "operator")
        _check(page, f"{base}/dispatch/board/", problems)
        _check(page, f"{base}/dispatch/incidents/{call.id}/", problems)
    assert not problems, problems


@pytest.mark.browser
def test_axe__head_and_analyst_pages(live_server, transactional_db, settings, tmp_path, tabs):
    from precinct.crime.models import DepartmentCount

    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    city = planning_builders.build_planning_city(settings.PRECINCT_NETWORK_DIR)
    territory = city.territory
    periods = [
        evaluation_services.period_create(
            label=str(year), starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31)
        )
        for year in (2023, 2024, 2025)
    ]
    for k, period in enumerate(periods):
        for dep, registered in ((territory.district_a, 100 - 10 * k), (territory.district_b, 120)):
            DepartmentCount.objects.create(
                department=dep, period=period.label, category="total",
                registered=registered, cleared=40,
            )  # fmt: skip
    evaluation_services.current_methodology().__class__.objects.update(min_coverage=0.1)
    for period in periods:
        evaluation_services.evaluation_compute(period=period)
    factories.staff("analyst", "analyst", None)
    base, problems = live_server.url, {}
    department = Department.objects.get(pk=territory.district_a.pk)
    for language, size in TABS:
        page = tabs(language, size)
        _sign_in(page, base, "analyst")
        _check(page, f"{base}/evaluation/departments/{department.pk}/", problems)
        _check(page, f"{base}/planning/coverage/", problems)
        _check(page, f"{base}/dispatch/measures/", problems)
    assert not problems, problems
