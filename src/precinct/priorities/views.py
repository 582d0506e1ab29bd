"""Staff pages of priorities: the precincts a user works on, and one precinct's priorities
with the form to set one and, on each, review, report what was done and close (htmx swaps
the one priority's card; without script the page reloads)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from precinct.accounts import access
from precinct.accounts.guards import staff_page
from precinct.core.errors import DomainError
from precinct.core.listing import page_of, search_query
from precinct.priorities import metrics, selectors, services

TEXT_FIELDS = ("issue", "issue_kk", "issue_en", "place", "place_kk", "place_en")
ACTION_FIELDS = ("text", "text_kk", "text_en")


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _fields(exc: DomainError) -> dict:
    return {(field or "form"): message for field, message in exc.errors}


def _precinct(request, precinct_id: int):
    try:
        return selectors.precinct_for(user=request.user, precinct_id=precinct_id)
    except selectors.PriorityAccessError as exc:
        raise (Http404 if exc.status == 404 else PermissionDenied)(exc.message) from exc


def _priority(request, priority_id: int):
    try:
        return selectors.priority_for(user=request.user, priority_id=priority_id)
    except selectors.PriorityAccessError as exc:
        raise (Http404 if exc.status == 404 else PermissionDenied)(exc.message) from exc


@require_GET
@staff_page(access.can_work_on_priorities)
def index(request):
    """The precincts whose priorities the user sets, the overdue reviews counted."""
    query = search_query(request)
    page = page_of(request, selectors.precincts_for(user=request.user, query=query))
    return render(request, "priorities/index.html", {"page": page, "query": query})


@require_http_methods(["GET", "POST"])
@staff_page(access.can_work_on_priorities)
def precinct(request, precinct_id: int):
    """A precinct's priorities and what residents raised; POST sets a new priority."""
    place = _precinct(request, precinct_id)
    if request.method == "GET":
        return _page(request, place)
    post = request.POST
    try:
        services.priority_set(
            actor=request.user,
            precinct=place,
            since=_date(post.get("since")),
            theme=post.get("theme", ""),
            **{f: post.get(f, "") for f in TEXT_FIELDS},
        )
    except DomainError as exc:
        return _page(request, place, errors=_fields(exc), values=post, status=exc.status)
    return redirect("priorities:precinct", precinct_id=place.pk)


def _page(request, place, *, errors=None, values=None, status=200):
    context = {
        **selectors.precinct_priorities_page(precinct=place),
        "theme_choices": metrics.theme_choices(),
        "errors": errors or {},
        "values": values or {},
    }
    return render(request, "priorities/precinct.html", context, status=status)


def _card(request, priority, *, errors=None, values=None, status=200):
    """The priority's card (htmx) or, without script, the whole page again."""
    if not request.htmx:
        if errors:
            return _page(request, priority.precinct, errors=errors, values=values, status=status)
        return redirect("priorities:precinct", precinct_id=priority.precinct_id)
    context = {
        "p": selectors.priority_row(priority=priority),
        "errors": errors or {},
        "values": values or {},
    }
    return render(request, "priorities/_priority.html", context, status=status)


@require_POST
@staff_page(access.can_work_on_priorities)
def review(request, priority_id: int):
    """Reviewed with residents today; the texts may be edited on the way."""
    priority = _priority(request, priority_id)
    post = request.POST
    try:
        priority = services.priority_review(
            actor=request.user, priority=priority, **{f: post[f] for f in TEXT_FIELDS if f in post}
        )
    except DomainError as exc:
        return _card(request, priority, errors=_fields(exc), values=post, status=exc.status)
    return _card(request, priority)


@require_POST
@staff_page(access.can_work_on_priorities)
def action(request, priority_id: int):
    """What was done about it, dated."""
    priority = _priority(request, priority_id)
    post = request.POST
    try:
        services.priority_action_record(
            actor=request.user,
            priority=priority,
            done_on=_date(post.get("done_on")),
            **{f: post.get(f, "") for f in ACTION_FIELDS},
        )
    except DomainError as exc:
        return _card(request, priority, errors=_fields(exc), values=post, status=exc.status)
    return _card(request, priority)


@require_POST
@staff_page(access.can_work_on_priorities)
def close(request, priority_id: int):
    """Dealt with: the priority leaves the current list (and the public page's)."""
    priority = _priority(request, priority_id)
    try:
        priority = services.priority_close(actor=request.user, priority=priority)
    except DomainError as exc:
        return _card(request, priority, errors=_fields(exc), status=exc.status)
    return _card(request, priority)
