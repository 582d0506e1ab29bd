"""Demo step of evaluation, last of DEMO_STEPS: one period per demo year, then the scores
of every department from what the other apps' steps built (crime counts, survey waves,
the integrity registry, appeals, 102 calls, coverage and staffing); then the changes the
demo made, recorded as interventions and estimated: the foot patrol pilot whose effect
the 102 step planted (``ctx.pilot``: fewer calls, shorter arrival), the posts the
construction programme opened most recently, and a post still planned (a design)."""

import datetime as dt

from precinct.evaluation import services
from precinct.evaluation.models import Intervention, Period
from precinct.territory.models import Post, Provenance

OPENED_POSTS = 2


def build(ctx) -> list[str]:
    for year in ctx.years:
        services.period_create(
            label=str(year), starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31)
        )
    done = []
    for period in Period.objects.order_by("starts_on"):
        services.evaluation_compute(period=period)
        done.append(period.label)
    return ["Evaluation computed for " + ", ".join(done), *_interventions(ctx)]


def _interventions(ctx) -> list[str]:
    changes = []
    if ctx.pilot is not None:
        changes.append(
            services.intervention_record(
                actor=None, kind=Intervention.Kind.FOOT_PATROL,
                name="Пилот пешего патрулирования (демо)",
                name_kk="Жаяу патрульдеу пилоты (демо)", name_en="Foot patrol pilot (demo)",
                starts_on=ctx.pilot.starts_on, department_id=ctx.city.pk,
                precinct_ids=list(ctx.pilot.precinct_ids),
            )
        )  # fmt: skip
    generated = Post.objects.filter(department__in=ctx.departments, source=Provenance.GENERATED)
    opened = generated.filter(state=Post.State.OPEN, opened_on__isnull=False)
    for post in opened.order_by("-opened_on", "id")[:OPENED_POSTS]:
        changes.append(_post_change(post, post.opened_on, Intervention.State.IN_EFFECT))
    planned = generated.filter(state=Post.State.PLANNED).order_by("planned_opening", "id").first()
    if planned is not None:
        changes.append(_post_change(planned, planned.planned_opening, Intervention.State.PLANNED))
    lines = []
    for change in changes:
        change = services.intervention_estimate(intervention_id=change.pk)
        verdicts = ", ".join(
            f"{e.outcome} {e.verdict}" + (f" {e.effect:+.2f}" if e.effect is not None else "")
            for e in change.estimates.order_by("id")
            if e.reason != "not_measured_per_precinct"
        )
        design = change.design
        if design:
            mde = "none" if design["mde"] is None else f"{design['mde']:.2f}"
            verdicts = (
                f"design of {len(design['pairs'])} pairs, smallest detectable effect on"
                f" {design['outcome']} {mde}"
            )
        lines.append(
            f"Intervention “{change.name_en}” from {change.starts_on}, "
            f"{change.precincts.count()} precincts: {verdicts or change.estimation}"
        )
    return lines


def _post_change(post: Post, starts_on: dt.date, state: str) -> Intervention:
    """A post's opening: the precincts it brings within walking reach, or its own."""
    names = {
        "name": f"Открытие: {post.name}",
        "name_kk": f"Ашылуы: {post.name_kk or post.name}",
        "name_en": f"Opening: {post.name_en or post.name}",
    }
    try:
        return services.intervention_record(
            actor=None, kind=Intervention.Kind.POST_OPENED, starts_on=starts_on,
            department_id=post.department_id, post_id=post.pk, state=state, **names,
        )  # fmt: skip
    except services.EvaluationError:
        # Already within reach of other posts: the change is where the post stands.
        return services.intervention_record(
            actor=None, kind=Intervention.Kind.POST_OPENED, starts_on=starts_on,
            department_id=post.department_id, post_id=post.pk, state=state,
            precinct_ids=[post.precinct_id], **names,
        )  # fmt: skip
