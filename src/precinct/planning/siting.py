"""Siting jobs: candidate sites from an upload, and the run itself (in the worker).

The optimisation is the analytics core's (``precinct.analytics.siting``); this module
prepares its arrays from the database (residents per walking-network node, today's open
posts, candidate sites) and stores what it returns on the job.
"""

import csv
import io
import time

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.core import numbers
from precinct.planning import inputs
from precinct.planning.errors import PlanningError
from precinct.planning.models import SitingJob
from precinct.territory.models import Address, Department, Post
from precinct.territory.walking import walking_seconds

MAX_CANDIDATE_ROWS = 100_000
# The job row is written at most this often with progress / read for a cancel request.
POLL_SECONDS = 0.5


def parse_candidates(*, text: str, walk) -> tuple[list[int], str]:
    """Walking-network nodes of an uploaded candidate list (CSV).

    Columns: ``lon,lat`` (a plot or building by coordinates) or ``osm_ref`` (a building
    of the address register, e.g. ``w123``). A row off the network, unknown or malformed
    is an error naming its line; duplicates are kept once.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = {c.strip().lower() for c in (reader.fieldnames or []) if c}
    by_coords = {"lon", "lat"} <= columns
    if not by_coords and "osm_ref" not in columns:
        raise PlanningError(
            _("The candidate list needs the columns lon,lat or osm_ref."), field="candidates"
        )
    points, errors = [], []
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        if not any(row.values()):
            continue
        if len(points) + len(errors) >= MAX_CANDIDATE_ROWS:
            errors.append(
                _("line %(line)s: more than %(max)s candidate sites")
                % {"line": line, "max": MAX_CANDIDATE_ROWS}
            )
            break
        if by_coords:
            try:
                lon, lat = float(row["lon"]), float(row["lat"])
            except ValueError:
                errors.append(_("line %(line)s: lon and lat must be numbers") % {"line": line})
                continue
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                errors.append(_("line %(line)s: coordinates out of range") % {"line": line})
                continue
            points.append((line, lon, lat))
        else:
            address = Address.objects.filter(osm_ref=row["osm_ref"]).first()
            if address is None:
                errors.append(
                    _("line %(line)s: no building “%(ref)s” in the register")
                    % {"line": line, "ref": row["osm_ref"]}
                )
                continue
            points.append((line, address.lon, address.lat))
    if not points and not errors:
        errors.append(_("the candidate list is empty"))
    if points:
        arr = np.array([(lon, lat) for _line, lon, lat in points])
        nodes, metres = walk.snapper.snap_many(arr[:, 0], arr[:, 1])
        for (line, _lon, _lat), node, dist in zip(points, nodes, metres, strict=True):
            if node < 0:
                errors.append(
                    _(
                        "line %(line)s: outside the walking network (%(distance)s from the "
                        "nearest street; at most %(limit)s)"
                    )
                    % {
                        "line": line,
                        "distance": numbers.quantity(dist, "m"),
                        "limit": numbers.quantity(walk.snapper.max_distance_m, "m"),
                    }
                )
    if errors:
        raise PlanningError("; ".join(errors[:20]), field="candidates")
    kept = list(dict.fromkeys(int(n) for n in nodes))
    return kept, f"uploaded list, {len(kept)} sites"


def department_mask(pop: inputs.Population, department: Department | None):
    """Population points inside the department's subtree (None: everyone)."""
    if department is None:
        return None
    ids = list(
        Department.objects.filter(path__startswith=department.path).values_list("id", flat=True)
    )
    return np.isin(pop.department_id, ids)


class _Watcher:
    """Progress reports and cancel checks of one running job, throttled to the database."""

    def __init__(self, job_id: int, start: float, end: float):
        self.job_id, self.start, self.end = job_id, start, end
        self.last_write = self.last_read = 0.0
        self.cancelled = False

    def progress(self, what) -> None:
        now = time.monotonic()
        if isinstance(what, int | float):
            fraction, note = self.start + (self.end - self.start) * float(what), None
        else:
            fraction, note = None, str(what)[:200]
        if now - self.last_write < POLL_SECONDS and fraction is None:
            return
        self.last_write = now
        changes = {}
        if fraction is not None:
            changes["progress"] = min(max(fraction, 0.0), 1.0)
        if note is not None:
            changes["progress_note"] = note
        SitingJob.objects.filter(pk=self.job_id, state=SitingJob.State.RUNNING).update(**changes)

    def should_stop(self) -> bool:
        now = time.monotonic()
        if not self.cancelled and now - self.last_read >= POLL_SECONDS:
            self.last_read = now
            self.cancelled = SitingJob.objects.filter(
                pk=self.job_id, cancel_requested=True
            ).exists()
        return self.cancelled


def run(job: SitingJob) -> SitingJob:
    """Solve the job's instance and store the result on it (called by the worker task)."""
    from precinct.analytics import coverage as core_coverage
    from precinct.analytics import siting as core

    watcher = _Watcher(job.pk, 0.3, 1.0)
    walk = inputs.walk_network(department=job.department)
    pop = inputs.population(walk)
    graph = walk.graph
    nodes, weights, index, legs = inputs.demand(pop, department_mask(pop, job.department))
    if nodes.size == 0:
        raise PlanningError(_("No residents to cover in this area."), field="department")
    candidates = (
        np.asarray(job.candidate_nodes, dtype=np.int64)
        if job.candidate_nodes is not None
        else np.arange(graph.n_nodes, dtype=np.int64)
    )
    reach_s = walking_seconds(job.minutes)
    _posts, open_nodes, open_legs = inputs.post_nodes(walk, [Post.State.OPEN])
    today = core_coverage.reach_times(graph, open_nodes, limit_s=reach_s, offsets=open_legs)
    fixed = today[nodes] + legs <= reach_s
    watcher.progress("coverage sets")
    # A candidate site is a street node (the chosen sites are reported there): no last leg.
    cover = core.coverage_sets(graph, nodes, candidates, reach_s, demand_access_s=legs)
    _set_progress(job, 0.3, "optimising")
    options = {
        "fixed_covered": fixed,
        "time_limit": job.time_limit_s,
        "progress": watcher.progress,
        "should_stop": watcher.should_stop,
    }
    if job.method == SitingJob.Method.SET_COVER:
        result = core.set_covering(cover, weights, job.target_share, **options)
    else:
        result = core.maximal_covering(cover, weights, int(job.k), **options)
    chosen_nodes = candidates[result.chosen]
    # Residents newly within reach thanks to each chosen site alone (for the table).
    new_by_site = np.asarray(
        cover[:, result.chosen].T.astype(np.float64) @ np.where(fixed, 0.0, weights)
    ).ravel()
    job.chosen = [
        {
            "node": int(n),
            "lon": round(float(graph.lon[n]), 6),
            "lat": round(float(graph.lat[n]), 6),
            "residents_new": round(float(r)),
        }
        for n, r in zip(chosen_nodes, new_by_site, strict=True)
    ]
    job.residents_total = float(weights.sum())
    job.covered_before = float(result.covered_before)
    job.covered_after = float(result.covered_after)
    job.gap = float(result.gap) if np.isfinite(result.gap) else None
    job.bound = float(result.bound)
    job.solver = result.method
    job.solver_status = result.status
    job.seconds = float(result.seconds)
    job.by_department = _by_department(pop, index, fixed, result.covered)
    cancelled = watcher.should_stop() or result.status == "cancelled"
    job.state = SitingJob.State.CANCELLED if cancelled else SitingJob.State.DONE
    job.progress = 1.0
    job.progress_note = result.status
    job.finished_at = timezone.now()
    job.save()
    return job


def _by_department(pop, index, fixed, covered) -> list[dict]:
    """Residents within reach before and after, per department of the demand."""
    on = index >= 0
    before_pt = np.where(on, fixed[np.maximum(index, 0)], False)
    after_pt = np.where(on, covered[np.maximum(index, 0)], False)
    dep = pop.department_id
    out = []
    names = {d.id: d.display_name for d in Department.objects.all()}
    for dep_id in np.unique(dep[on]):
        m = on & (dep == dep_id)
        out.append(
            {
                "department_id": int(dep_id) or None,
                "name": names.get(int(dep_id), ""),
                "residents": round(float(pop.residents[m].sum())),
                "before": round(float(pop.residents[m & before_pt].sum())),
                "after": round(float(pop.residents[m & after_pt].sum())),
            }
        )
    return out


def _set_progress(job: SitingJob, fraction: float, note: str) -> None:
    SitingJob.objects.filter(pk=job.pk).update(progress=fraction, progress_note=note)
