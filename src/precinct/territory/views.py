"""Resident-facing territory pages: find my district inspector."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render


def locate_page(request):
    """The map page where a resident types an address or clicks the map."""
    return render(request, "territory/locate.html", {})


def locate_result(request):
    """htmx fragment with the precinct, inspectors and posts for a point."""
    return HttpResponse("")


def address_search(request):
    """Address candidates for what the resident typed."""
    return JsonResponse({"candidates": []})


def network_geojson(request):
    """The walking network as GeoJSON lines, for maps drawn without a tile server."""
    return JsonResponse({"type": "FeatureCollection", "features": []})
