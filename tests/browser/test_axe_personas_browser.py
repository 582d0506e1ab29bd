"""axe-core on each persona's main pages on a phone (390x844): no serious or critical
violation, maps included. Residents: home, the locate result, the appeal form, tracking,
receptions; a 102 operator: the board and an incident; a head or analyst: a scorecard,
the coverage page and the 102 measures.
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
PHONE = {"width": 390, "height": 844}
SERIOUS = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""


@pytest.fixture
def phone(browser):
    """A phone-sized tab (Russian) that collects the page's script errors."""
    context = browser.new_context(viewport=PHONE, locale="ru-KZ", bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    yield page
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
    found = _violations(page)
    if found:
        problems[url] = found
    shots = os.environ.get("PRECINCT_SCREENSHOT_DIR")  # pictures for a human to check
    if shots:
        name = url.split("//", 1)[1].split("/", 1)[1].strip("/").replace("/", "-") or "home"
        page.screenshot(path=Path(shots) / f"axe-{name}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.setdefault(url, []).append(f"page {width}px wide")


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
def test_axe__resident_pages(live_server, locate_territory, phone):
    from django.apps import apps

    from precinct.appeals.models import Category

    if not Category.objects.exists():  # a transactional test flushed the migration's rows
        import_module("precinct.appeals.migrations.0002_default_categories").add(apps, None)
    base, problems = live_server.url, {}

    def located(page):
        page.locator("#address").press_sequentially("Абая 52", delay=20)
        page.locator("button.candidate", has_text="проспект Абая, 52").first.click()
        expect(page.locator("#result")).to_contain_text(" ".join(INSPECTOR))

    _check(phone, f"{base}/", problems)
    _check(phone, f"{base}/territory/locate/", problems, ready=located)
    for path in ("/appeals/new/", "/appeals/track/", "/receptions/"):
        _check(phone, f"{base}{path}", problems)
    assert not problems, problems


@pytest.mark.browser
def test_axe__operator_pages(live_server, transactional_db, settings, tmp_path, phone):
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
    _sign_in(phone, base, "operator")
    _check(phone, f"{base}/dispatch/board/", problems)
    _check(phone, f"{base}/dispatch/incidents/{call.id}/", problems)
    assert not problems, problems


@pytest.mark.browser
def test_axe__head_and_analyst_pages(live_server, transactional_db, settings, tmp_path, phone):
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
    _sign_in(phone, base, "analyst")
    department = Department.objects.get(pk=territory.district_a.pk)
    _check(phone, f"{base}/evaluation/departments/{department.pk}/", problems)
    _check(phone, f"{base}/planning/coverage/", problems)
    _check(phone, f"{base}/dispatch/measures/", problems)
    assert not problems, problems
