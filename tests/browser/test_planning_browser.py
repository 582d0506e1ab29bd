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
    # Out of reach, within reach, and the open, building and planned posts.
    page.wait_for_function("document.getElementById('map').data.length >= 5")
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
    sites_drawn = "t => t.mode === 'markers+text' && t.lon.length === 2"
    page.wait_for_function(f"document.getElementById('map').data.some({sites_drawn})")
