"""Planning endpoints: public coverage and programme aggregates; siting jobs for planners."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from precinct.accounts import access
from precinct.accounts.auth import staff_auth
from precinct.core.errors import error_responses
from precinct.planning import selectors, services, tasks
from precinct.planning.coverage import coverage_report
from precinct.planning.errors import PlanningError, PlanningForbidden
from precinct.planning.models import SitingJob
from precinct.planning.schemas import (
    WALKING_MINUTES,
    CoverageOut,
    ImportOut,
    ProgressOut,
    SitingIn,
    SitingJobOut,
    StaffingCsvIn,
    StaffingOut,
)
from precinct.territory.models import Department

router = Router(tags=["planning"])


class CoverageQuery(Schema):
    minutes: float = Field(15, description=WALKING_MINUTES)
    what_if: bool = False
    level: str = "department"


@router.get(
    "/planning/coverage",
    response={200: list[CoverageOut], **error_responses(400, 503)},
    auth=None,
)
def coverage(request, q: Query[CoverageQuery]):
    """Residents within ``minutes`` of walking of an open post, per area (public aggregates).

    ``level``: department (default), precinct, region or total. ``what_if=true`` counts
    planned and building posts as open.
    """
    report = coverage_report(minutes_list=[q.minutes], what_if=q.what_if, levels=[q.level])
    key = {"department": "department_id", "precinct": "precinct_id", "region": "region_id"}
    return Status(
        200,
        [
            {
                key.get(row.level, "department_id"): row.id,
                "level": row.level,
                "name": row.name,
                "parent_id": row.parent_id,
                "residents": round(row.residents),
                "residents_within": round(row.within[0]),
                "share": round(row.share(0), 6),
                "minutes": q.minutes,
                "what_if": q.what_if,
            }
            for row in report.rows[q.level]
        ],
    )


@router.get("/planning/construction", response={200: list[ProgressOut]}, auth=None)
def construction_progress(request):
    """Posts of the construction programme open / building / planned / overdue (public)."""
    progress = selectors.programme_progress()
    out = []
    for level in ("regions", "departments"):
        out += [{"level": level[:-1], **vars(r)} for r in progress[level]]
    out.append({"level": "total", **vars(progress["total"])})
    return out


@router.get(
    "/planning/staffing",
    response={200: list[StaffingOut], **error_responses(401, 403)},
    auth=staff_auth,
)
def staffing(request):
    """Inspectors needed by the norm versus in post, per department and in total."""
    if not access.can_use_planning_tools(request.auth):
        raise PlanningForbidden(_("Staffing is for planners."))
    rows, total, _sources = selectors.staffing_report()
    visible = {d.id for d in access.departments_in_scope(request.auth)}
    out = [_staffing_row(r) for r in rows if r.department_id in visible]
    if access.has_national_scope(request.auth):
        out.append(_staffing_row(total))
    return Status(200, out)


def _staffing_row(r) -> dict:
    return {**vars(r), "residents": round(r.residents), "shortfall": r.shortfall}


@router.post(
    "/planning/staffing/import",
    response={200: ImportOut, **error_responses(400, 401, 403)},
    auth=staff_auth,
)
def staffing_import(request, payload: StaffingCsvIn):
    """Load inspectors in post per department from CSV: every row or none."""
    if not access.can_use_planning_tools(request.auth):
        raise PlanningForbidden(_("Imports are for planners."))
    result = services.staffing_import_csv(
        actor=request.auth, text=payload.csv, source=payload.source
    )
    return Status(200, vars(result))


@router.post(
    "/planning/siting",
    response={202: SitingJobOut, **error_responses(400, 401, 403, 404, 503)},
    auth=staff_auth,
)
def siting_create(request, payload: SitingIn):
    """Queue a siting job: ``k`` new posts (maximal covering) or a ``target_share``."""
    department = None
    if payload.department_id is not None:
        department = get_object_or_404(Department, pk=payload.department_id)
    job = tasks.siting_job_submit(
        actor=request.auth,
        minutes=payload.minutes,
        k=payload.k,
        target_share=payload.target_share,
        department=department,
        candidates_csv=payload.candidates_csv,
        name=payload.name,
    )
    return Status(202, selectors.job_payload(job))


def _visible_job(request, job_id: int) -> SitingJob:
    job = selectors.siting_jobs_visible_to(request.auth).filter(pk=job_id).first()
    if job is None:
        raise PlanningError(_("No such siting job in your scope."), code="not_found", status=404)
    return job


@router.get(
    "/planning/siting/{job_id}",
    response={200: SitingJobOut, **error_responses(400, 401, 404)},
    auth=staff_auth,
)
def siting_get(request, job_id: int):
    """State, progress and (when done) the chosen sites, coverage before/after and the gap."""
    return Status(200, selectors.job_payload(_visible_job(request, job_id)))


@router.post(
    "/planning/siting/{job_id}/cancel",
    response={200: SitingJobOut, **error_responses(400, 401, 403, 404)},
    auth=staff_auth,
)
def siting_cancel(request, job_id: int):
    """Stop a queued or running job; a running one keeps its best solution so far."""
    job = services.siting_job_cancel(actor=request.auth, job=_visible_job(request, job_id))
    return Status(200, selectors.job_payload(job))
