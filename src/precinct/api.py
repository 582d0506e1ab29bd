"""The JSON API root: /api/v1/, with its OpenAPI document at /api/v1/openapi.json.

Every refusal leaves here as the one error body, ``core.errors.ErrorOut``: the handlers
below turn domain errors, malformed input, ninja's own HTTP errors (401 without a token,
403 on a failed CSRF check) and Django's 404 into it, so endpoints only raise.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from precinct.accounts.api import router as accounts_router
from precinct.appeals.api import router as appeals_router
from precinct.core import validation
from precinct.core.errors import DomainError, domain_error_body, error_body
from precinct.dispatch.api import router as dispatch_router
from precinct.evaluation.api import router as evaluation_router
from precinct.integrity.api import router as integrity_router
from precinct.planning.api import router as planning_router
from precinct.priorities.api import router as priorities_router
from precinct.surveys.api import router as surveys_router
from precinct.territory.api import router as territory_router
from precinct.territory.network import NetworkMissing, OutsideRegions
from precinct.workspace.api import router as workspace_router

api = NinjaAPI(
    title="precinct API",
    version="1",
    description="Service-model policing: territory, appeals, dispatch, planning, evaluation.",
    urls_namespace="api",
    docs_url="/docs",
)

# The code of a bare HTTP error, by status (ninja raises them for auth and CSRF).
HTTP_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    429: "rate_limited",
}


@api.exception_handler(ValidationError)
def bad_input(request, exc: ValidationError):
    """Malformed input is the client's mistake: 400 with each field named (in the
    request's language), never 422/500."""
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path", "payload")]
        errors.append((".".join(loc) or None, validation.message(err)))
    detail = "; ".join(f"{field}: {message}" if field else message for field, message in errors)
    return api.create_response(request, error_body("invalid_input", detail, errors), status=400)


@api.exception_handler(DomainError)
def refused(request, exc: DomainError):
    """A domain rule refused the request: its status with the one error body."""
    return api.create_response(request, domain_error_body(exc), status=exc.status)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """Ninja's own refusals (no token: 401, CSRF: 403 …) in the one error body."""
    code = HTTP_CODES.get(exc.status_code, "error")
    return api.create_response(
        request, error_body(code, str(exc), [(None, str(exc))]), status=exc.status_code
    )


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    """``get_object_or_404`` and friends; the model's name stays out of the answer."""
    detail = _("Not found.")
    return api.create_response(
        request, error_body("not_found", detail, [(None, detail)]), status=404
    )


@api.exception_handler(PermissionDenied)
def forbidden(request, exc: PermissionDenied):
    """A rule of ``accounts.access`` refused the caller (the services raise Django's own
    PermissionDenied, as for the pages): 403 in the one error body."""
    detail = _("You may not do this.")
    return api.create_response(
        request, error_body("forbidden", detail, [(None, detail)]), status=403
    )


@api.exception_handler(NetworkMissing)
def network_missing(request, exc: NetworkMissing):
    """The server has no road network yet: not the client's fault, so 503."""
    detail = str(exc)
    return api.create_response(
        request, error_body("network_missing", detail, [(None, detail)]), status=503
    )


@api.exception_handler(OutsideRegions)
def outside_regions(request, exc: OutsideRegions):
    """The point lies outside every region whose network is imported: 404, like a point
    outside the precincts."""
    detail = str(exc)
    return api.create_response(
        request, error_body("no_region_network", detail, [(None, detail)]), status=404
    )


api.add_router("/", accounts_router)
api.add_router("/", territory_router)
api.add_router("/", planning_router)
api.add_router("/", surveys_router)
api.add_router("/", integrity_router)
api.add_router("/", evaluation_router)
api.add_router("/", appeals_router)
api.add_router("/", dispatch_router)
api.add_router("/", workspace_router)
api.add_router("/", priorities_router)
