"""Readers of evaluation: the methodology catalog and scorecards (aggregates only)."""

from django.conf import settings
from django.shortcuts import get_object_or_404

from precinct.accounts import access
from precinct.evaluation import display, funnels, outcomes
from precinct.evaluation.models import (
    Indicator,
    IndicatorValue,
    Intervention,
    Methodology,
    Period,
    Score,
)
from precinct.evaluation.services import current_methodology
from precinct.integrity import metrics as integrity_metrics
from precinct.integrity.models import Offence
from precinct.priorities import metrics as priorities_metrics
from precinct.territory.models import Department, Precinct


def methodology_catalog(*, methodology: Methodology | None = None) -> dict:
    """The catalog as plain data in the reader's language: the public page and the API both
    render this. Definitions name the settings' values ("within 15 minutes"), not the
    settings; ``source`` keeps the technical reference the appendix shows."""
    m = methodology or current_methodology()
    values = catalog_settings()
    return {
        "version": m.version,
        "title": m.display_title,
        "published_on": m.published_on,
        "notes": m.display_notes,
        "min_coverage": m.min_coverage,
        "settings": values,
        "indicators": [
            {
                "code": i.code,
                "group": i.group,
                "group_label": i.get_group_display(),
                "name": i.display_name,
                "definition": _filled(i.display_definition, values),
                "source": i.source,
                "direction": i.direction,
                "unit": i.unit,
                "normalisation": i.normalisation,
                "weight": i.weight,
                "min_data": _filled(i.display_min_data, values),
                "min_n": i.min_n,
                "survey_key": i.survey_key,
                "survey_based": bool(i.survey_key),
            }
            for i in m.indicators.order_by("position")
        ],
        # Indicators defined with the methodology but not scored in the index.
        "monitoring": [integrity_metrics.recording_definition()],
    }


def catalog_settings() -> dict:
    """The settings the catalog's texts refer to, by the placeholder they fill."""
    return {
        "walk_minutes": f"{settings.PRECINCT_EVAL_WALK_MINUTES:g}",
        "survey_min_n": settings.PRECINCT_SURVEY_MIN_N_EFF,
        "residents_per_inspector": settings.PRECINCT_RESIDENTS_PER_INSPECTOR_URBAN,
        "review_days": priorities_metrics.REVIEW_DAYS,
    }


# The setting behind each placeholder, for the technical appendix.
CATALOG_SETTINGS = {
    "walk_minutes": "PRECINCT_EVAL_WALK_MINUTES",
    "survey_min_n": "PRECINCT_SURVEY_MIN_N_EFF",
    "residents_per_inspector": "PRECINCT_RESIDENTS_PER_INSPECTOR_URBAN",
}


def _filled(text: str, values: dict) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def periods() -> list[Period]:
    return list(Period.objects.order_by("starts_on"))


def latest_period() -> Period | None:
    """The latest period with computed scores."""
    return Period.objects.filter(scores__isnull=False).order_by("-starts_on").distinct().first()


def scorecard(*, department: Department, period: Period | None = None) -> dict | None:
    """A department's indicators with value, interval, trend and peer position; the index.

    Integrity shows only an aggregate rate (offences per 100 staff), never a person.
    """
    period = period or latest_period()
    if period is None:
        return None
    m = current_methodology()
    history = list(Period.objects.filter(starts_on__lte=period.starts_on).order_by("starts_on"))
    values = (
        IndicatorValue.objects.filter(methodology=m, department=department, period__in=history)
        .select_related("indicator", "period")
        .order_by("indicator__position", "period__starts_on")
    )
    series: dict[str, list[IndicatorValue]] = {}
    for v in values:
        series.setdefault(v.indicator.code, []).append(v)
    peers = _peer_positions(m, period, department)
    # Funnel limits first, ranks demoted: a place among peers says nothing of chance.
    funnel = funnels.positions(methodology=m, period=period)
    rows = []
    for ind in m.indicators.order_by("position"):
        points = series.get(ind.code, [])
        current = next((p for p in points if p.period_id == period.pk), None)
        rows.append(
            {
                "code": ind.code,
                "name": ind.display_name,
                "group": ind.group,
                "unit": ind.unit,
                "direction": ind.direction,
                "value": current.value if current else None,
                "lower": current.lower if current else None,
                "upper": current.upper if current else None,
                "status": current.status if current else "no_data",
                # The data behind the value; a survey figure's is its effective sample
                # after weighting (Kish), shown beside it and below which it is withheld.
                "n": current.n if current else None,
                "n_eff": current.n if current and ind.survey_key else None,
                "score": current.score if current else None,
                "trend": _trend(points, ind.direction),
                "peer_rank": peers.get(ind.code, (None, None))[0],
                "peer_size": peers.get(ind.code, (None, None))[1],
                "funnel": funnel.get((ind.code, department.pk)),
                "funnel_peers": _funnel_peers(funnel, ind.code, department.pk),
                "series": [
                    {"period": p.period.label, "value": p.value, "lower": p.lower, "upper": p.upper}
                    for p in points
                ],
            }
        )
    score = Score.objects.filter(methodology=m, department=department, period=period).first()
    index_series = [
        {"period": s.period.label, "index": s.index, "lower": s.lower, "upper": s.upper}
        for s in Score.objects.filter(methodology=m, department=department, period__in=history)
        .select_related("period")
        .order_by("period__starts_on")
    ]
    return {
        "department": department,
        "period": period,
        "methodology_version": m.version,
        "integrity_counts": integrity_counts(department=department, period=period),
        "index": score.index if score else None,
        "index_lower": score.lower if score else None,
        "index_upper": score.upper if score else None,
        "coverage": score.coverage if score else 0.0,
        "peer_group": score.peer_group if score else "",
        "peer_rank": score.peer_rank if score else None,
        "peer_size": score.peer_size if score else None,
        "index_series": index_series,
        "funnel_summary": funnels.summary([r["funnel"] for r in rows]),
        "survey_min_n_eff": settings.PRECINCT_SURVEY_MIN_N_EFF,
        "indicators": rows,
    }


def _funnel_peers(funnel: dict, code: str, department_id: int) -> list[dict]:
    """The funnel entries of every department compared with this one on an indicator
    (``self`` marks the department): the points of its funnel plot."""
    mine = funnel.get((code, department_id))
    if mine is None:
        return []
    return [
        {**entry, "self": dep == department_id}
        for (c, dep), entry in funnel.items()
        if c == code and entry["group"] == mine["group"]
    ]


def _trend(points: list[IndicatorValue], direction: str) -> dict | None:
    """Change against the previous period with a value, whether that is better, and the
    least-squares trend over all periods (from three periods on; see analytics)."""
    import numpy as np

    from precinct.analytics import indicators

    known = [p for p in points if p.value is not None]
    if len(known) < 2:
        return None
    change = known[-1].value - known[-2].value
    better = change > 0 if direction == Indicator.Direction.HIGHER else change < 0
    series = np.array([[p.value if p.value is not None else np.nan for p in points]])
    fitted = indicators.trend(series, direction=direction)
    return {
        "change": change,
        "since": known[-2].period.label,
        "better": better if change else None,
        "direction": str(fitted.direction[0]),
        "improving": int(fitted.improving[0]),
    }


def _peer_positions(m, period, department) -> dict[str, tuple[int, int]]:
    """Rank of the department's score on each indicator among its peer group."""
    score = Score.objects.filter(methodology=m, department=department, period=period).first()
    if score is None:
        return {}
    peer_ids = list(
        Score.objects.filter(methodology=m, period=period, peer_group=score.peer_group).values_list(
            "department_id", flat=True
        )
    )
    rows = IndicatorValue.objects.filter(
        methodology=m, period=period, department_id__in=peer_ids, score__isnull=False
    ).values_list("indicator__code", "department_id", "score")
    by_code: dict[str, list[tuple[float, int]]] = {}
    for code, dep, s in rows:
        by_code.setdefault(code, []).append((s, dep))
    out = {}
    for code, items in by_code.items():
        mine = next((s for s, d in items if d == department.pk), None)
        if mine is not None:
            out[code] = (1 + sum(1 for s, _ in items if s > mine), len(items))
    return out


def national_rollup(*, period: Period | None = None) -> list[dict]:
    """Every department's index in a period, regions first, for the national page."""
    period = period or latest_period()
    if period is None:
        return []
    m = current_methodology()
    funnel = funnels.positions(methodology=m, period=period)
    by_department: dict[int, list[dict]] = {}
    for (_code, dep), entry in funnel.items():
        by_department.setdefault(dep, []).append(entry)
    return [
        {
            "department": s.department,
            "region": s.department.region,
            "index": s.index,
            "lower": s.lower,
            "upper": s.upper,
            "coverage": s.coverage,
            "peer_group": s.peer_group,
            "peer_rank": s.peer_rank,
            "peer_size": s.peer_size,
            "funnel_summary": funnels.summary(by_department.get(s.department_id, [])),
        }
        for s in Score.objects.filter(methodology=m, period=period)
        .select_related("department", "department__region")
        .order_by("department__region__name", "department__path")
    ]


def integrity_counts(*, department: Department, period: Period) -> dict[str, int]:
    """Confirmed offences of officers in the department's subtree in the period, by kind:
    the only form in which the integrity registry is public."""
    ids = list(
        Department.objects.filter(path__startswith=department.path).values_list("pk", flat=True)
    )
    per_department = integrity_metrics.offence_counts(
        department_ids=ids, starts_on=period.starts_on, ends_on=period.ends_on
    )
    totals = dict.fromkeys(Offence.Kind.values, 0)
    for kinds in per_department.values():
        for kind, n in kinds.items():
            totals[kind] += n
    return totals


# --- interventions ---------------------------------------------------------------------


def interventions_for(user):
    """The changes the user may open, newest first."""
    qs = Intervention.objects.select_related("department", "post").order_by("-starts_on", "-pk")
    return access.interventions_visible_to(user, qs)


def intervention_of(user, pk: int) -> Intervention:
    """One change the user may open; 404 when it is out of his scope (its existence too)."""
    return get_object_or_404(interventions_for(user), pk=pk)


def intervention_summary(change: Intervention) -> dict:
    return {
        "id": change.pk,
        "kind": change.kind,
        "kind_label": change.get_kind_display(),
        "name": change.display_name,
        "starts_on": change.starts_on,
        "state": change.state,
        "state_label": change.get_state_display(),
        "department_id": change.department_id,
        "department": change.department.display_name,
        "estimation": change.estimation,
        "treated_count": change.precincts.count(),
    }


def intervention_payload(change: Intervention) -> dict:
    """A change with its treated and comparison precincts (names in the reader's
    language), per outcome the stored estimate with its plain verdict, and its design."""
    estimates = list(change.estimates.all())
    for e in estimates:
        outcome = outcomes.OUTCOMES.get(e.outcome)
        e.unit = outcome.unit if outcome else ""
        e.label = str(outcome.label) if outcome else e.outcome
    compared = sorted({pk for e in estimates for pk in e.comparison_ids})
    paired = sorted({pk for pair in change.design.get("pairs", []) for pk in pair})
    names = {
        p.pk: str(p)
        for p in Precinct.objects.select_related("department").filter(
            pk__in=[*compared, *paired, *change.precincts.values_list("pk", flat=True)]
        )
    }
    treated = sorted(change.precincts.values_list("pk", flat=True))
    design = None
    if change.design:
        d = change.design
        outcome = outcomes.OUTCOMES[d["outcome"]]
        design = {
            "outcome": d["outcome"], "outcome_label": str(outcome.label),
            "pairs": [
                {"first_id": a, "first": names.get(a, ""), "second_id": b,
                 "second": names.get(b, "")} for a, b in d["pairs"]
            ],
            "mde": d["mde"], "mde_text": display.effect_value(d["mde"], outcome.unit,
                                                              signed=False),
            "level": d["level"], "power": d["power"],
        }  # fmt: skip
    return {
        **intervention_summary(change),
        "post_id": change.post_id,
        "post": change.post.display_name if change.post else None,
        "recorded_at": change.recorded_at,
        "estimation_error": change.estimation_error,
        "treated": [
            {"precinct_id": pk, "name": names.get(pk, ""),
             "residents_brought": change.reach.get(str(pk))} for pk in treated
        ],
        "comparison": [{"precinct_id": pk, "name": names.get(pk, "")} for pk in compared],
        "outcomes": [
            {
                "outcome": e.outcome, "label": e.label, "unit": e.unit, "effect": e.effect,
                "ci_low": e.ci_low, "ci_high": e.ci_high, "level": e.level,
                "p_value": e.p_value, "method": e.method, "pre_trend": e.pre_trend,
                "pre_trend_p": e.pre_trend_p, "verdict": e.verdict, "reason": e.reason,
                "verdict_text": display.verdict(e), "comparison_ids": e.comparison_ids,
                "series": e.series or None, "computed_at": e.computed_at,
            }
            for e in estimates
        ],
        "design": design,
    }  # fmt: skip
