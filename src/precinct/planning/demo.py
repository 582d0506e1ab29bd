"""Demo step of planning: coverage, the staffing shortfall, a construction programme and one
saved siting scenario for the demo city.

Everything here is generated on top of the demo territory (no real programme or budget
figures are claimed): the posts themselves come from the territory step.
"""

import datetime as dt

import numpy as np
from django.conf import settings

from precinct.planning import coverage, inputs, selectors, services
from precinct.planning.models import FundingBody, Settlement
from precinct.territory.models import Post, Provenance

STEP = "precinct.planning.demo"
PROGRAMME = "Концепция сервисной модели, 2019–2027 (демо)"
FUNDING = (FundingBody.AKIMAT, FundingBody.MASLIHAT, FundingBody.MINISTRY)
FUNDING_P = (0.6, 0.2, 0.2)
# The saved scenario: a few new posts among evenly spread candidates, solved quickly.
SCENARIO_K, SCENARIO_MINUTES, SCENARIO_CANDIDATES, SCENARIO_TIME_LIMIT = 5, 15, 400, 10.0


def build(ctx) -> list[str]:
    """Run by ``precinct demo build`` after the territory."""
    rng = ctx.rng(STEP)
    inputs.clear()
    lines = [_norms(), _programme(ctx, rng)]
    lines.append(_coverage())
    lines.append(_shortfall())
    lines.append(_scenario(ctx, rng))
    return lines


def _norms() -> str:
    for settlement, value in (
        (Settlement.URBAN, settings.PRECINCT_RESIDENTS_PER_INSPECTOR_URBAN),
        (Settlement.RURAL, settings.PRECINCT_RESIDENTS_PER_INSPECTOR_RURAL),
    ):
        services.staffing_norm_record(
            actor=None,
            settlement=settlement,
            residents_per_inspector=value,
            source=settings.PRECINCT_STAFFING_NORM_SOURCE,
            valid_from=dt.date(2025, 1, 1),
        )
    return "Staffing norms recorded with their source (derived, see docs/demo.md)"


def _programme(ctx, rng) -> str:
    """Every generated post not yet open, plus those opened since 2019, joins the programme."""
    posts = Post.objects.filter(
        department__in=ctx.departments, source=Provenance.GENERATED
    ).order_by("id")
    count = 0
    for post in posts:
        if post.state == Post.State.OPEN:
            if post.opened_on is None or post.opened_on < dt.date(2019, 1, 1):
                continue
            # Due a little before or after the day it opened: some opened late.
            due = post.opened_on + dt.timedelta(days=int(rng.integers(-120, 60)))
        else:
            due = post.planned_opening or dt.date(2026, 12, 1)
        services.post_project_save(
            actor=None,
            post=post,
            funding_body=str(rng.choice(FUNDING, p=FUNDING_P)),
            due_on=due,
            budget_kzt=int(rng.integers(20, 90)) * 1_000_000,
            programme=PROGRAMME,
        )
        count += 1
    total = selectors.programme_progress()["total"]
    return (
        f"Construction programme (generated): {total.open} of {total.total} posts open, "
        f"{total.building} building, {total.planned} planned, {total.overdue} overdue"
    )


def _coverage() -> str:
    report = coverage.coverage_report(minutes_list=[10, 15], levels=["total"])
    what_if = coverage.coverage_report(minutes_list=[15], what_if=True, levels=["total"])
    row, future = report.rows["total"][0], what_if.rows["total"][0]
    return (
        f"Coverage by open posts: {row.share(0):.1%} of residents within 10 min walk, "
        f"{row.share(1):.1%} within 15 min ({future.share(0):.1%} once every planned post opens)"
    )


def _shortfall() -> str:
    _, total, extra = selectors.staffing_report()
    return (
        f"Inspectors: {total.actual} in post, {total.needed} needed by the norm, "
        f"shortfall {extra['total_shortfall']}"
    )


def _scenario(ctx, rng) -> str:
    walk = inputs.walk_network()
    pop = inputs.population(walk)
    nodes = np.unique(pop.node[pop.node >= 0])
    take = min(SCENARIO_CANDIDATES, nodes.size)
    # Evenly over the inhabited streets: every (n/take)-th node in a seeded shuffle.
    candidates = np.sort(rng.choice(nodes, size=take, replace=False))
    k = min(SCENARIO_K, take)
    csv = "lon,lat\n" + "\n".join(
        f"{walk.graph.lon[n]:.7f},{walk.graph.lat[n]:.7f}" for n in candidates
    )
    job = services.siting_job_create(
        actor=None, minutes=SCENARIO_MINUTES, k=k, candidates_csv=csv,
        # A name kept in the database, in Russian like the demo's other records.
        name=f"Новых пунктов: {k}, до {SCENARIO_MINUTES} мин пешком (демо)",
        time_limit_s=SCENARIO_TIME_LIMIT,
    )  # fmt: skip
    job = services.siting_job_execute(job_id=job.pk)
    services.siting_job_save(actor=None, job=job, name=job.name)
    if job.state != "done":
        return f"Siting scenario: {job.state} {job.error}"
    return (
        f"Saved siting scenario: {k} new posts among {take} candidate sites bring "
        f"{job.covered_before / job.residents_total:.1%} → "
        f"{job.covered_after / job.residents_total:.1%} within {SCENARIO_MINUTES} min "
        f"(gap {job.gap:.2%}, {job.solver})"
    )
