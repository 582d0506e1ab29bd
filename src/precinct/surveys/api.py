"""Public survey results: weighted estimates only, suppressed below a minimum sample."""

from django.shortcuts import get_object_or_404
from ninja import Router, Status

from precinct.surveys.models import Survey
from precinct.surveys.schemas import ErrorOut, ResultsOut

router = Router(tags=["surveys"])


@router.get("/surveys/{survey_id}/results", response={200: ResultsOut, 409: ErrorOut}, auth=None)
def survey_results(request, survey_id: int):
    """Weighted estimates with 95 % intervals, for the region and each department."""
    # Imported on use: pages that collect answers never load the numeric core.
    from precinct.surveys.estimates import WeightingError, survey_estimates

    survey = get_object_or_404(Survey.objects.select_related("questionnaire"), pk=survey_id)
    try:
        result = survey_estimates(survey=survey)
    except WeightingError as exc:
        return Status(409, {"code": "weighting_failed", "detail": str(exc)})
    w = result["weights"]
    return Status(
        200,
        {
            "survey_id": survey.pk,
            "period": survey.period,
            "weighted": w.weighted,
            "converged": w.converged,
            "design_effect": w.design_effect,
            "n_eff": w.n_eff,
            "estimates": result["rows"],
        },
    )
