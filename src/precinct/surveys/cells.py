"""Survey results computed from counts: each wave's cells, counted once.

Why cells and not day rollups. A wave's result is one weighting (raking) of all its
responses to the region's margins followed by weighted shares and means with intervals.
The weights are not additive over days (each depends on every response of the wave), so
results per day × department × question × answer with summed weights could not be
combined into a wave's result, and would go stale whenever a margin changes. What the
weighting reads of a respondent is only his cell: district department × age group × sex;
every respondent of a cell gets the same weight. And each estimate (``Σwy/Σw``, its
linearisation variance ``Σw²(y−ȳ)²``, Kish's ``n_eff``) needs, per question, only how many
respondents of each cell gave each value. So a wave's ``SurveyCell`` rows (respondents per
cell; per scored question, respondents per cell and value) determine its result exactly:
the read rakes the cells' respondents (expanded by count: raking works on cells anyway) to
the current margins and estimates from the counted values, without reading a single
answer. The size is bounded by the questionnaire, not by the number of respondents: at
most districts × 8 cells × (1 + the values of its scored questions) rows (yes/no and
agreeing count two values, a 10-point score ten), whether 1,600 or 1,000,000 answered.

Every write of a response marks its wave dirty in its own transaction
(``models.mark_cells_dirty``); a dirty wave is read from its responses (the exact path) until
the worker's periodic job ``cells_refresh`` counts its cells again (the read is
``estimates.weights_from_cells``). ``exact=True`` on the
estimates keeps the raw computation as the oracle; the two agree to rounding (sums in
another order), which the tests hold them to.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from django.db import connection, transaction

from precinct.surveys.estimates import indicator_kind, indicator_value
from precinct.surveys.models import Response, Survey, SurveyCell, SurveyCellsDirty


def count_cells(survey: Survey) -> list[SurveyCell]:
    """The wave's cells from its responses (what a rebuild stores)."""
    questions = [q for q in survey.questionnaire.questions.all() if indicator_kind(q)]
    counted: Counter = Counter()
    rows = Response.objects.filter(survey=survey).values_list(
        "department_id", "age_group", "sex", "answers"
    )
    for department, age, sex, answers in rows.iterator(chunk_size=5000):
        cell = (department, age, sex)
        counted[(*cell, "", None)] += 1
        for q in questions:
            value = indicator_value(q, answers.get(q.key))
            if not np.isnan(value):
                counted[(*cell, q.key, value)] += 1
    return [
        SurveyCell(survey=survey, department_id=d, age_group=a, sex=s, key=k, value=v, n=n)
        for (d, a, s, k, v), n in sorted(counted.items(), key=repr)
    ]


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('precinct.surveys.cells'))")


def cells_refresh() -> int:
    """Count the cells of every dirty wave again; the number of waves. The periodic job of
    every worker (``PRECINCT_PERIODIC_JOBS``), safe from several at once."""
    done = 0
    while True:
        with transaction.atomic():
            _lock()
            mark = SurveyCellsDirty.objects.order_by("marked_at", "id").first()
            if mark is None:
                return done
            survey = Survey.objects.select_related("questionnaire").get(pk=mark.survey_id)
            # The marks go before the responses are read: one committed later stays.
            SurveyCellsDirty.objects.filter(survey=survey).delete()
            SurveyCell.objects.filter(survey=survey).delete()
            SurveyCell.objects.bulk_create(count_cells(survey), batch_size=2000)
        done += 1
