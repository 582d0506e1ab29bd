"""Public evaluation endpoints: the methodology catalog and department scorecards."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status

from precinct.core.errors import error_responses
from precinct.core.replica import reads_from_replica
from precinct.evaluation import selectors
from precinct.evaluation.models import Period
from precinct.evaluation.schemas import MethodologyOut, ScorecardOut
from precinct.evaluation.services import EvaluationError
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
