"""The frame of the open-data API (/opendata/api/): how every resource answers.

data.police.uk's manner, so that its clients work unchanged: plain JSON (no envelope),
field names and string-typed coordinates as it writes them, 200 on success and a non-200
status on failure (404 for an unknown force, neighbourhood or point, 400 for malformed
input). A refusal carries precinct's one error body (``{"code", "detail", "errors"}``),
which police.uk clients ignore and others can read.

Every answer is public: open to any origin (CORS), cacheable for
``PRECINCT_OPENDATA_MAX_AGE_SECONDS`` with an ETag (a repeated request with
``If-None-Match`` gets 304), and in the language asked: ``?lang=ru|kk|en`` first, else the
``Accept-Language`` header, else Russian. Never the language cookie or session, so the
answer depends on the URL and that one header only (``Vary: Accept-Language``).

A resource is a function ``(request, **path) -> payload`` decorated with ``@resource()``;
it raises ``DomainError`` (``not_found()`` for 404) and never builds a response.
"""

import functools

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from precinct.analytics import disclosure
from precinct.core.errors import DomainError, domain_error_body, error_body
from precinct.core.replica import replica_reads

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
# Browsers send a few dozen characters; anything longer is not a language list.
ACCEPT_LANGUAGE_MAX = 500


def not_found() -> DomainError:
    """The refusal for an unknown force, neighbourhood, record or resource."""
    return DomainError(_("Not found."), code="not_found", status=404)


def bad_parameter(name: str, message: str) -> DomainError:
    """The refusal of a malformed query parameter, naming it."""
    return DomainError(f"{name}: {message}", field=name, status=400, errors=[(name, message)])


def published_count(value: int | None) -> int | None:
    """A count as the open data may publish it (``analytics.disclosure``, the deployment's
    ``PRECINCT_DISCLOSURE_MIN_COUNT``): None when small enough to single someone out."""
    return disclosure.count(value, min_count=settings.PRECINCT_DISCLOSURE_MIN_COUNT)


def reader_language(request) -> str:
    """``?lang=`` when given (refused unless ru, kk or en), else the first supported
    language of ``Accept-Language`` by preference, else the site's default (Russian)."""
    asked = request.GET.get("lang")
    if asked is not None:
        if asked not in LANGUAGES:
            raise bad_parameter("lang", _("use one of %(codes)s") % {"codes": ", ".join(LANGUAGES)})
        return asked
    for tag in accepted_languages(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        try:
            return translation.get_supported_language_variant(tag)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def accepted_languages(header: str) -> list[str]:
    """The language tags of an ``Accept-Language`` header, most preferred first (ties keep
    their order; ``*``, ``q=0`` and malformed entries are dropped)."""
    ranked = []
    for position, entry in enumerate(header[:ACCEPT_LANGUAGE_MAX].split(",")):
        tag, _sep, params = entry.strip().partition(";")
        tag = tag.strip().lower()
        if not tag or tag == "*" or not all(part.isalnum() for part in tag.split("-")):
            continue
        quality = 1.0
        name, _eq, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                continue
        if quality > 0:
            ranked.append((-quality, position, tag))
    return [tag for _q, _p, tag in sorted(ranked)]


def resource(*, methods: tuple[str, ...] = ("GET",)):
    """Make ``view`` an open-data resource answering ``methods`` (HEAD with GET, and CORS
    preflights); see the module's docstring for what every answer carries."""
    allowed = (*methods, "HEAD", "OPTIONS") if "GET" in methods else (*methods, "OPTIONS")

    def decorate(view):
        # No cookie or session is read: a forged cross-site request can do nothing here.
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
            elif request.method not in allowed:
                response = _method_not_allowed(request, allowed)
            else:
                response = _answer(request, view, args, kwargs)
            return _public(response, allowed)

        return wrapper

    return decorate


def _answer(request, view, args, kwargs) -> HttpResponse:
    try:
        language = reader_language(request)
    except DomainError as exc:
        return _refusal(exc)
    # Every resource is a read of published figures (a POST carries a long polygon):
    # the replica may answer it (core.replica).
    with translation.override(language), replica_reads():
        try:
            payload = view(request, *args, **kwargs)
        except DomainError as exc:
            response = _refusal(exc)
        else:
            response = _json(request, payload)
    response["Content-Language"] = language
    return response


def _json(request, payload) -> HttpResponse:
    response = JsonResponse(payload, safe=False, json_dumps_params={"ensure_ascii": False})
    set_response_etag(response)
    response["Cache-Control"] = f"public, max-age={settings.PRECINCT_OPENDATA_MAX_AGE_SECONDS}"
    # 304 when If-None-Match holds this ETag: the client keeps its copy.
    return get_conditional_response(request, etag=response["ETag"], response=response)


def _refusal(exc: DomainError) -> HttpResponse:
    response = JsonResponse(domain_error_body(exc), status=exc.status)
    response["Cache-Control"] = "no-cache"
    return response


def _method_not_allowed(request, allowed) -> HttpResponse:
    detail = _("Use %(methods)s.") % {"methods": ", ".join(allowed)}
    body = error_body("method_not_allowed", detail, [(None, detail)])
    response = JsonResponse(body, status=405)
    response["Allow"] = ", ".join(allowed)
    return response


def _public(response: HttpResponse, allowed) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = ", ".join(allowed)
    response["Access-Control-Allow-Headers"] = "Accept-Language, If-None-Match"
    response["Access-Control-Expose-Headers"] = "ETag, Content-Language"
    response["Access-Control-Max-Age"] = "86400"
    patch_vary_headers(response, ["Accept-Language"])
    return response


@resource(methods=("GET", "POST"))
def unknown(request, path: str = ""):
    """Any other address under /opendata/api/: 404 in the same JSON as the rest."""
    raise not_found()
