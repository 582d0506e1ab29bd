"""Resident-facing territory pages: find my district inspector."""

from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from precinct.territory import geocoding, mapdata

# HTTP status of each reason a point cannot be served (the same as the JSON API).
_ERROR_STATUS = {"invalid_coordinates": 400, "outside_precincts": 404, "off_network": 404}
# Fewer letters than this match half the city: wait for more before searching.
MIN_QUERY = 2


def _map_labels() -> dict:
    return {
        "you": _("You are here"),
        "post": _("Police post"),
        "route": _("Walking route"),
    }


@require_GET
def locate_page(request):
    """The map page where a resident types an address or clicks the map."""
    config = mapdata.map_config(
        network_url=reverse("territory:network-geojson"),
        result_url=reverse("territory:locate-result"),
        labels=_map_labels(),
    )
    return render(request, "territory/locate.html", {"map_config": config})


@require_GET
def locate_result(request):
    """htmx fragment with the precinct, inspectors and posts for a point."""
    # The analytics core is imported on use, so pages without a map never load it.
    from precinct.territory.api import locate_payload
    from precinct.territory.locate import LocateError, locate
    from precinct.territory.network import NetworkMissing

    try:
        lon, lat = float(request.GET["lon"]), float(request.GET["lat"])
    except (KeyError, ValueError):
        return _result_error(request, "invalid_coordinates", 400)
    try:
        result = locate(lon=lon, lat=lat)
    except LocateError as exc:
        return _result_error(request, exc.code, _ERROR_STATUS.get(exc.code, 400))
    except NetworkMissing:
        return _result_error(request, "network_missing", 503)
    context = {"result": locate_payload(result, user=request.user)}
    return render(request, "territory/_result.html", context)


def _result_error(request, code: str, status: int) -> HttpResponse:
    return render(request, "territory/_result_error.html", {"code": code}, status=status)


@require_GET
def address_search(request):
    """Address candidates for what the resident typed (404 when nothing matches)."""
    query = request.GET.get("q", "").strip()
    candidates = geocoding.address_search(query=query) if len(query) >= MIN_QUERY else []
    status = 404 if len(query) >= MIN_QUERY and not candidates else 200
    context = {"candidates": candidates, "query": query, "searched": len(query) >= MIN_QUERY}
    return render(request, "territory/_candidates.html", context, status=status)


@require_GET
def network_geojson(request):
    """The walking network as GeoJSON lines, for maps drawn without a tile server."""
    from precinct.territory.network import NetworkMissing

    try:
        data = mapdata.walk_network_geojson()
    except NetworkMissing:
        detail = _("The road network has not been imported yet.")
        return JsonResponse({"code": "network_missing", "detail": detail}, status=503)
    if request.headers.get("If-None-Match") == data.etag:
        return HttpResponseNotModified(headers={"ETag": data.etag})
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(
        data.gzipped if gzipped else data.body, content_type="application/geo+json"
    )
    if gzipped:
        response["Content-Encoding"] = "gzip"
    response["ETag"] = data.etag
    response["Cache-Control"] = "public, max-age=3600"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
