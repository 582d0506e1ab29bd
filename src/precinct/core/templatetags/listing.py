"""The search box and the pager of every long staff list (see ``core/listing.py``)."""

from urllib.parse import urlencode

from django import template

register = template.Library()


def _other_params(request, *drop: str) -> list[tuple[str, str]]:
    """The query's other parameters (filters, sort), kept across a search or a page turn."""
    if request is None:
        return []
    return [(k, v) for k, values in request.GET.lists() if k not in drop for v in values]


@register.inclusion_tag("core/_search_box.html", takes_context=True)
def search_box(context, label: str, anchor: str = "", placeholder: str = ""):
    """A GET form with one search field (``q``); the other filters ride along hidden."""
    request = context.get("request")
    return {
        "label": label, "placeholder": placeholder, "anchor": anchor,
        "query": request.GET.get("q", "") if request else "",
        "hidden": _other_params(request, "q", "page"),
        "clear": _querystring(_other_params(request, "q", "page")),
    }  # fmt: skip


@register.inclusion_tag("core/_pager.html", takes_context=True)
def pager(context, page, anchor: str = ""):
    """Previous / next links, "page 2 of 15" and the number of rows found."""
    request = context.get("request")
    kept = _other_params(request, "page")
    hash_ = f"#{anchor}" if anchor else ""

    def link(number: int) -> str:
        return _querystring([*kept, ("page", str(number))]) + hash_

    pages = page.paginator.num_pages
    return {
        "page": page,
        "previous": link(page.previous_page_number()) if page.has_previous() else "",
        "next": link(page.next_page_number()) if page.has_next() else "",
        "first": link(1) if page.number > 2 else "",
        "last": link(pages) if page.number < pages - 1 else "",
    }  # fmt: skip


def _querystring(params: list[tuple[str, str]]) -> str:
    return "?" + urlencode(params)
