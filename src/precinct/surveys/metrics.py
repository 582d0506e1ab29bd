"""The read surface of surveys: weighted estimates per department and period, as rows.

Other apps (evaluation) read survey results only through here. A wave that cannot be
weighted to its margins gives no rows, and says so in ``unweighted``: its indicators then
have no data for that period.
"""

import datetime as dt
import logging
from collections import Counter

from django.utils import timezone
from django.utils.translation import get_language

from precinct.surveys.estimates import WeightingError, survey_estimates
from precinct.surveys.models import Question, Response, Survey

log = logging.getLogger(__name__)


def period_estimates(*, period: str, exact: bool = False) -> dict:
    """Estimates of every wave of a period: ``{"rows": [...], "unweighted": [survey ids]}``.

    A row is one question of one wave for its region (``department_id`` None) or one
    department: ``survey_id``, ``region_id``, ``key``, ``department_id``, ``value``,
    ``lower``, ``upper``, ``n``, ``n_eff``, ``suppressed``, ``kind``. Each wave is read
    from its cells (``surveys.cells``); ``exact=True`` reads every response instead.
    """
    rows, unweighted = [], []
    waves = Survey.objects.filter(period=period).select_related("questionnaire").order_by("pk")
    for survey in waves:
        try:
            result = survey_estimates(survey=survey, exact=exact)
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


def choices_named(
    *,
    question_key: str,
    department_id: int,
    start: dt.date,
    end: dt.date,
    groups: dict[str, str] | None = None,
) -> dict:
    """How many respondents living in a department, answering from ``start`` to ``end``
    (local days), named each choice of a choice question (e.g. ``concerns``: the problems
    that worry them most). Unweighted counts of respondents, not estimates.

    ``groups`` maps choices to groups (``{"theft": "theft-fraud", "fraud": "theft-fraud"}``):
    a respondent naming two choices of one group counts once in it; a choice not in
    ``groups`` is its own group. Returns ``{"respondents": n answering the question,
    "counts": {group: n}, "labels": {choice: its text in the reader's language}}``; a
    period without answers gives zero respondents and no counts.
    """
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    groups = groups or {}
    # Only the one answer leaves the database (a JSON key), not the respondent's others.
    named = Response.objects.filter(
        department_id=department_id, submitted_at__gte=lo, submitted_at__lt=hi
    ).values_list(f"answers__{question_key}", flat=True)
    respondents, counts = 0, Counter()
    for answer in named:
        if answer in (None, "", []):
            continue
        choices = answer if isinstance(answer, list) else [answer]
        respondents += 1
        counts.update({groups.get(str(c), str(c)) for c in choices})
    return {
        "respondents": respondents,
        "counts": dict(counts),
        "labels": _choice_labels(question_key),
    }


def _choice_labels(question_key: str) -> dict[str, str]:
    """The choices' texts of the newest questionnaire asking ``question_key``."""
    question = Question.objects.filter(key=question_key).order_by("-questionnaire_id").first()
    if question is None:
        return {}
    lang = (get_language() or "ru")[:2]
    return {
        str(o["value"]): o.get(f"text_{lang}") or o.get("text", str(o["value"]))
        for o in question.options
    }
