"""Weighted survey results: raking to population margins, then estimates with intervals.

The arithmetic lives in the analytics core (``precinct.analytics.weighting``); this module
only turns a survey's responses and the region's margins into arrays and back.
Only aggregates leave this module, and those on too few effective respondents are blanked.
"""

from dataclasses import dataclass, field

import numpy as np
from django.conf import settings

from precinct.analytics import weighting
from precinct.core.errors import DomainError
from precinct.surveys.models import (
    PopulationMargin,
    Question,
    Response,
    Survey,
    SurveyCell,
    SurveyCellsDirty,
)

AGE_SEX = [f"{a}:{s}" for a in Response.AgeGroup.values for s in Response.Sex.values]


class WeightingError(DomainError):
    """The responses cannot be weighted to the margins; the message says why.

    The analytics core's MarginError is turned into this one here, at the edge.
    """

    status = 409
    code = "weighting_failed"


@dataclass
class Weights:
    """Raked weights of a survey's responses, and how good the weighting is."""

    department_ids: np.ndarray
    answers: list[dict]
    weights: np.ndarray
    weighted: bool
    converged: bool = True
    report: str = ""
    design_effect: float = 1.0
    n_eff: float = 0.0
    margins: list[str] = field(default_factory=list)
    # Each scored question's values per respondent, when they come from the wave's cells
    # (``surveys.cells``) rather than from ``answers``.
    values: dict[str, np.ndarray] | None = None


def _margins(region_id: int) -> dict[str, dict[str, int]]:
    margins: dict[str, dict[str, int]] = {}
    for dim, category, population in PopulationMargin.objects.filter(
        region_id=region_id
    ).values_list("dimension", "category", "population"):
        margins.setdefault(dim, {})[category] = population
    return margins


def survey_weights(*, survey: Survey) -> Weights:
    """Rake the responses to the region's age × sex and district margins (trimmed).

    Without margins the responses keep equal weights and the result says "unweighted".
    """
    rows = list(
        Response.objects.filter(survey=survey).values_list(
            "department_id", "age_group", "sex", "answers"
        )
    )
    return rake_respondents(survey, rows, [r[3] for r in rows])


def rake_respondents(survey: Survey, rows, answers, values=None) -> Weights:
    """The weights of respondents given as (department id, age group, sex, …) rows."""
    departments = np.array([r[0] for r in rows], dtype=np.int64)
    n = len(rows)
    margins = _margins(survey.region_id)
    if n == 0 or not margins:
        w = np.ones(n)
        return Weights(departments, answers, w, weighted=False, n_eff=float(n), values=values)
    codes, targets, names = [], [], []
    if "age_sex" in margins:
        cats = [c for c in AGE_SEX if c in margins["age_sex"]]
        index = {c: i for i, c in enumerate(cats)}
        cell = [index.get(f"{r[1]}:{r[2]}", -1) for r in rows]
        codes.append(np.array(cell, dtype=np.int64))
        targets.append(np.array([margins["age_sex"][c] for c in cats], dtype=np.float64))
        names.append("age_sex")
    if "district" in margins:
        cats = sorted(margins["district"], key=int)
        index = {int(c): i for i, c in enumerate(cats)}
        codes.append(np.array([index.get(int(d), -1) for d in departments], dtype=np.int64))
        targets.append(np.array([margins["district"][c] for c in cats], dtype=np.float64))
        names.append("district")
    for name, code in zip(names, codes, strict=True):
        if (code < 0).any():
            raise WeightingError(
                f"{int((code < 0).sum())} responses fall outside the {name} margin."
            )
    try:
        result = weighting.rake(
            codes,
            targets,
            trim=(None, settings.PRECINCT_SURVEY_WEIGHT_TRIM),
            names=names,
            max_iter=200,
            tol=1e-6,
        )
    except weighting.MarginError as exc:
        raise WeightingError(str(exc)) from None
    w = result.weights
    return Weights(
        departments,
        answers,
        w,
        weighted=True,
        converged=result.converged,
        report=result.report(tol=1e-3),
        design_effect=float(weighting.design_effect(w)),
        n_eff=float(weighting.effective_sample_size(w)),
        margins=names,
        values=values,
    )


def weights_from_cells(survey: Survey) -> Weights | None:
    """The wave's weights and values from its cells (``surveys.cells``); None while it is
    dirty (the caller then reads the responses)."""
    if SurveyCellsDirty.objects.filter(survey=survey).exists():
        return None
    found = list(
        SurveyCell.objects.filter(survey=survey)
        .order_by("department_id", "age_group", "sex", "key", "value")
        .values_list("department_id", "age_group", "sex", "key", "value", "n")
    )
    people = [(d, a, s, n) for d, a, s, k, _, n in found if k == ""]
    offset, rows = {}, []
    for d, a, s, n in people:
        offset[(d, a, s)] = len(rows)
        rows += [(d, a, s)] * n
    values: dict[str, np.ndarray] = {}
    position: dict[tuple, int] = {}  # the next free place of each question in each cell
    for d, a, s, key, value, n in found:
        if key == "":
            continue
        column = values.setdefault(key, np.full(len(rows), np.nan))
        start = position.get((d, a, s, key), offset[(d, a, s)])
        column[start : start + n] = value
        position[(d, a, s, key)] = start + n
    return rake_respondents(survey, rows, [], values=values)


def indicator_values(question: Question, answers: list[dict]) -> tuple[np.ndarray, str] | None:
    """0/1 or numeric values of one question (NaN where unanswered), or None for text."""
    kind = indicator_kind(question)
    if kind is None:
        return None
    return np.array([indicator_value(question, a.get(question.key)) for a in answers]), kind


def indicator_kind(question: Question) -> str | None:
    """``proportion`` or ``mean`` for a scored question; None for the others (text…)."""
    if question.kind in (Question.Kind.LIKERT5, Question.Kind.YESNO):
        return "proportion"
    if question.kind == Question.Kind.SCALE10:
        return "mean"
    return None


def indicator_value(question: Question, v) -> float:
    """One answer as the estimate counts it: agreeing (4 or 5 of 5, as trust surveys
    report it) or yes as 1/0, a score as itself; NaN when unanswered."""
    if v is None:
        return np.nan
    if question.kind == Question.Kind.LIKERT5:
        return float(v >= 4)
    if question.kind == Question.Kind.YESNO:
        return float(bool(v))
    return float(v)


def survey_estimates(
    *, survey: Survey, weights: Weights | None = None, exact: bool = False
) -> dict:
    """Weighted estimates of every scored question, for the region and each department.

    Returns ``{"weights": Weights, "rows": [ {key, department_id, value, lower, upper,
    n, n_eff, suppressed, kind} ]}``; ``department_id`` None is the whole region.

    Read from the wave's cells (``surveys.cells``) unless its responses changed since
    they were counted; ``exact=True`` reads every response (the cells' oracle).
    """
    if weights is None and not exact:
        weights = weights_from_cells(survey)
    weights = weights or survey_weights(survey=survey)
    dept_ids = sorted(set(weights.department_ids.tolist()))
    group_of = {d: i for i, d in enumerate(dept_ids)}
    groups = np.array([group_of[d] for d in weights.department_ids.tolist()], dtype=np.int64)
    rows = []
    min_n_eff = settings.PRECINCT_SURVEY_MIN_N_EFF
    for question in survey.questionnaire.questions.all():
        if weights.values is not None:
            kind = indicator_kind(question)
            scored = None if kind is None else (weights.values.get(question.key), kind)
            if scored is not None and scored[0] is None:
                scored = (np.full(len(weights.weights), np.nan), kind)
        else:
            scored = indicator_values(question, weights.answers)
        if scored is None or not len(weights.weights):
            continue
        values, kind = scored
        region = weighting.suppress(
            weighting.weighted_estimate(values, weights.weights, kind=kind), min_n_eff
        )
        per_dept = weighting.suppress(
            weighting.weighted_estimate(
                values, weights.weights, groups=groups, n_groups=len(dept_ids), kind=kind
            ),
            min_n_eff,
        )
        rows.append(_row(question.key, None, region, 0, kind))
        rows += [_row(question.key, d, per_dept, i, kind) for i, d in enumerate(dept_ids)]
    return {"weights": weights, "rows": rows}


def _row(key, department_id, est, i, kind) -> dict:
    def num(a):
        v = float(a[i])
        return None if np.isnan(v) else v

    return {
        "key": key,
        "department_id": department_id,
        "value": num(est.value),
        "lower": num(est.lower),
        "upper": num(est.upper),
        "n": int(est.n[i]),
        "n_eff": float(est.n_eff[i]),
        "suppressed": bool(est.suppressed[i]),
        "kind": kind,
    }
