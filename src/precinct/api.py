"""The JSON API root: /api/v1/, with its OpenAPI document at /api/v1/openapi.json."""

from ninja import NinjaAPI
from ninja.errors import ValidationError

from precinct.accounts.api import router as accounts_router
from precinct.appeals.api import router as appeals_router
from precinct.core.errors import DomainError, domain_error_body
from precinct.dispatch.api import router as dispatch_router
from precinct.evaluation.api import router as evaluation_router
from precinct.integrity.api import router as integrity_router
from precinct.planning.api import router as planning_router
from precinct.surveys.api import router as surveys_router
from precinct.territory.api import router as territory_router

api = NinjaAPI(
    title="precinct API",
    version="1",
    description="Service-model policing: territory, appeals, dispatch, planning, evaluation.",
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def bad_input(request, exc: ValidationError):
    """Malformed input is the client's mistake: 400 with each field named, never 422/500."""
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "body", "path", "payload")]
        errors.append({"field": ".".join(loc) or None, "message": err.get("msg", "invalid")})
    detail = "; ".join(
        f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors
    )
    return api.create_response(
        request, {"code": "invalid_input", "detail": detail, "errors": errors}, status=400
    )


@api.exception_handler(DomainError)
def refused(request, exc: DomainError):
    """A domain rule refused the request: its status with the one error body."""
    return api.create_response(request, domain_error_body(exc), status=exc.status)


api.add_router("/", accounts_router)
api.add_router("/", territory_router)
api.add_router("/", planning_router)
api.add_router("/", surveys_router)
api.add_router("/", integrity_router)
api.add_router("/", evaluation_router)
api.add_router("/", appeals_router)
api.add_router("/", dispatch_router)
