"""The shared search box and pager of long staff lists (core/listing.py)."""

from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from precinct.core import listing

ROWS = [f"Precinct {n}" for n in range(1, 61)]


def _render(text: str, url: str, **extra) -> str:
    request = RequestFactory().get(url)
    page = listing.page_of(request, listing.matching(ROWS, listing.search_query(request), str))
    context = Context({"request": request, "page": page, **extra})
    with translation.override("en"):  # the assertions read the English texts
        return Template("{% load listing %}" + text).render(context)


def test_page_of__pages_of_25_and_a_bad_page_gives_the_nearest():
    request = RequestFactory().get("/x/?page=3")
    page = listing.page_of(request, ROWS)
    assert page.number == 3 and list(page) == ROWS[50:60]
    assert listing.page_of(RequestFactory().get("/x/?page=99"), ROWS).number == 3
    assert listing.page_of(RequestFactory().get("/x/?page=abc"), ROWS).number == 1


def test_matching__case_insensitive_on_the_name_and_empty_query_keeps_all():
    assert listing.matching(ROWS, "PRECINCT 5", str) == ["Precinct 5"] + [
        f"Precinct {n}" for n in range(50, 60)]  # fmt: skip
    assert listing.matching(ROWS, "", str) == ROWS
    assert listing.search_query(RequestFactory().get("/x/?q=" + "a" * 500)) == "a" * 100


def test_pager__keeps_the_filters_and_the_search_and_links_both_ways():
    html = _render('{% pager page "table" %}', "/x/?level=precinct&q=precinct&page=2")
    assert "60 found" in html and "page 2 of 3" in html
    assert 'href="?level=precinct&amp;q=precinct&amp;page=1#table" rel="prev"' in html
    assert 'href="?level=precinct&amp;q=precinct&amp;page=3#table" rel="next"' in html


def test_pager__one_page_has_no_links():
    html = _render("{% pager page %}", "/x/?q=precinct 3")
    assert "found" in html and 'rel="next"' not in html and "page 1 of" not in html


def test_search_box__a_get_form_keeping_the_other_filters_but_not_the_page():
    html = _render('{% search_box "Find" %}', "/x/?level=region&page=4&q=ab")
    assert 'method="get"' in html and 'name="q" value="ab"' in html
    assert '<input type="hidden" name="level" value="region">' in html
    assert 'name="page"' not in html
    assert 'href="?level=region"' in html  # "show all" drops the search only
