"""A resident subscribes to his precinct's alerts from the locate result, on a phone and a
desktop, in each language; the confirmation and unsubscribe pages fit too."""

import pytest
from playwright.sync_api import expect

from precinct.alerts.models import AlertMail, Subscription
from tests.alerts.conftest import link_in

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
CHECK_MAIL = {"ru": "Проверьте почту", "kk": "Поштаңызды тексеріңіз", "en": "Check your mail"}
LINK = {"ru": "Новости участка по почте", "kk": "Учаске жаңалықтары поштаға",
        "en": "News of this precinct by e-mail"}  # fmt: skip


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.browser
def test_locate_links_to_alerts_and_the_pages_fit_a_phone(live_server, locate_territory, browser):
    for n, (language, viewport) in enumerate([("ru", PHONE), ("kk", PHONE), ("en", DESKTOP)]):
        context = browser.new_context(viewport=viewport, locale=language)
        page = context.new_page()
        page.goto(f"{live_server.url}/territory/locate/")
        page.locator("#address").press_sequentially("Абая 52", delay=20)
        page.locator("button.candidate").first.click()
        page.get_by_role("link", name=LINK[language]).click()
        expect(page.locator("#alert-email")).to_be_visible()
        assert _overflow(page) <= 0, (language, viewport)
        page.fill("#alert-email", f"resident{n}@example.kz")
        page.locator("main form button[type=submit]").click()
        expect(page.locator("main h1")).to_have_text(CHECK_MAIL[language])
        assert _overflow(page) <= 0
        confirmation = AlertMail.objects.filter(kind="confirm").latest("pk")
        assert confirmation.subscription.language == language  # the page's language, kept
        page.goto(live_server.url + link_in(confirmation.body, "confirm"))
        page.locator("main form button").click()
        expect(page.locator("main .notice")).to_be_visible()
        assert _overflow(page) <= 0
        page.goto(live_server.url + link_in(confirmation.body, "unsubscribe"))
        page.locator("main form button").click()
        expect(page.locator("main .notice")).to_be_visible()
        assert _overflow(page) <= 0
        context.close()
    assert list(Subscription.objects.values_list("state", flat=True)) == ["unsubscribed"] * 3
