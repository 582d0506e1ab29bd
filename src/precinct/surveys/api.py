"""Public survey results: weighted estimates only, suppressed below a minimum sample."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status

from precinct.accounts import access
from precinct.accounts.auth import staff_auth
from precinct.core.errors import error_responses
from precinct.surveys import services
from precinct.surveys.models import Survey
from precinct.surveys.schemas import InvitationsIn, InvitationsOut, ResultsOut
from precinct.territory.models import Department

router = Router(tags=["surveys"])


@router.get(
    "/surveys/{survey_id}/results",
    response={200: ResultsOut, **error_responses(400, 404, 409)},
    auth=None,
)
def survey_results(request, survey_id: int):
    """Weighted estimates with 95 % intervals, for the region and each department.

    409 ``weighting_failed`` when the responses cannot be weighted to the margins.
    """
    # Imported on use: pages that collect answers never load the numeric core.
    from precinct.surveys.estimates import survey_estimates

    survey = get_object_or_404(Survey.objects.select_related("questionnaire"), pk=survey_id)
    result = survey_estimates(survey=survey)
    w = result["weights"]
    return Status(
        200,
        {
            "survey_id": survey.pk,
            "period": survey.period,
            "weighted": w.weighted,
            "converged": w.converged,
            "weighting_report": w.report,
            "design_effect": w.design_effect,
            "n_eff": w.n_eff,
            "estimates": result["rows"],
        },
    )


@router.post(
    "/surveys/{survey_id}/invitations",
    response={201: InvitationsOut, **error_responses(400, 401, 403, 404)},
    auth=staff_auth,
)
def invitations_create(request, survey_id: int, payload: InvitationsIn):
    """Issue one-time invitation links (analysts and administrators)."""
    if not access.can_manage_surveys(request.auth):
        raise services.SurveyError(
            _("Only analysts issue invitations."), code="forbidden", status=403
        )
    survey = get_object_or_404(Survey, pk=survey_id)
    department = None
    if payload.department_id is not None:
        department = Department.objects.filter(
            pk=payload.department_id, region=survey.region
        ).first()
        if department is None:
            raise services.SurveyError(
                _("This department is not in the survey's region."), field="department_id"
            )
    tokens = services.invitations_issue(survey=survey, count=payload.count, department=department)
    links = [request.build_absolute_uri(reverse("surveys:invitation", args=[t])) for t in tokens]
    return Status(201, {"survey_id": survey.pk, "links": links})
