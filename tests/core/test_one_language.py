"""One language per page: no English word on a Russian or Kazakh page of the main flows.

The demo city (on the central-Almaty cut) is rendered page by page, as a resident and as
staff, in ru and kk; the visible text (and the attributes a person reads or hears: title,
placeholder, aria-label, alt) is searched for Latin words. What may stay Latin is small
and named below: the brand, map attributions, file formats and the language switcher's
own names. Code a page shows on purpose (the methodology's technical appendix, e-mail
addresses, usernames) is marked ``translate="no"`` or is an address, and is left out.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from precinct.appeals.models import Appeal
from precinct.dispatch.models import Incident
from precinct.evaluation.models import Intervention
from precinct.territory.models import Department, Post, Precinct

# Words that are the same in every language: names, formats, attributions.
ALLOWED = {
    "precinct",  # the product's name
    "OpenStreetMap", "OSM", "ODbL", "geoBoundaries", "gbOpen", "contributors",  # attributions
    "Leaflet", "Plotly", "Swagger",
    "PDF", "CSV", "JSON", "API", "SMS",  # formats
    "RU", "KK", "EN", "English",  # the language switcher names each language in itself
    "Ctrl", "Enter",  # keys
    "ODC", "PDDL", "qamqor", "gov", "kz", "open-data-kazakhstan", "city-crime",  # citation
}  # fmt: skip
# A word of letters only: a code with digits in it ("demo0001", "2025-D000123") is no word.
LATIN_WORD = re.compile(r"\b[A-Za-z](?:[A-Za-z'’\-]*[A-Za-z])?\b")
# Addresses and identifiers a page shows as they are.
NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|\b[\w.-]+\.(?:ru|kz|com|org|invalid)\b")
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class VisibleText(HTMLParser):
    """The text a reader sees or hears, without scripts, styles and ``translate="no"``."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden: list[str] = []  # the tags opened inside a hidden element

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.hidden:
            if tag not in VOID:
                self.hidden.append(tag)
            return
        if tag in ("script", "style", "template") or attrs.get("translate") == "no":
            if tag not in VOID:
                self.hidden.append(tag)
            return
        self.parts.extend(v for k, v in attrs.items() if k in READ_ATTRIBUTES and v)
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if self.hidden and tag == self.hidden[-1]:
            self.hidden.pop()

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    text = NOT_WORDS.sub(" ", " ".join(parser.parts))
    return {w for w in LATIN_WORD.findall(text) if w not in ALLOWED}


def test_english_words__finds_english_and_leaves_code_out():
    html = (
        '<p title="Open map">Участок <b>№ 5</b> Police post</p><script>var x = "text";</script>'
        '<section translate="no"><p>dispatch.metrics</p><br></section><p>officer@demo.police'
        ".invalid · precinct · OpenStreetMap · demo00012 · 2025-D000123</p>"
        '<input type="submit" value="Send">'
    )
    assert english_words(html) == {"Open", "map", "Police", "post", "Send"}


def _url(name, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # a page another part of the work has not added yet
        return None


def _pages(staff: bool) -> list[str]:
    department = Department.objects.filter(kind=Department.Kind.DISTRICT).order_by("path")[0]
    post = Post.objects.filter(state=Post.State.OPEN, department=department).order_by("id")[0]
    appeal = Appeal.objects.order_by("id")[0]
    if not staff:
        precinct = Precinct.objects.filter(department=department).order_by("number")[0]
        pages = [
            reverse("home"),
            reverse("territory:locate"),
            reverse("neighbourhoods:national"),
            reverse("neighbourhoods:region", args=[department.region.code]),
            reverse("neighbourhoods:department", args=[department.code]),
            reverse("neighbourhoods:precinct", args=[department.code, precinct.number]),
            reverse("territory:locate-result") + f"?lat={post.lat}&lon={post.lon}",
            reverse("appeals:new"),
            reverse("appeals:receipt", args=[appeal.tracking_code]),
            reverse("appeals:track-lookup"),
            reverse("appeals:track", args=[appeal.tracking_code]),
            reverse("receptions:list"),
            reverse("alerts:subscribe") + f"?precinct={post.precinct_id}",
            reverse("appeals:proposals"),
            reverse("appeals:statistics"),
            reverse("surveys:index"),
            reverse("evaluation:national"),
            reverse("evaluation:methodology"),
            reverse("evaluation:scorecard", args=[department.pk]),
            _url("opendata:downloads"),
            _url("opendata:data-dictionary"),
        ]
    else:
        incident = Incident.objects.filter(department=department).order_by("-id").first()
        pages = [
            reverse("dispatch:console"),
            reverse("dispatch:board"),
            reverse("dispatch:incident", args=[incident.pk]) if incident else None,
            reverse("dispatch:measures"),
            reverse("integrity:recording"),
            reverse("planning:coverage"),
            reverse("appeals:staff-queue"),
            reverse("evaluation:interventions"),
            *[reverse("evaluation:intervention", args=[pk]) for pk in
              Intervention.objects.order_by("id").values_list("pk", flat=True)[:2]],
        ]  # fmt: skip
    return [p for p in pages if p]


# Start pages of a persona of the demo, where they exist: (username, URL name).
START_PAGES = [("demo-inspector", "workspace:inspector"), ("demo-head", "workspace:head")]


@pytest.fixture(scope="module")
def pages(demo_city, django_db_blocker):
    with django_db_blocker.unblock():
        return {"resident": _pages(staff=False), "staff": _pages(staff=True)}


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_start_pages__have_no_english_word(demo_city, db, language):
    from precinct.accounts.models import User

    found = {}
    for username, name in START_PAGES:
        page = _url(name)
        if page is None:
            continue
        browser = Client(headers={"Accept-Language": language})
        browser.force_login(User.objects.get(username=username))
        response = browser.get(page)
        assert response.status_code == 200, page
        found[page] = sorted(english_words(response.content.decode()))
    assert all(not words for words in found.values()), found


@pytest.mark.parametrize("language", ["ru", "kk"])
@pytest.mark.parametrize("who", ["resident", "staff"])
def test_main_pages__have_no_english_word(demo_city, db, pages, language, who):
    from precinct.accounts.models import User

    browser = Client(headers={"Accept-Language": language})
    if who == "staff":  # the demo's administrator sees every staff page of the city
        browser.force_login(User.objects.get(username="demo-admin"))
    found = {}
    for page in pages[who]:
        response = browser.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert "<html" not in html or f'<html lang="{language}">' in html, page
        words = english_words(html)
        if words:
            found[page] = sorted(words)
    assert found == {}


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_priorities_pages__have_no_english_word(demo_city, db, language):
    """The head's priorities of his precincts and one precinct's page (its priorities, what
    residents raised, the forms) from the demo's data."""
    from precinct.accounts import access
    from precinct.accounts.models import User
    from precinct.territory.models import Precinct

    head = User.objects.get(username="demo-head")
    precinct = access.priority_precincts_visible_to(head, Precinct.objects.order_by("id"))[0]
    browser = Client(headers={"Accept-Language": language})
    browser.force_login(head)
    found = {}
    for page in (reverse("priorities:index"), reverse("priorities:precinct", args=[precinct.pk])):
        response = browser.get(page)
        assert response.status_code == 200, page
        found[page] = sorted(english_words(response.content.decode()))
    assert all(not words for words in found.values()), found
