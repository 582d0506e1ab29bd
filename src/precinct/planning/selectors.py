"""Readers of planning data: staffing against norms, the construction programme, scenarios."""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from precinct.accounts import access
from precinct.planning.models import (
    DepartmentStaffing,
    PostProject,
    Settlement,
    SitingJob,
    StaffingNorm,
)
from precinct.territory.models import Department, Officer, PopulationPoint, Post, Region


# --- staffing --------------------------------------------------------------------------
@dataclass(frozen=True)
class Norm:
    """Residents per district inspector, where the figure comes from and since when."""

    settlement: str
    residents_per_inspector: int
    source: str
    valid_from: dt.date | None


def norms_in_force(*, on: dt.date | None = None) -> dict[str, Norm]:
    """The latest recorded norm per settlement type, or the configured default."""
    day = on or timezone.localdate()
    defaults = {
        Settlement.URBAN: settings.PRECINCT_RESIDENTS_PER_INSPECTOR_URBAN,
        Settlement.RURAL: settings.PRECINCT_RESIDENTS_PER_INSPECTOR_RURAL,
    }
    out = {}
    for settlement, value in defaults.items():
        recorded = (
            StaffingNorm.objects.filter(settlement=settlement, valid_from__lte=day)
            .order_by("-valid_from", "-id")
            .first()
        )
        if recorded is not None:
            out[settlement.value] = Norm(
                settlement.value,
                recorded.residents_per_inspector,
                recorded.source,
                recorded.valid_from,
            )
        else:
            source = settings.PRECINCT_STAFFING_NORM_SOURCE + " (setting)"
            out[settlement.value] = Norm(settlement.value, value, source, None)
    return out


@dataclass
class StaffingRow:
    """One department (or the total): residents, the norm, inspectors needed and in post."""

    department_id: int | None
    name: str
    settlement: str
    residents: float
    residents_per_inspector: int | None
    needed: int
    actual: int
    actual_source: str  # "return" (loaded figure) or "roster" (officers in precinct)

    @property
    def shortfall(self) -> int:
        return max(0, self.needed - self.actual)

    @property
    def staffed_share(self) -> float:
        return self.actual / self.needed if self.needed else 1.0


def staffing_report(*, on: dt.date | None = None) -> tuple[list[StaffingRow], StaffingRow, dict]:
    """Per department that has residents: inspectors needed by the norm versus in post.

    The actual number is the loaded return where one exists, otherwise the active
    inspectors on the roster. Computed in the database: one query per source.
    """
    norms = norms_in_force(on=on)
    residents = dict(
        PopulationPoint.objects.exclude(department=None)
        .values_list("department")
        .annotate(n=Sum("residents"))
        .values_list("department", "n")
    )
    roster = dict(
        Officer.objects.filter(role=Officer.Role.INSPECTOR, is_active=True)
        .values_list("department")
        .annotate(n=Count("id"))
        .values_list("department", "n")
    )
    returns = {s.department_id: s for s in DepartmentStaffing.objects.all()}
    rows = []
    departments = Department.objects.filter(
        Q(id__in=residents.keys()) | Q(id__in=returns.keys())
    ).select_related("region")
    for dep in departments.order_by("path"):
        loaded = returns.get(dep.id)
        settlement = loaded.settlement if loaded else _default_settlement(dep)
        norm = norms[settlement].residents_per_inspector
        people = float(residents.get(dep.id, 0.0))
        rows.append(
            StaffingRow(
                department_id=dep.id,
                name=dep.display_name,
                settlement=settlement,
                residents=people,
                residents_per_inspector=norm,
                needed=math.ceil(people / norm - 1e-9),
                actual=loaded.inspectors if loaded else roster.get(dep.id, 0),
                actual_source="return" if loaded else "roster",
            )
        )
    total = StaffingRow(
        department_id=None,
        name="",
        settlement="",
        residents=sum(r.residents for r in rows),
        residents_per_inspector=None,
        needed=sum(r.needed for r in rows),
        actual=sum(r.actual for r in rows),
        actual_source="",
    )
    # The total shortfall adds departments' shortfalls: a surplus in one district does
    # not staff another.
    total_shortfall = sum(r.shortfall for r in rows)
    return rows, total, {"norms": norms, "total_shortfall": total_shortfall}


def _default_settlement(department: Department) -> str:
    """Departments of a city of republican significance are urban; others rural by default."""
    return Settlement.URBAN if department.region.kind == Region.Kind.CITY else Settlement.RURAL


# --- construction programme -----------------------------------------------------------
@dataclass
class ProgressRow:
    """Posts of the programme in one department or region, by state."""

    id: int | None
    name: str
    total: int = 0
    open: int = 0
    building: int = 0
    planned: int = 0
    overdue: int = 0


def programme_projects(*, today: dt.date | None = None) -> list[dict]:
    """Every post of the programme with its state, funding and whether it is overdue."""
    day = today or timezone.localdate()
    out = []
    projects = PostProject.objects.select_related("post", "post__department").order_by(
        "due_on", "id"
    )
    for p in projects:
        post = p.post
        is_open = post.state == Post.State.OPEN
        out.append(
            {
                "project": p,
                "post": post,
                "department": post.department,
                "state": post.state,
                "overdue": (not is_open) and post.state != Post.State.CLOSED and p.due_on < day,
                "late": is_open and post.opened_on is not None and post.opened_on > p.due_on,
                "days_overdue": (day - p.due_on).days if p.due_on < day else 0,
            }
        )
    # What needs attention first: overdue posts, then those still to open, then open ones.
    out.sort(key=lambda i: (not i["overdue"], i["state"] == Post.State.OPEN, i["project"].due_on))
    return out


def programme_progress(*, today: dt.date | None = None) -> dict:
    """Progress of the construction programme per department, per region and in total."""
    projects = programme_projects(today=today)
    by_department: dict[int, ProgressRow] = {}
    by_region: dict[int, ProgressRow] = {}
    total = ProgressRow(None, "")
    regions = {r.id: r for r in Region.objects.all()}
    for item in projects:
        dep = item["department"]
        rows = [
            by_department.setdefault(dep.id, ProgressRow(dep.id, dep.display_name)),
            by_region.setdefault(
                dep.region_id, ProgressRow(dep.region_id, regions[dep.region_id].display_name)
            ),
            total,
        ]
        for row in rows:
            row.total += 1
            if item["state"] in (Post.State.OPEN, Post.State.BUILDING, Post.State.PLANNED):
                setattr(row, item["state"], getattr(row, item["state"]) + 1)
            row.overdue += int(item["overdue"])
    return {
        "projects": projects,
        "departments": sorted(by_department.values(), key=lambda r: r.name),
        "regions": sorted(by_region.values(), key=lambda r: r.name),
        "total": total,
    }


# --- siting scenarios -----------------------------------------------------------------
def siting_jobs_visible_to(user) -> QuerySet[SitingJob]:
    """Jobs a planner may open (``access.siting_jobs_visible_to``)."""
    jobs = SitingJob.objects.select_related("department", "created_by")
    return access.siting_jobs_visible_to(user, jobs)


def scenario_geojson(job: SitingJob) -> dict:
    """The chosen sites of a scenario as a GeoJSON FeatureCollection (no personal data)."""
    return {
        "type": "FeatureCollection",
        "properties": {
            "scenario": job.pk,
            "name": job.name,
            "method": job.method,
            "k": job.k,
            "minutes": job.minutes,
            "residents_total": job.residents_total,
            "residents_within_before": job.covered_before,
            "residents_within_after": job.covered_after,
            "gap": job.gap,
        },
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [s["lon"], s["lat"]]},
                "properties": {"site": i, "node": s["node"], "residents_new": s["residents_new"]},
            }
            for i, s in enumerate(job.chosen, start=1)
        ],
    }


def job_payload(job: SitingJob) -> dict:
    """The SitingJobOut dict of a job (shared by the API and the pages)."""
    total = job.residents_total

    def share(value):
        return value / total if value is not None and total else None

    return {
        "id": job.pk,
        "state": job.state,
        "progress": job.progress,
        "progress_note": job.progress_note,
        "method": job.method,
        "k": job.k,
        "minutes": job.minutes,
        "target_share": job.target_share,
        "department_id": job.department_id,
        "candidate_source": job.candidate_source,
        "chosen": job.chosen,
        "residents_total": total,
        "residents_within_before": job.covered_before,
        "residents_within_after": job.covered_after,
        "share_before": share(job.covered_before),
        "share_after": share(job.covered_after),
        "gap": job.gap,
        "bound": job.bound,
        "solver": job.solver,
        "solver_status": job.solver_status,
        "seconds": job.seconds,
        "error": job.error,
        "by_department": job.by_department,
        "residents_new": (
            job.covered_after - job.covered_before if job.covered_after is not None else None
        ),
    }
