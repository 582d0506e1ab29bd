"""The only writers of planning data: norms, staff returns, the programme, siting jobs."""

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.accounts import access
from precinct.core import numbers
from precinct.planning.errors import PlanningError, PlanningForbidden
from precinct.planning.models import (
    DepartmentStaffing,
    FundingBody,
    PostProject,
    Settlement,
    SitingJob,
    StaffingNorm,
)
from precinct.territory.models import Department, Post
from precinct.territory.walking import walking_minutes, walking_seconds


# --- staffing --------------------------------------------------------------------------
@transaction.atomic
def staffing_norm_record(
    *,
    actor,
    settlement: str,
    residents_per_inspector: int,
    source: str,
    valid_from: dt.date,
) -> StaffingNorm:
    """Record a norm in force from a date; the source is required (where the figure comes from).

    ``actor`` None is the system itself (the demo build).
    """
    if actor is not None and not access.can_plan(actor, None):
        raise PlanningForbidden(_("Only national analysts and administrators set norms."))
    if settlement not in Settlement.values:
        raise PlanningError(
            _("Unknown settlement type “%(type)s”.") % {"type": settlement}, field="settlement"
        )
    if residents_per_inspector is None or residents_per_inspector < 1:
        raise PlanningError(_("The norm must be at least 1 resident per inspector."), field="norm")
    if not source.strip():
        raise PlanningError(_("Say where the norm comes from."), field="source")
    return StaffingNorm.objects.create(
        settlement=settlement,
        residents_per_inspector=residents_per_inspector,
        source=source.strip()[:300],
        valid_from=valid_from,
        entered_by=actor,
    )


@dataclass
class StaffingImport:
    """What an import changed."""

    created: int
    updated: int


STAFFING_COLUMNS = ("department", "inspectors")


def staffing_import_csv(
    *, actor, text: str, as_of: dt.date | None = None, source: str = ""
) -> StaffingImport:
    """Load inspectors in post per department from CSV, all rows or none.

    Columns: ``department`` (the department's code or id), ``inspectors`` (a whole number)
    and optionally ``settlement`` (urban / rural) and ``as_of`` (YYYY-MM-DD). Every error
    names its line; one bad line refuses the whole file. ``actor`` None is the console
    (``precinct staffing_import``), which may load any department.
    """
    day = as_of or timezone.localdate()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [(c or "").strip().lower() for c in (reader.fieldnames or [])]
    missing = [c for c in STAFFING_COLUMNS if c not in header]
    if missing:
        raise PlanningError("line 1: missing column(s) " + ", ".join(missing), field="file")
    by_code = {d.code: d for d in Department.objects.all()}
    by_id = {str(d.id): d for d in by_code.values()}
    rows, errors, seen = [], [], {}
    for line, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        dep = by_code.get(row["department"]) or by_id.get(row["department"])
        if dep is None:
            errors.append(f"line {line}: unknown department {row['department']!r}")
            continue
        if actor is not None and not access.can_plan(actor, dep):
            errors.append(f"line {line}: department {dep.code} is outside your scope")
            continue
        if dep.id in seen:
            errors.append(f"line {line}: department {dep.code} already on line {seen[dep.id]}")
            continue
        seen[dep.id] = line
        try:
            inspectors = int(row["inspectors"])
            if inspectors < 0:
                raise ValueError
        except ValueError:
            errors.append(f"line {line}: inspectors must be a whole number, 0 or more")
            continue
        settlement = (row.get("settlement") or "").lower() or None
        if settlement is not None and settlement not in Settlement.values:
            errors.append(f"line {line}: settlement must be urban or rural")
            continue
        row_day = day
        if row.get("as_of"):
            try:
                row_day = dt.date.fromisoformat(row["as_of"])
            except ValueError:
                errors.append(f"line {line}: as_of must be a date YYYY-MM-DD")
                continue
        rows.append((dep, inspectors, settlement, row_day))
    if not rows and not errors:
        errors.append("the file has no data rows")
    if errors:
        refused = [("file", e) for e in errors]
        raise PlanningError("; ".join(errors[:20]), field="file", errors=refused)
    created = updated = 0
    with transaction.atomic():
        for dep, inspectors, settlement, row_day in rows:
            defaults = {"inspectors": inspectors, "as_of": row_day, "source": source[:200],
                        "updated_by": actor}  # fmt: skip
            if settlement:
                defaults["settlement"] = settlement
            _staffing, made = DepartmentStaffing.objects.update_or_create(
                department=dep, defaults=defaults
            )
            created += made
            updated += not made
    return StaffingImport(created, updated)


# --- construction programme -----------------------------------------------------------
@transaction.atomic
def post_project_save(
    *,
    actor,
    post: Post,
    funding_body: str,
    due_on: dt.date,
    budget_kzt=None,
    programme: str = "",
    progress_notes: str = "",
) -> PostProject:
    """Put a post in the construction programme, or update its funding and due date."""
    if actor is not None and not access.can_edit_post_project(actor, post.department):
        raise PlanningForbidden(_("This post is outside your scope."))
    if funding_body not in FundingBody.values:
        raise PlanningError(
            _("Unknown funding body “%(body)s”.") % {"body": funding_body}, field="funding_body"
        )
    if due_on is None:
        raise PlanningError(_("Give the date the post is due to open."), field="due_on")
    if budget_kzt not in (None, ""):
        try:
            budget_kzt = Decimal(str(budget_kzt))
        except InvalidOperation:
            raise PlanningError(
                _("The budget must be a number of tenge."), field="budget_kzt"
            ) from None
        if budget_kzt < 0:
            raise PlanningError(_("The budget cannot be negative."), field="budget_kzt")
    else:
        budget_kzt = None
    project, _created = PostProject.objects.update_or_create(
        post=post,
        defaults={
            "funding_body": funding_body,
            "due_on": due_on,
            "budget_kzt": budget_kzt,
            "programme": programme[:200],
            "progress_notes": progress_notes,
        },
    )
    return project


# --- siting jobs ----------------------------------------------------------------------
MAX_K = 1000


def siting_job_create(
    *,
    actor,
    minutes: float,
    k: int | None = None,
    target_share: float | None = None,
    department: Department | None = None,
    candidates_csv: str | None = None,
    name: str = "",
    time_limit_s: float | None = None,
) -> SitingJob:
    """Check a siting request and store it as a queued job (``tasks.siting_job_submit``
    also hands it to the worker).

    With ``k``: the best k new sites (maximal covering); with ``target_share``: the fewest
    sites for that share (set covering). Input the optimiser would refuse is refused here,
    with the field named, so the planner hears about it at once and not from the worker.
    """
    from django.conf import settings

    from precinct.planning import inputs, siting

    if actor is not None and not access.can_plan(actor, department):
        raise PlanningForbidden(_("Siting for this area is outside your scope."))
    minutes = walking_minutes(minutes)
    if (k is None) == (target_share is None):
        raise PlanningError(_("Give either k (new posts) or target_share, not both."), field="k")
    if k is not None and (not isinstance(k, int) or k < 1 or k > MAX_K):
        raise PlanningError(
            _("k must be a whole number from 1 to %(max)s.") % {"max": MAX_K}, field="k"
        )
    if target_share is not None and not 0 < target_share <= 1:
        raise PlanningError(
            _("target_share must be more than 0 and at most 1."), field="target_share"
        )
    walk = inputs.walk_network(department=department)
    if candidates_csv:
        nodes, source = siting.parse_candidates(text=candidates_csv, walk=walk)
        n_candidates = len(nodes)
    else:
        nodes, source, n_candidates = None, "every walking-network node", walk.graph.n_nodes
    if k is not None and k > n_candidates:
        raise PlanningError(
            _("k=%(k)s is larger than the number of candidate sites (%(sites)s).")
            % {"k": k, "sites": n_candidates},
            field="k",
        )
    if target_share is not None:
        _check_target_reachable(walk, department, nodes, minutes, target_share)
    method = SitingJob.Method.MAX_COVER if k is not None else SitingJob.Method.SET_COVER
    return SitingJob.objects.create(
        name=name[:200],
        created_by=actor,
        department=department,
        method=method,
        k=k,
        minutes=minutes,
        target_share=target_share,
        time_limit_s=time_limit_s or settings.PRECINCT_SITING_TIME_LIMIT_S,
        candidate_nodes=nodes,
        candidate_source=source,
    )


def _check_target_reachable(walk, department, nodes, minutes, target_share) -> None:
    """Refuse a target share that even every candidate site together cannot reach."""
    import numpy as np

    from precinct.analytics import coverage as core_coverage
    from precinct.planning import inputs, siting

    pop = inputs.population(walk)
    demand, weights, _nodes, legs = inputs.demand(pop, siting.department_mask(pop, department))
    reach_s = walking_seconds(minutes)
    sources = np.arange(walk.graph.n_nodes) if nodes is None else np.asarray(nodes)
    _posts, open_nodes, open_legs = inputs.post_nodes(walk, [Post.State.OPEN])
    everyone = np.concatenate([sources, open_nodes])
    offsets = np.concatenate([np.zeros(sources.size), open_legs])  # sites stand at nodes
    reach_all = core_coverage.reach_times(walk.graph, everyone, limit_s=reach_s, offsets=offsets)
    total = float(pop.residents[siting.department_mask(pop, department)].sum()) if department \
        else pop.total  # fmt: skip
    best = float(weights[reach_all[demand] + legs <= reach_s].sum()) / total if total else 0.0
    if best < target_share - 1e-12:
        raise PlanningError(
            _(
                "The target share %(target)s cannot be reached: with every candidate site open "
                "at most %(best)s of residents live within %(minutes)s minutes."
            )
            % {
                "target": numbers.percent(target_share, 0),
                "best": numbers.percent(best, 1),
                "minutes": numbers.number(minutes, 0 if float(minutes).is_integer() else 1),
            },
            field="target_share",
        )


def siting_job_cancel(*, actor, job: SitingJob) -> SitingJob:
    """Ask a queued or running job to stop; a running one keeps its best solution so far."""
    if not access.can_manage_siting_job(actor, job):
        raise PlanningForbidden(_("This job is outside your scope."))
    with transaction.atomic():
        job = SitingJob.objects.select_for_update().get(pk=job.pk)
        if job.is_finished:
            return job
        job.cancel_requested = True
        fields = ["cancel_requested"]
        if job.state == SitingJob.State.QUEUED:
            job.state, job.finished_at = SitingJob.State.CANCELLED, timezone.now()
            fields += ["state", "finished_at"]
        job.save(update_fields=fields)
    return job


def siting_job_save(*, actor, job: SitingJob, name: str) -> SitingJob:
    """Keep a finished job as a named scenario (shown on the scenarios page)."""
    if actor is not None and not access.can_manage_siting_job(actor, job):
        raise PlanningForbidden(_("This job is outside your scope."))
    if not name.strip():
        raise PlanningError(_("Give the scenario a name."), field="name")
    job.name, job.saved = name.strip()[:200], True
    job.save(update_fields=["name", "saved"])
    return job


def siting_job_execute(*, job_id: int) -> SitingJob | None:
    """Run a queued job (the worker task calls this); failures are stored on the job."""
    from precinct.planning import siting

    with transaction.atomic():
        job = SitingJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state != SitingJob.State.QUEUED:
            return job
        if job.cancel_requested:
            job.state, job.finished_at = SitingJob.State.CANCELLED, timezone.now()
            job.save(update_fields=["state", "finished_at"])
            return job
        job.state, job.started_at = SitingJob.State.RUNNING, timezone.now()
        job.save(update_fields=["state", "started_at"])
    try:
        return siting.run(job)
    except ValueError as exc:  # PlanningError among them
        _fail(job, str(exc))
    except Exception as exc:  # the job must not stay "running" forever
        _fail(job, f"{type(exc).__name__}: {exc}")
        raise
    return job


def _fail(job: SitingJob, message: str) -> None:
    SitingJob.objects.filter(pk=job.pk).update(
        state=SitingJob.State.FAILED, error=message[:2000], finished_at=timezone.now()
    )
