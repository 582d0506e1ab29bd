"""The workspaces' pages: thin views over ``selectors`` (the API returns the same payloads)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from precinct.accounts import access
from precinct.accounts.guards import staff_page
from precinct.territory import mapdata
from precinct.workspace import selectors


@require_GET
@staff_page(access.can_open_inspector_workspace)
def inspector(request):
    """The inspector's start page: his own precinct's workspace."""
    return _precinct_page(request, precinct_id=None)


@require_GET
@staff_page(access.is_staff_member)
def precinct(request, precinct_id: int):
    """A precinct's workspace: the inspector's own, or one a head oversees (403 otherwise)."""
    return _precinct_page(request, precinct_id=precinct_id)


@require_GET
@staff_page(access.can_open_head_workspace)
def head(request):
    """The head's start page: his department's queue, receptions, scorecard, precincts."""
    context = {"workspace": selectors.head_workspace(user=request.user)}
    return render(request, "workspace/head.html", context)


def _precinct_page(request, *, precinct_id: int | None):
    try:
        precinct = selectors.precinct_for(user=request.user, precinct_id=precinct_id)
    except selectors.WorkspaceError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied(exc.message) from exc
        if exc.code == "not_found":
            raise Http404(exc.message) from exc
        return render(request, "workspace/unassigned.html", {"message": exc.message})
    workspace = selectors.precinct_workspace(user=request.user, precinct=precinct)
    card = workspace["precinct"]
    config = mapdata.map_config(result_url="", labels=_map_labels(), bounds=card["bounds"])
    map_data = {"boundary": card["boundary"], "posts": card["posts"]}
    context = {"workspace": workspace, "map_config": config, "map_data": map_data}
    return render(request, "workspace/precinct.html", context)


def _map_labels() -> dict:
    return {"post": _("Police post"), "precinct": _("Precinct boundary")}
