"""An inspector sets a priority of his precinct on his phone (ru, kk) and at a desk (en),
reports what was done on its card (htmx swaps the one card), and the page is no wider than
the screen, logs no error and has no serious or critical axe-core violation."""

from importlib import import_module
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from precinct.accounts.models import Role, User
from tests import factories
from tests.factories import PASSWORD

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}
SERIOUS = """async () => {
  const result = await axe.run({ resultTypes: ["violations"] });
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""
DONE = {"ru": "Что сделано", "kk": "Не істелді", "en": "What was done"}


@pytest.fixture
def inspector(transactional_db):
    from django.apps import apps

    from precinct.appeals.models import Category

    if not Category.objects.exists():  # a flushed database lost the migration's categories
        import_module("precinct.appeals.migrations.0002_default_categories").add(apps, None)
    t = factories.build_territory()
    user = factories.staff("inspector", Role.INSPECTOR, t.district_a)
    User.objects.filter(pk=user.pk).update(officer=factories.inspector_of(t.precinct_a))
    return user, t.precinct_a


@pytest.mark.browser
@pytest.mark.parametrize(("language", "size"), [("ru", "phone"), ("kk", "phone"), ("en", "desk")])
def test_inspector__sets_a_priority_and_reports_what_was_done(
    live_server, inspector, browser, language, size
):
    user, precinct = inspector
    context = browser.new_context(viewport=SIZES[size], locale=f"{language}-KZ", bypass_csp=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"{page.url}: {m.text}"))
    page.goto(f"{live_server.url}/accounts/login/?next=/priorities/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/priorities/")
    page.locator(f'[data-precinct="{precinct.pk}"] a').click()
    page.wait_for_url(f"{live_server.url}/priorities/precincts/{precinct.pk}/")

    page.locator("#issue").fill("Парковка на тротуарах у школы")
    page.locator("#issue_en").fill("Cars parked on the pavement by the school")
    page.locator("#since").fill("2026-09-01")
    page.locator("#theme").select_option("traffic")
    page.locator("#set button[type=submit]").click()
    card = page.locator("article.priority")
    expect(card).to_have_count(1)
    card.locator("summary").first.click()
    card.locator("input[name=done_on]").fill(timezone.localdate().isoformat())
    card.locator("textarea[name=text]").fill("Совместный рейд, 14 штрафов")
    page.evaluate("window.samePage = true")  # gone if the form reloaded the page
    card.locator("form[hx-post$='/actions/'] button[type=submit]").click()
    expect(page.locator("article.priority .actions li")).to_have_count(1)
    expect(page.locator("article.priority .actions li")).to_contain_text("Совместный рейд")
    expect(page.locator("article.priority h4")).to_have_text(DONE[language])
    assert page.evaluate("window.samePage === true"), "the card was not swapped in place"

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow} px wider than the screen"
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(SERIOUS) == []
    context.close()
    assert not problems, problems
