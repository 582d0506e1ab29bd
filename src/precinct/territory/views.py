"""Resident-facing territory pages: find my district inspector."""

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from precinct.core.errors import error_body
from precinct.territory import geocoding, mapdata

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
        result_url=reverse("territory:locate-result"),
        labels=_map_labels(),
    )
    return render(request, "territory/locate.html", {"map_config": config})


@require_GET
def locate_result(request):
    """htmx fragment with the precinct, inspectors and posts for a point."""
    # The analytics core is imported on use, so pages without a map never load it.
    from precinct.territory.locate import LocateError, locate, locate_payload
    from precinct.territory.network import NetworkMissing

    try:
        lon, lat = float(request.GET["lon"]), float(request.GET["lat"])
    except (KeyError, ValueError):
        return _result_error(request, "invalid_coordinates", 400)
    try:
        result = locate(lon=lon, lat=lat)
    except LocateError as exc:
        return _result_error(request, exc.code, exc.status)
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
def basemap_tile(request, lang: str, z: int, x: int, y: int):
    """One base-map tile: streets with names in ``lang`` and buildings, as GeoJSON."""
    from precinct.territory.network import NetworkMissing, OutsideRegions

    if lang not in dict(settings.LANGUAGES) or z > mapdata.MAX_TILE_ZOOM or max(x, y) >= 2**z:
        raise Http404
    try:
        tile = mapdata.basemap_tile(z=z, x=x, y=y, lang=lang)
    except OutsideRegions:
        detail = _("No road network is imported for this region.")
        return JsonResponse(error_body("no_region_network", detail), status=404)
    except NetworkMissing:
        detail = _("The road network has not been imported yet.")
        return JsonResponse(error_body("network_missing", detail), status=503)
    if request.headers.get("If-None-Match") == tile.etag:
        return HttpResponseNotModified(headers={"ETag": tile.etag})
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(
        tile.gzipped if gzipped else tile.body, content_type="application/geo+json"
    )
    if gzipped:
        response["Content-Encoding"] = "gzip"
    response["ETag"] = tile.etag
    # A day: a new import changes the map config's URLs only through the ETag, so browsers
    # revalidate daily rather than keep last year's streets.
    response["Cache-Control"] = "public, max-age=86400"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
