"""A resident writes to the police in a real browser: pin on the map, receipt, tracking."""

import os
from pathlib import Path

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
    expect(page.locator("#pin-map .pin")).to_have_count(1)
    page.get_by_role("button", name="Отправить").click()

    expect(page.locator("h1")).to_have_text("Ваше обращение зарегистрировано")
    appeal = Appeal.objects.get()
    expect(page.locator(".receipt")).to_contain_text(appeal.registration_number)
    assert appeal.precinct is not None and appeal.precinct.number == 7
    page.locator(f"a[href$='/appeals/track/{appeal.tracking_code}/']").click()
    expect(page.locator("dd.status-registered")).to_be_visible()


PHONE = {"width": 390, "height": 844}
DEPARTMENT = {"ru": "УП Алмалинского района", "kk": "Алмалы ауданының ПБ"}


@pytest.fixture
def resident_tab(browser, live_server):
    """A phone-sized tab in one language that fails the test on any console error."""
    opened = []

    def open_tab(language: str):
        context = browser.new_context(viewport=PHONE, locale=f"{language}-KZ")
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))
        page.on("console", lambda m: m.type == "error" and problems.append(f"{m.text}"))
        opened.append((context, problems))
        return page

    yield open_tab
    for context, problems in opened:
        context.close()
        assert not problems, problems


def _fits(page, name: str) -> None:
    """Nothing wider than the phone; with PRECINCT_SCREENSHOT_DIR set, a picture of it."""
    width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert width <= 0, f"{page.url} is {width} px wider than the phone"
    if os.environ.get("PRECINCT_SCREENSHOT_DIR"):
        directory = Path(os.environ["PRECINCT_SCREENSHOT_DIR"])
        directory.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=directory / f"appeal-{name}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.parametrize("language", ["ru", "kk"])
def test_resident_path__preview_receipt_track_by_number_rate_with_review(
    live_server, locate_territory, resident_tab, language
):
    from importlib import import_module

    from django.apps import apps

    from precinct.accounts.models import Role
    from precinct.appeals import services
    from precinct.appeals.models import Category
    from tests import factories

    if not Category.objects.exists():  # flushed by an earlier transactional test
        import_module("precinct.appeals.migrations.0002_default_categories").add(apps, None)
    page = resident_tab(language)
    page.goto(f"{live_server.url}/appeals/new/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.locator("#type").select_option("request")
    page.locator("#category").select_option("noise")
    page.locator("#text").fill("Во дворе ночью громкая музыка")
    page.locator("#contact_name").fill("Айгуль")
    page.locator("#contact_phone").fill("+7 701 234 56 78")
    expect(page.locator("#pin-map")).to_have_attribute("data-ready", "1")
    destination = page.locator("#destination")

    # A whole street is not a place: the form asks for the house, offering choices.
    page.locator("#address").fill("пр. Абая")
    expect(destination.locator("[role=alert]")).to_be_visible()
    expect(destination.locator("button[data-lat]").first).to_be_visible()
    # The house: the preview names the department "find my inspector" gives for it.
    page.locator("#address").fill("пр. Абая, 52")
    expect(destination.locator(".destination-department")).to_have_text(DEPARTMENT[language])
    expect(destination.locator(".destination-precinct")).to_contain_text("7")
    expect(page.locator("#pin-map path.found")).to_have_count(1)
    # A tap corrects the place: the pin goes there and the preview follows it.
    page.locator("#pin-map").click()
    expect(page.locator("#lat")).not_to_have_value("")
    expect(page.locator("#pin-map .pin")).to_have_count(1)
    expect(destination.locator(".destination-department")).to_have_text(DEPARTMENT[language])
    _fits(page, f"{language}-form")
    page.locator("main form button[type=submit]").click()

    page.wait_for_url("**/appeals/receipt/*/")
    appeal = Appeal.objects.get()
    assert appeal.department.display_name == DEPARTMENT["ru"] and appeal.precinct.number == 7
    expect(page.locator(".registration-number")).to_have_text(appeal.registration_number)
    expect(page.locator(".tracking-code")).to_have_text(appeal.tracking_code)
    expect(page.locator(".receipt-department")).to_contain_text(DEPARTMENT[language])
    expect(page.locator("button[data-print]")).to_be_visible()
    _fits(page, f"{language}-receipt")

    # Tracking by the registration number and the phone given (written another way).
    page.goto(f"{live_server.url}/appeals/track/")
    page.locator("#number").fill(appeal.registration_number)
    page.locator("#contact").fill("87012345678")
    _fits(page, f"{language}-lookup")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(f"**/appeals/track/{appeal.tracking_code}/")
    _fits(page, f"{language}-track")

    admin = factories.staff("admin-browser", Role.ADMIN, None)
    services.appeal_answer(actor=admin, appeal=appeal, answer="Проверили, нарушений нет")
    page.reload()
    page.locator("input[name=rating][value='2']").check()
    page.locator("#comment").fill("Ничего не сделано")
    page.locator("input[name=request_review]").check()
    page.locator("main form button[type=submit]").click()
    confirmation = page.locator("#rating-confirmation")
    expect(confirmation).to_be_visible()
    expect(confirmation).to_contain_text("2")
    expect(page.locator("input[name=rating]")).to_have_count(0)
    expect(page.locator(".your-rating")).to_have_text("2/5")
    _fits(page, f"{language}-rated")
    appeal.refresh_from_db()
    assert appeal.rating == 2 and appeal.reopened_count == 1
