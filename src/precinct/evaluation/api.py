"""Public evaluation endpoints: the methodology catalog and department scorecards."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status

from precinct.accounts import access
from precinct.accounts.auth import staff_auth
from precinct.core.errors import error_responses
from precinct.core.replica import reads_from_replica
from precinct.evaluation import selectors, tasks
from precinct.evaluation.models import Period
from precinct.evaluation.schemas import (
    InterventionIn,
    InterventionOut,
    InterventionPageOut,
    MethodologyOut,
    ScorecardOut,
)
from precinct.evaluation.services import EvaluationError, InterventionForbidden
from precinct.territory.models import Department

router = Router(tags=["evaluation"])


@router.get("/evaluation/methodology", response={200: MethodologyOut}, auth=None)
@reads_from_replica
def methodology(request):
    """The current catalog of indicators: definition, source, direction, weight …"""
    return selectors.methodology_catalog()


@router.get(
    "/evaluation/scorecards/{department_id}",
    response={200: ScorecardOut, **error_responses(400, 404)},
    auth=None,
)
@reads_from_replica
def scorecard(request, department_id: int, period: str | None = None):
    """A department's indicators with value, interval, trend and peer rank (public)."""
    department = get_object_or_404(Department.objects.select_related("region"), pk=department_id)
    chosen = None
    if period:
        chosen = Period.objects.filter(label=period).first()
        if chosen is None:
            raise EvaluationError(
                _("There is no period “%(period)s”.") % {"period": period},
                field="period",
                code="unknown_period",
                status=404,
            )
    card = selectors.scorecard(department=department, period=chosen)
    if card is None:
        raise EvaluationError(_("No period has been evaluated."), code="not_computed", status=404)
    return Status(200, scorecard_payload(card))


def scorecard_payload(card: dict) -> dict:
    d = card["department"]
    return {
        **{k: v for k, v in card.items() if k not in ("department", "period", "index_series")},
        "department_id": d.pk,
        "department": d.display_name,
        "region": d.region.display_name,
        "period": card["period"].label,
    }


INTERVENTIONS_PER_PAGE = 25


def _may_view(user) -> None:
    if not access.can_view_interventions(user):
        raise InterventionForbidden(_("Interventions are for heads and analysts."))


@router.get(
    "/evaluation/interventions",
    response={200: InterventionPageOut, **error_responses(400, 401, 403)},
    auth=staff_auth,
)
def interventions(request, page: int = 1):
    """Recorded changes of the reader's scope, newest first, 25 a page."""
    _may_view(request.auth)
    if page < 1:
        raise EvaluationError(_("Pages are numbered from 1."), field="page")
    qs = selectors.interventions_for(request.auth)
    count = qs.count()
    pages = max(1, -(-count // INTERVENTIONS_PER_PAGE))
    rows = qs[(page - 1) * INTERVENTIONS_PER_PAGE : page * INTERVENTIONS_PER_PAGE]
    return Status(200, {
        "count": count, "page": page, "pages": pages,
        "results": [selectors.intervention_summary(c) for c in rows],
    })  # fmt: skip


@router.get(
    "/evaluation/interventions/{intervention_id}",
    response={200: InterventionOut, **error_responses(400, 401, 403, 404)},
    auth=staff_auth,
)
def intervention(request, intervention_id: int):
    """A change: treated and comparison precincts, per outcome the effect with its interval,
    method, pre-change trend and a plain verdict; for a planned change its design."""
    _may_view(request.auth)
    change = selectors.intervention_of(request.auth, intervention_id)
    return Status(200, selectors.intervention_payload(change))


@router.post(
    "/evaluation/interventions",
    response={202: InterventionOut, **error_responses(400, 401, 403, 409)},
    auth=staff_auth,
)
def intervention_record(request, payload: InterventionIn):
    """Record a change; its effects are estimated by the worker (``estimation`` says when)."""
    change = tasks.intervention_record_submit(actor=request.auth, **payload.dict())
    return Status(202, selectors.intervention_payload(change))
