"""The read surface of surveys: weighted estimates per department and period, as rows.

Other apps (evaluation) read survey results only through here. A wave that cannot be
weighted to its margins gives no rows, and says so in ``unweighted``: its indicators then
have no data for that period.
"""

import logging

from django.utils import timezone

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


def recent_estimates(*, keys: list[str], waves: int = 2, today=None) -> dict:
    """The estimates of some questions in the last ``waves`` periods whose fieldwork has
    closed, for the trend a public page shows: ``{"periods": [newest first], "rows":
    [...]}``, each row one of ``period_estimates`` with its ``period``. No closed wave:
    no periods and no rows (the page says there is no survey yet)."""
    today = today or timezone.localdate()
    periods: list[str] = []
    closed = Survey.objects.filter(closes_on__lt=today).order_by("-closes_on", "-id")
    for period in closed.values_list("period", flat=True):
        if period not in periods:
            periods.append(period)
        if len(periods) == waves:
            break
    rows = [
        {"period": period, **row}
        for period in periods
        for row in period_estimates(period=period)["rows"]
        if row["key"] in keys
    ]
    return {"periods": periods, "rows": rows}
