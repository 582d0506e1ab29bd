"""The neighbourhood pages: public, thin views over ``selectors``."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from precinct.core.listing import page_of, search_query
from precinct.core.replica import reads_from_replica
from precinct.neighbourhoods import selectors
from precinct.territory import mapdata


@require_GET
@reads_from_replica
def precinct(request, department_code: str, number: int):
    """A precinct's page: its team, posts on a map, receptions, priorities and figures."""
    found = selectors.find_precinct(department_code=department_code, number=number)
    if found is None:
        raise Http404(_("There is no such precinct."))
    page = selectors.precinct_page(precinct=found)
    card = page["precinct"]
    labels = {"post": _("Police post"), "precinct": _("Precinct boundary")}
    context = {
        "page": page,
        "map_config": mapdata.map_config(result_url="", labels=labels, bounds=card["bounds"]),
        "map_data": {"boundary": card["boundary"], "posts": card["posts"]},
    }
    return render(request, "neighbourhoods/precinct.html", context)


@require_GET
@reads_from_replica
def department(request, department_code: str):
    """A department's page: its figures, receptions and its precincts, searched by number."""
    found = selectors.find_department(code=department_code)
    if found is None:
        raise Http404(_("There is no such department."))
    query = search_query(request)
    page = selectors.department_page(department=found, query=query)
    precincts = page_of(request, page["precincts"])
    selectors.with_figures(precincts.object_list)
    context = {"page": page, "precincts": precincts, "query": query}
    return render(request, "neighbourhoods/department.html", context)


@require_GET
@reads_from_replica
def region(request, region_code: str):
    """A region's page: its figures and its departments side by side."""
    found = selectors.find_region(code=region_code)
    if found is None:
        raise Http404(_("There is no such region."))
    context = {"page": selectors.region_page(region=found)}
    return render(request, "neighbourhoods/region.html", context)


@require_GET
@reads_from_replica
def national(request):
    """Every region side by side."""
    return render(request, "neighbourhoods/national.html", {"page": selectors.national_page()})
