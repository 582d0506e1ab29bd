"""Long staff lists, one way everywhere: a search box (GET ``q``) and server-side pages.

A view reads the query with ``search_query``, lets its selector filter by it (in the
database where the rows are a queryset), and hands the result to ``page_of``; the template
shows ``{% search_box %}`` and ``{% pager page %}`` (``core/templatetags/listing.py``).
"""

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from django.core.paginator import Page, Paginator

PER_PAGE = 25
MAX_QUERY = 100  # longer text is no name anyone types; cut it rather than refuse it

T = TypeVar("T")


def search_query(request) -> str:
    """The list's search text (``q``), trimmed; empty when none."""
    return request.GET.get("q", "").strip()[:MAX_QUERY]


def page_of(request, items: Sequence | Iterable, *, per_page: int | None = None) -> Page:
    """The page asked for (``page``) of ``items``; a page out of range or not a number gives
    the nearest valid one rather than an error (a bookmarked page of a list that shrank)."""
    return Paginator(items, per_page or PER_PAGE).get_page(request.GET.get("page"))


def matching(rows: Iterable[T], query: str, name: Callable[[T], str]) -> list[T]:
    """The rows whose name contains the query, ignoring case (for lists computed in Python,
    such as report rows; a queryset filters with ``icontains`` instead)."""
    rows = list(rows)
    if not query:
        return rows
    needle = query.casefold()
    return [row for row in rows if needle in (name(row) or "").casefold()]
