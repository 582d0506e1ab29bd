"""The planning maps in a real browser: coverage for residents, a scenario for planners.

Transactional (the live server is another thread); nothing here writes the audit log.
"""

import pytest
from playwright.sync_api import expect

from precinct.planning import services
from tests import factories
from tests.planning import builders


@pytest.fixture
def browser_city(transactional_db, settings, tmp_path):
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    return builders.build_planning_city(settings.PRECINCT_NETWORK_DIR)


@pytest.mark.browser
def test_coverage_map__draws_residents_area_and_posts(live_server, browser_city, page):
    page.goto(f"{live_server.url}/planning/coverage/?minutes=10&what_if=1")
    expect(page.locator("#map")).to_have_attribute("data-loaded", "true", timeout=20000)
    # Residents (on a canvas, counted), the walking area, and open, building, planned posts.
    assert int(page.locator("#map").get_attribute("data-resident-points")) > 0
    expect(page.locator("#map path.walking-area")).to_have_count(1)
    for state in ("open", "building", "planned"):
        expect(page.locator(f"#map path.post-{state}").first).to_be_attached()
    expect(page.locator("#coverage-department")).to_contain_text("УП Алмалинского района")


@pytest.mark.browser
def test_scenario__planner_runs_and_sees_the_chosen_sites(live_server, browser_city, page):
    analyst = factories.staff("analyst", "analyst", None)
    job = services.siting_job_create(actor=analyst, minutes=10, k=2, name="B")
    services.siting_job_execute(job_id=job.pk)
    page.goto(f"{live_server.url}/accounts/login/?next=/planning/scenarios/{job.pk}/")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#sites tbody tr")).to_have_count(2)
    expect(page.locator("#map")).to_have_attribute("data-loaded", "true", timeout=20000)
    expect(page.locator("#map path.site")).to_have_count(2)
    expect(page.locator("#map .site-label")).to_have_text(["1", "2"])
