"""The read surface of surveys: weighted estimates per department and period, as rows.

Other apps (evaluation) read survey results only through here. A wave that cannot be
weighted to its margins gives no rows, and says so in ``unweighted``: its indicators then
have no data for that period.
"""

import logging

from precinct.surveys.estimates import WeightingError, survey_estimates
from precinct.surveys.models import Survey

log = logging.getLogger(__name__)


def period_estimates(*, period: str) -> dict:
    """Estimates of every wave of a period: ``{"rows": [...], "unweighted": [survey ids]}``.

    A row is one question of one wave for its region (``department_id`` None) or one
    department: ``survey_id``, ``region_id``, ``key``, ``department_id``, ``value``,
    ``lower``, ``upper``, ``n``, ``n_eff``, ``suppressed``, ``kind``.
    """
    rows, unweighted = [], []
    waves = Survey.objects.filter(period=period).select_related("questionnaire").order_by("pk")
    for survey in waves:
        try:
            result = survey_estimates(survey=survey)
        except WeightingError as exc:
            log.warning("survey %s cannot be weighted: %s", survey.pk, exc)
            unweighted.append(survey.pk)
            continue
        for row in result["rows"]:
            rows.append({"survey_id": survey.pk, "region_id": survey.region_id, **row})
    return {"rows": rows, "unweighted": unweighted}
