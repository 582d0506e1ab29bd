"""Pages about the service model itself, and a health check."""

from django.db import connection
from django.http import HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from precinct.core.errors import error_body
from precinct.core.replica import reads_from_replica
from precinct.territory import metrics


@reads_from_replica
def home(request):
    """What the service model promises residents, and where to start."""
    return render(request, "core/home.html", {"summary": metrics.territory_summary()})


@reads_from_replica
def data_sources(request):
    """Which data are real, which derived and which generated for the demo."""
    return render(request, "core/data_sources.html", {"summary": metrics.territory_summary()})


def healthz(request):
    """For load balancers and start-up scripts: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# --- error pages: in the site and the reader's language ----------------------------------
# LocaleMiddleware has chosen the language before a view fails, so the templates translate.
# The JSON API answers its own errors; an address under it that matches nothing still gets
# the API's one error body rather than a page.
_API_PREFIXES = ("/api/",)


def _api_error(request, status: int, code: str, detail: str):
    if request.path.startswith(_API_PREFIXES):
        return JsonResponse(error_body(code, detail), status=status)
    return None


def bad_request(request, exception=None):
    """400 without the request's context: the request itself may be what is broken."""
    return _api_error(request, 400, "bad_request", _("Bad request.")) or HttpResponseBadRequest(
        loader.render_to_string("400.html")
    )


def permission_denied(request, exception=None):
    api = _api_error(request, 403, "forbidden", _("You may not do this."))
    return api or render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    api = _api_error(request, 404, "not_found", _("Nothing is found at this address."))
    return api or render(request, "404.html", status=404)


def server_error(request):
    """500 with neither the database nor the request: whatever failed may fail again."""
    api = _api_error(request, 500, "server_error", _("Something went wrong on our side."))
    return api or HttpResponseServerError(loader.render_to_string("500.html"))
