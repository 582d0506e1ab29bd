"""Writers of evaluation: periods, and the computation of every indicator and index."""

import datetime as dt

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from precinct.accounts import access
from precinct.core.errors import DomainError
from precinct.evaluation import sources
from precinct.evaluation.models import (
    Indicator,
    IndicatorValue,
    Intervention,
    InterventionEstimate,
    Methodology,
    Period,
    Score,
)
from precinct.evaluation.outcomes import OUTCOMES, month_add, reach_precincts, window
from precinct.planning import metrics as planning_metrics
from precinct.territory.models import Department, Post, Precinct


class EvaluationError(DomainError):
    """An evaluation request that breaks a rule; ``field`` names what is wrong."""


def period_create(*, label: str, starts_on: dt.date, ends_on: dt.date) -> Period:
    """An evaluation period; its label is what surveys and counts name it by."""
    if ends_on < starts_on:
        raise EvaluationError(_("The period ends before it starts."), field="ends_on")
    if Period.objects.filter(label=label).exists():
        raise EvaluationError(
            _("The period “%(label)s” exists already.") % {"label": label}, field="label"
        )
    return Period.objects.create(label=label, starts_on=starts_on, ends_on=ends_on)


def current_methodology() -> Methodology:
    """The latest methodology version; the newest shipped catalog is loaded if the database
    lacks every version (a database flushed after its migrations ran)."""
    latest = Methodology.objects.order_by("-version").first()
    if latest is None:
        from precinct.evaluation.catalog import latest_file, load_catalog, read_catalog

        data = read_catalog(latest_file())
        with transaction.atomic():
            latest = load_catalog(data, Methodology, Indicator)
    return latest


def _raw_values(t, period, indicators: list[Indicator]) -> dict[str, dict]:
    """Raw values of every indicator of the catalog, by code and department."""
    min_n = {i.code: i.min_n for i in indicators}
    previous = Period.objects.filter(ends_on__lt=period.starts_on).order_by("-ends_on").first()
    people = sources.residents(t)
    raw: dict[str, dict] = {}
    raw.update(sources.crime(t, period, previous, people, min_n))
    raw.update(sources.response(t, period, min_n))
    raw.update(sources.appeals(t, period, min_n))
    raw.update(
        sources.surveys(t, period, {i.code: i.survey_key for i in indicators if i.survey_key})
    )
    raw["integrity"] = sources.integrity(t, period, min_n.get("integrity", 10))
    raw["staffing"] = sources.staffing(t, people)
    raw["coverage"] = sources.coverage(t)
    raw["priorities_reviewed"] = sources.priorities_reviewed(
        t, period, min_n.get("priorities_reviewed", 1)
    )
    return raw, people


@transaction.atomic
def evaluation_compute(*, period: Period, methodology: Methodology | None = None) -> int:
    """Compute and store every indicator, the composite index and the peer ranks.

    Returns the number of departments evaluated. Re-running replaces the period's figures.
    """
    # The numeric core is imported on use: pages that only read scores never load it.
    from precinct.evaluation import scoring

    methodology = methodology or current_methodology()
    indicators = list(methodology.indicators.order_by("position"))
    t = sources.tree()
    raw, people = _raw_values(t, period, indicators)
    deps = t.departments
    n, k = len(deps), len(indicators)
    values = np.full((n, k), np.nan)
    lowers, uppers = np.full((n, k), np.nan), np.full((n, k), np.nan)
    for j, ind in enumerate(indicators):
        for i, d in enumerate(deps):
            r = raw.get(ind.code, {}).get(d.pk, sources.NO_DATA)
            if r.value is not None:
                values[i, j] = r.value
                lowers[i, j] = r.lower if r.lower is not None else r.value
                uppers[i, j] = r.upper if r.upper is not None else r.value
    kinds = np.array([d.kind for d in deps])
    bands = settings.PRECINCT_EVAL_POPULATION_BANDS
    peers = np.array([f"{d.kind}:{scoring.population_band(people.get(d.pk), bands)}" for d in deps])
    scored = scoring.score(
        values,
        lowers,
        uppers,
        [i.direction for i in indicators],
        np.array([i.weight for i in indicators]),
        kinds,
        peers,
        min_coverage=methodology.min_coverage,
    )
    IndicatorValue.objects.filter(methodology=methodology, period=period).delete()
    Score.objects.filter(methodology=methodology, period=period).delete()
    rows = []
    for j, ind in enumerate(indicators):
        for i, d in enumerate(deps):
            r = raw.get(ind.code, {}).get(d.pk, sources.NO_DATA)
            s = scored.scores[i, j]
            rows.append(
                IndicatorValue(
                    methodology=methodology,
                    indicator=ind,
                    department=d,
                    period=period,
                    value=r.value,
                    lower=r.lower,
                    upper=r.upper,
                    n=r.n,
                    status=r.status,
                    score=None if np.isnan(s) else float(s),
                )
            )
    IndicatorValue.objects.bulk_create(rows, batch_size=2000)
    Score.objects.bulk_create(
        Score(
            methodology=methodology,
            department=d,
            period=period,
            index=_num(scored.index[i]),
            lower=_num(scored.lower[i]),
            upper=_num(scored.upper[i]),
            coverage=float(scored.coverage[i]),
            peer_group=str(peers[i]),
            peer_rank=int(scored.rank[i]) or None,
            peer_size=int(scored.peer_size[i]) or None,
        )
        for i, d in enumerate(deps)
    )
    return n


def _num(x) -> float | None:
    x = float(x)
    return None if np.isnan(x) else x


# --- interventions -------------------------------------------------------------------


class InterventionForbidden(DomainError):
    """The user may not record a change for this department."""

    status = 403
    code = "forbidden"


def _refuse_repeat(department, kind: str, name: str, starts_on: dt.date) -> None:
    """A form sent twice, or an API request repeated, records nothing a second time."""
    same = Intervention.objects.filter(
        department=department, kind=kind, name=name, starts_on=starts_on
    ).first()
    if same is not None:
        raise EvaluationError(
            _("This change is already recorded (No. %(id)s).") % {"id": same.pk},
            field="name", code="already_recorded", status=409,
        )  # fmt: skip


def intervention_record(
    *, actor, kind: str, name: str, starts_on: dt.date, department_id: int,
    precinct_ids: list[int] | None = None, post_id: int | None = None,
    state: str = "in_effect", outcomes: list[str] | None = None, name_kk: str = "",
    name_en: str = "",
) -> Intervention:  # fmt: skip
    """Record a dated change and where it applies: the precincts given, or (for a post and
    no precincts) those the post brings within walking reach, from the network.

    Every field's refusal is collected and raised at once (``DomainError.of_fields``)."""
    errors: dict[str, str] = {}
    department = Department.objects.select_related("region").filter(pk=department_id).first()
    if department is None:
        errors["department_id"] = _("There is no such department.")
    elif actor is not None and not access.can_record_intervention(actor, department):
        raise InterventionForbidden(
            _("You may not record changes for this department."), field="department_id"
        )
    if kind not in Intervention.Kind.values:
        errors["kind"] = _("Choose one of the kinds of change.")
    if state not in Intervention.State.values:
        errors["state"] = _("Choose planned or in effect.")
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the change a name.")
    elif len(name) > 200:
        errors["name"] = _("The name is too long (200 characters at most).")
    if not isinstance(starts_on, dt.date):
        errors["starts_on"] = _("Give the date the change starts.")
    outcomes = list(dict.fromkeys(outcomes or OUTCOMES))
    unknown = [o for o in outcomes if o not in OUTCOMES]
    if unknown:
        errors["outcomes"] = _("Unknown outcome: %(codes)s.") % {"codes": ", ".join(unknown)}
    post = None
    if post_id is not None:
        post = Post.objects.filter(pk=post_id).first()
        if post is None or (department and not post.department.path.startswith(department.path)):
            errors["post_id"] = _("There is no such post in this department.")
    precincts = []
    if precinct_ids:
        found = Precinct.objects.filter(pk__in=set(precinct_ids))
        if department is not None:
            found = found.filter(department__path__startswith=department.path)
        precincts = list(found)
        if len(precincts) != len(set(precinct_ids)):
            errors["precinct_ids"] = _("Some precincts are not in this department.")
    reach = {}
    if post is not None and not errors:
        ids, reach = reach_precincts(planning_metrics.residents_brought_by_post(post_id=post.pk))
        if not precinct_ids:
            precincts = list(Precinct.objects.filter(pk__in=ids))
    if not precincts and "precinct_ids" not in errors:
        errors["precinct_ids"] = (
            _("The post brings no precinct within walking reach: name the precincts.")
            if post is not None
            else _("Name the precincts where the change applies, or its post.")
        )
    if errors:
        raise EvaluationError.of_fields(errors)
    _refuse_repeat(department, kind, name, starts_on)
    with transaction.atomic():
        change = Intervention.objects.create(
            kind=kind, name=name, name_kk=name_kk.strip(), name_en=name_en.strip(),
            starts_on=starts_on, department=department, post=post, state=state,
            outcomes=outcomes, reach=reach,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )  # fmt: skip
        change.precincts.set(precincts)
    return change


def intervention_estimate(*, intervention_id: int, today: dt.date | None = None):
    """Estimate a change's effect on each of its outcomes (in effect) or propose a
    randomised design (planned), and store the result; a failure is written on the change."""
    change = Intervention.objects.select_related("department").filter(pk=intervention_id).first()
    if change is None:
        return None
    # The numeric core is imported on use, as in evaluation_compute: pages that only read
    # or record changes never load it.
    from precinct.evaluation import interventions

    treated = sorted(change.precincts.values_list("pk", flat=True))
    try:
        if change.state == Intervention.State.PLANNED:
            _design(change, treated, today, interventions)
        else:
            _estimates(change, treated, today, interventions)
    except (ValueError, np.linalg.LinAlgError) as exc:
        # The numeric core refused these data (too few of them, degenerate): say so on the
        # change instead of leaving it pending for ever.
        change.estimation, change.estimation_error = Intervention.Estimation.FAILED, str(exc)
        change.save(update_fields=["estimation", "estimation_error"])
        return change
    change.estimation, change.estimation_error = Intervention.Estimation.DONE, ""
    change.save(update_fields=["estimation", "estimation_error", "design"])
    return change


def _estimates(change: Intervention, treated: list[int], today, interventions) -> None:
    months, _at = window(change.starts_on, today)
    # Precincts another change touched within the window are never comparisons.
    others = Intervention.objects.exclude(pk=change.pk).filter(
        starts_on__gte=months[0], starts_on__lte=month_add(months[-1], 1)
    )
    exclude = set(Precinct.objects.filter(pk__in=others.values("precincts")).values_list(
        "pk", flat=True
    )) - set(treated)  # fmt: skip
    found = interventions.estimate(
        treated=treated, department=change.department, starts_on=change.starts_on,
        outcomes=change.outcomes, exclude=sorted(exclude), seed=change.pk, today=today,
    )  # fmt: skip
    with transaction.atomic():
        change.estimates.all().delete()
        InterventionEstimate.objects.bulk_create(
            InterventionEstimate(intervention=change, outcome=e.outcome, **e.fields) for e in found
        )


def _design(change: Intervention, treated: list[int], today, interventions) -> None:
    # Candidates: the treated precincts and as many others of the department, so each
    # treated one may get a partner in its pair.
    candidates = set(treated) | set(
        Precinct.objects.filter(
            department__path__startswith=change.department.path, residents__gt=0
        ).values_list("pk", flat=True)
    )
    outcome = next((o for o in change.outcomes if OUTCOMES[o].per_precinct), "calls")
    change.design = (
        interventions.design(
            candidates=sorted(candidates), department=change.department,
            starts_on=change.starts_on, outcome=outcome, n_pairs=max(len(treated), 1),
            seed=change.pk, today=today,
        ) or {}
    )  # fmt: skip
