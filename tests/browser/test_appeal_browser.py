"""A resident writes to the police in a real browser: pin on the map, receipt, tracking."""

import pytest
from playwright.sync_api import expect

from precinct.appeals.models import Appeal


@pytest.mark.browser
def test_appeal__pin_on_the_map_then_receipt_and_tracking(live_server, locate_territory, page):
    from importlib import import_module

    from django.apps import apps

    from precinct.appeals.models import Category

    if not Category.objects.exists():  # flushed by an earlier transactional test
        import_module("precinct.appeals.migrations.0002_default_categories").add(apps, None)
    page.goto(f"{live_server.url}/appeals/new/")
    page.locator("#type").select_option("request")
    page.locator("#category").select_option("noise")
    page.locator("#text").fill("Во дворе ночью громкая музыка")
    page.locator("#contact_name").fill("Айгуль")
    page.locator("#contact_phone").fill("+7 701 234 56 78")
    # The map opens on central Almaty, inside precinct 7; a click fills the point.
    expect(page.locator("#pin-map")).to_have_attribute("data-ready", "1")
    page.locator("#pin-map").click()
    expect(page.locator("#lat")).not_to_have_value("")
    expect(page.locator("#pin-map path.pin")).to_have_count(1)
    page.get_by_role("button", name="Отправить").click()

    expect(page.locator("h1")).to_have_text("Ваше обращение зарегистрировано")
    appeal = Appeal.objects.get()
    expect(page.locator(".receipt")).to_contain_text(appeal.registration_number)
    assert appeal.precinct is not None and appeal.precinct.number == 7
    page.locator(f"a[href$='/appeals/track/{appeal.tracking_code}/']").click()
    expect(page.locator("dd.status-registered")).to_be_visible()
