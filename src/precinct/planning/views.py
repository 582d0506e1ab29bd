"""Planning pages: public coverage and construction progress; planners' staffing and scenarios."""

import csv
import io
import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from precinct.accounts import access
from precinct.accounts.guards import staff_page
from precinct.core import listing
from precinct.core.errors import DomainError, domain_error_body, error_body
from precinct.planning import selectors, services, tasks
from precinct.planning.errors import PlanningError, PlanningForbidden
from precinct.planning.forms import NormForm, ScenarioForm, StaffingUploadForm
from precinct.planning.models import SitingJob
from precinct.territory.mapdata import map_config
from precinct.territory.network import NetworkMissing


def _minutes_from(request) -> list[float]:
    raw = request.GET.get("minutes")
    if raw:
        return [raw]
    return list(settings.PRECINCT_COVERAGE_MINUTES)


def _map_config(data_url: str) -> dict:
    return map_config(
        result_url=data_url,
        labels={
            "covered": _("Residents within reach"),
            "uncovered": _("Residents out of reach"),
            "open": _("Open post"),
            "building": _("Under construction"),
            "planned": _("Planned"),
            "chosen": _("Proposed new post"),
            "area": _("Walking area"),
            "residents": _("residents"),
        },
    )


@require_GET
def coverage_page(request):
    """Who lives within walking reach of an open post, per area, with the map (public)."""
    from precinct.planning.coverage import coverage_report

    what_if = request.GET.get("what_if") == "1"
    context = {"what_if": what_if, "error": None, "report": None}
    try:
        report = coverage_report(minutes_list=_minutes_from(request), what_if=what_if)
        regions, region = _map_region(request)
    except DomainError as exc:  # PlanningError, or a walking time out of range
        context["error"] = exc.message
        return render(request, "planning/coverage.html", context, status=400)
    except NetworkMissing:
        context["error"] = _("The road network has not been imported yet.")
        return render(request, "planning/coverage.html", context, status=503)
    map_minutes = report.minutes[-1]
    url = reverse("planning:coverage-map") + f"?minutes={map_minutes:g}&what_if={int(what_if)}"
    if region is not None:
        url += f"&region={region.code}"
    levels = {
        "department": _("By department"),
        "region": _("By region"),
        "precinct": _("By precinct"),
    }
    # One level's table at a time, searched and paged: 360 precinct rows made a phone's
    # page 49,000 px tall.
    level = request.GET.get("level") if request.GET.get("level") in levels else "department"
    query = listing.search_query(request)
    rows = [r for r in report.rows.get(level, []) if r.residents]
    page = listing.page_of(request, listing.matching(rows, query, lambda r: r.name))
    context.update(
        report=report, map_minutes=map_minutes, map_config=_map_config(url),
        map_regions=regions, map_region=region,
        levels=levels, level=level, level_title=levels[level], page=page, query=query,
    )  # fmt: skip
    return render(request, "planning/coverage.html", context)


def _map_region(request):
    """(regions to choose from, the region shown) on the coverage map: with several
    regions' networks imported the map shows one, ``?region=CODE`` or the first."""
    from precinct.planning.coverage import map_regions

    regions = map_regions()
    if not regions:
        return [], None
    wanted = request.GET.get("region")
    chosen = next((r for r in regions if r.code == wanted), None)
    if wanted and chosen is None:
        raise PlanningError(_("Unknown region “%(code)s”.") % {"code": wanted}, field="region")
    return regions, chosen or regions[0]


@require_GET
def coverage_map(request):
    """Map layers: residents within and out of reach, the walking area, the posts."""
    from precinct.planning.coverage import coverage_map

    try:
        _regions, region = _map_region(request)
        data = coverage_map(
            minutes=request.GET.get("minutes", "15"),
            what_if=request.GET.get("what_if") == "1",
            region=region.code if region is not None else None,
        )
    except DomainError as exc:  # PlanningError, or a walking time out of range
        return JsonResponse(domain_error_body(exc), status=exc.status)
    except NetworkMissing as exc:
        return JsonResponse(error_body("network_missing", str(exc)), status=503)
    response = JsonResponse(data)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def construction_page(request):
    """The post-construction programme: progress per department and region, overdue posts."""
    progress = selectors.programme_progress()
    staff = access.can_use_planning_tools(request.user)
    tables = [("regions", progress["regions"]), ("departments", progress["departments"])]
    context = {"progress": progress, "staff": staff, "tables": tables}
    return render(request, "planning/construction.html", context)


@staff_page(access.can_use_planning_tools)
def staffing_page(request):
    """Inspectors needed by the norm versus in post; CSV returns; norms with their sources."""
    upload, norm_form, errors = StaffingUploadForm(), NormForm(), []
    if request.method == "POST" and "file" in request.FILES:
        upload = StaffingUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            try:
                text = upload.cleaned_data["file"].read().decode("utf-8-sig")
                result = services.staffing_import_csv(
                    actor=request.user, text=text, source=upload.cleaned_data["source"]
                )
            except UnicodeDecodeError:
                errors = [_("The file must be UTF-8 text (CSV).")]
            except PlanningError as exc:
                errors = [message for _field, message in exc.errors]
            else:
                messages.success(
                    request,
                    _("Loaded: %(c)d new, %(u)d updated.")
                    % {"c": result.created, "u": result.updated},
                )
                return redirect("planning:staffing")
    elif request.method == "POST":
        norm_form = NormForm(request.POST)
        if norm_form.is_valid():
            try:
                services.staffing_norm_record(actor=request.user, **norm_form.cleaned_data)
            except PlanningForbidden as exc:
                raise PermissionDenied(str(exc)) from None
            except PlanningError as exc:
                norm_form.add_error(None, str(exc))
            else:
                return redirect("planning:staffing")
    rows, total, extra = selectors.staffing_report()
    visible = {d.id for d in access.departments_in_scope(request.user)}
    rows = [r for r in rows if r.department_id in visible]
    context = {
        "page": listing.page_of(
            request, listing.matching(rows, listing.search_query(request), lambda r: r.name)
        ),
        "total": total if access.has_national_scope(request.user) else None,
        "extra": extra,
        "upload": upload,
        "norm_form": norm_form if access.can_plan(request.user, None) else None,
        "errors": errors,
    }
    return render(request, "planning/staffing.html", context, status=400 if errors else 200)


@staff_page(access.can_use_planning_tools)
def scenarios_page(request):
    """Siting scenarios: run a new one, open, compare."""
    departments = access.departments_in_scope(request.user)
    form = ScenarioForm(departments=departments)
    if request.method == "POST":
        form = ScenarioForm(request.POST, request.FILES, departments=departments)
        if form.is_valid():
            candidates = form.candidates_text()
            data = form.cleaned_data
            if not form.errors:
                try:
                    job = tasks.siting_job_submit(
                        actor=request.user, minutes=data["minutes"], k=data["k"],
                        target_share=data["target_share"], department=data["department"],
                        candidates_csv=candidates, name=data["name"],
                    )  # fmt: skip
                except PlanningForbidden as exc:
                    form.add_error("department", str(exc))
                except DomainError as exc:  # PlanningError, or a walking time out of range
                    field = exc.field if exc.field in form.fields else None
                    form.add_error(field, str(exc))
                else:
                    return redirect("planning:scenario", pk=job.pk)
    jobs = selectors.siting_jobs_visible_to(request.user)[:50]
    status = 400 if form.errors else 200
    return render(request, "planning/scenarios.html", {"form": form, "jobs": jobs}, status=status)


def _job_for(request, pk: int) -> SitingJob:
    return get_object_or_404(selectors.siting_jobs_visible_to(request.user), pk=pk)


@staff_page(access.can_use_planning_tools)
@require_GET
def scenario_page(request, pk: int):
    """One scenario: progress while it runs; chosen sites on the map, before and after."""
    job = _job_for(request, pk)
    template = "planning/_job.html" if request.htmx else "planning/scenario.html"
    # The map shows today's coverage at the job's walking time under the proposed sites.
    url = reverse("planning:coverage-map") + f"?minutes={job.minutes:g}&what_if=0"
    context = {"job": job, "data": selectors.job_payload(job), "map_config": _map_config(url)}
    return render(request, template, context)


@staff_page(access.can_use_planning_tools)
@require_POST
def scenario_cancel(request, pk: int):
    services.siting_job_cancel(actor=request.user, job=_job_for(request, pk))
    return redirect("planning:scenario", pk=pk)


@staff_page(access.can_use_planning_tools)
@require_POST
def scenario_save(request, pk: int):
    try:
        services.siting_job_save(
            actor=request.user, job=_job_for(request, pk), name=request.POST.get("name", "")
        )
    except PlanningError as exc:
        messages.error(request, str(exc))
    return redirect("planning:scenario", pk=pk)


@staff_page(access.can_use_planning_tools)
@require_GET
def scenario_export(request, pk: int, fmt: str):
    """The chosen sites as CSV or GeoJSON, with the scenario's figures."""
    job = _job_for(request, pk)
    if fmt == "geojson":
        body = json.dumps(selectors.scenario_geojson(job), ensure_ascii=False)
        response = HttpResponse(body, content_type="application/geo+json")
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["scenario", "site", "lon", "lat", "network_node", "residents_new"])
        for i, site in enumerate(job.chosen, start=1):
            writer.writerow(
                [job.pk, i, site["lon"], site["lat"], site["node"], site["residents_new"]]
            )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scenario-{job.pk}.{fmt}"'
    return response


@staff_page(access.can_use_planning_tools)
@require_GET
def scenario_compare(request):
    """Two or more scenarios side by side: sites, residents within reach, gap."""
    ids = [int(i) for i in request.GET.getlist("id") if i.isdigit()][:6]
    jobs = list(selectors.siting_jobs_visible_to(request.user).filter(pk__in=ids))
    return render(
        request, "planning/compare.html", {"items": [(j, selectors.job_payload(j)) for j in jobs]}
    )


@staff_page(access.can_use_planning_tools)
@require_GET
def patrol_page(request):
    """Cars and foot patrols per zone and shift: queueing model and simulation side by side."""
    from precinct.planning.patrol import patrol_sizing

    try:
        target = float(request.GET.get("target_min") or settings.PRECINCT_PATROL_TARGET_MIN)
        share = float(request.GET.get("share") or settings.PRECINCT_PATROL_TARGET_SHARE)
        if target <= 0 or not 0 < share < 1:
            raise ValueError
    except ValueError:
        context = {"error": _("The arrival target must be positive and the share between 0 and 1.")}
        return render(request, "planning/patrol.html", context, status=400)
    try:
        report = patrol_sizing(target_min=target, target_share=share)
    except NetworkMissing:
        context = {"error": _("The road network has not been imported yet.")}
        return render(request, "planning/patrol.html", context, status=503)
    return render(request, "planning/patrol.html", {"report": report})
