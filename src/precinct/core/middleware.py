"""Request guards and response headers that hold for every page and API alike.

- ``refuse_nul_bytes``: a NUL byte in a path, query, form field or JSON string is never
  meaningful input, and PostgreSQL refuses it in text (a 500 deep inside a service). It is
  answered here with a 400 naming the field, in the shape the door expects (the JSON API's
  error body, Open311's error list, the site's 400 page).
- ``security_headers``: the Content-Security-Policy, and ``Cache-Control: no-store`` on
  every answer to a signed-in user or a bearer token, so that no shared or back-button
  cache keeps a page of personal data.
"""

import re
from urllib.parse import parse_qsl, unquote_to_bytes
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import get_resolver

from precinct.core.errors import error_body

_JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)


def _nul_field(request) -> str | None:
    """The name of the first input that holds a NUL byte, or None."""
    if b"\x00" in unquote_to_bytes(request.path_info):
        return "path"
    for name, value in parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            return name.replace("\x00", "") or "query"
    if "\x00" in request.META.get("HTTP_AUTHORIZATION", ""):
        return "Authorization"
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        body = request.body
        return "body" if b"\x00" in body or _JSON_NUL.search(body) else None
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # Files may hold NUL bytes (a photo); only the typed fields are text.
        for name, values in request.POST.lists():
            if "\x00" in name or any("\x00" in v for v in values):
                return name.replace("\x00", "") or "form"
    return None


def _refusal(request, field: str):
    message = f"{field}: a NUL character is not allowed"
    if request.path_info.startswith("/open311/"):
        return _open311_error(request, message)
    if request.path_info.startswith(("/api/", "/opendata/api/")):
        body = error_body("invalid_input", message, [(field, "a NUL character is not allowed")])
        return JsonResponse(body, status=400)
    view, kwargs = get_resolver().resolve_error_handler(400), {}
    return view(request, ValueError(message), **kwargs)


def _open311_error(request, message: str):
    """Open311's error list, in the format the address asks for (.xml or JSON)."""
    if request.path_info.rstrip("/").endswith(".xml"):
        xml = (
            '<?xml version="1.0" encoding="utf-8"?><errors><error><code>400</code>'
            f"<description>{escape(message)}</description></error></errors>"
        )
        return HttpResponse(xml, status=400, content_type="text/xml; charset=utf-8")
    return JsonResponse([{"code": 400, "description": message}], status=400, safe=False)


def refuse_nul_bytes(get_response):
    """Answer 400 to any request carrying a NUL byte in its text inputs."""

    def middleware(request):
        field = _nul_field(request)
        if field is not None:
            return _refusal(request, field)
        return get_response(request)

    return middleware


def _csp() -> str:
    return "; ".join(f"{name} {' '.join(values)}" for name, values in settings.PRECINCT_CSP.items())


def security_headers(get_response):
    """The CSP on every answer; no-store on every answer to an identified caller."""
    policy = _csp()

    def middleware(request):
        response = get_response(request)
        if policy:
            response.headers.setdefault("Content-Security-Policy", policy)
        user = getattr(request, "user", None)
        identified = "HTTP_AUTHORIZATION" in request.META or bool(
            user is not None and user.is_authenticated
        )
        if identified:
            response.headers["Cache-Control"] = "no-store"
        return response

    return middleware
