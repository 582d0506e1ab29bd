"""The staff appeal page in a real browser after a refused extension: the head and his
deputy, on a phone and a desktop, in ru, kk and en. The page keeps its assignee list and
answer templates, says why in the page's language, and is never wider than the screen.
"""

from importlib import import_module

import pytest
from playwright.sync_api import expect

from precinct.accounts.models import Role
from precinct.appeals import services
from precinct.appeals.models import AnswerTemplate, Channel
from tests import factories
from tests.appeals.builders import at

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@pytest.fixture
def staff_site(transactional_db):
    from django.apps import apps

    from precinct.appeals.models import Category

    if not Category.objects.exists():
        import_module("precinct.appeals.migrations.0002_default_categories").add(apps, None)
    t = factories.build_territory()
    head = factories.staff("head", Role.HEAD, t.district_a)
    deputy = factories.staff("deputy", Role.DEPUTY_HEAD, t.district_a)
    factories.staff("inspector", Role.INSPECTOR, t.district_a)
    AnswerTemplate.objects.create(title="Меры приняты", text="Проведена беседа.")
    appeal, _ = services.appeal_register(
        type="request",
        text="Шумят соседи",
        channel=Channel.WEB,
        category_code="noise",
        lat=43.24,
        lon=76.90,
        contact_name="Айгуль Сапарова",
        contact_phone="+7 701 234 56 78",
        now=at("2025-01-03"),
    )
    return {"head": head, "deputy": deputy, "appeal": appeal}


def _message(language: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return translation.gettext("An extension needs the head's reasons.")


@pytest.mark.browser
@pytest.mark.parametrize("who", ["head", "deputy"])
def test_refused_extension__same_page_in_every_language_and_width(
    live_server, browser, staff_site, who
):
    appeal = staff_site["appeal"]
    for language in ("ru", "kk", "en"):
        for viewport in VIEWPORTS.values():
            context = browser.new_context(viewport=viewport, locale=f"{language}-KZ")
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            page.goto(f"{live_server.url}/accounts/login/?next=/appeals/staff/{appeal.pk}/")
            page.fill("input[name=username]", who)
            page.fill("input[name=password]", factories.PASSWORD)
            page.locator("main form button[type=submit]").click()
            date = page.locator("input[name=due_date]")
            expect(date).to_have_attribute("max", "2025-03-03")  # two months from receipt
            date.fill("2025-02-14")
            page.locator("form[action$='/extend/'] button[type=submit]").click()
            expect(page.locator("[role=alert]")).to_contain_text(_message(language))
            assert page.input_value("input[name=due_date]") == "2025-02-14"
            if who == "head":  # the deputy neither assigns nor answers an appeal not his
                expect(page.locator("select[name=assignee] option")).to_have_count(2)
                expect(page.locator("select[data-fill=answer] option")).to_have_count(2)
            width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert width <= 0, f"{language} {viewport}: {width} px wider than the screen"
            context.close()
            assert not errors, errors
