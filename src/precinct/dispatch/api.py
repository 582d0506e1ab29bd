"""The 102 API: categories, call intake, recommendations, dispatch, and the units' devices."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.security import HttpBearer

from precinct.accounts import access
from precinct.accounts.auth import staff_auth
from precinct.analytics.network.graph import haversine_m
from precinct.core.errors import error_responses
from precinct.core.replica import reads_from_replica
from precinct.dispatch import metrics, selectors, services
from precinct.dispatch.models import Incident, Unit
from precinct.dispatch.schemas import (
    AssignmentIn,
    AssignmentOut,
    AssignmentsIn,
    AssignmentsOut,
    CategoryOut,
    IncidentCreatedOut,
    IncidentIn,
    IncidentOut,
    MeasureOut,
    MeasuresQuery,
    PositionIn,
    PositionOut,
    RecommendationOut,
    RecommendationsQuery,
    UnitOut,
    UnitStateIn,
    UnitTokenOut,
)
from precinct.territory.models import Department

router = Router(tags=["dispatch"])


class UnitToken(HttpBearer):
    """``Authorization: Bearer pcu_…``: the device token of one unit."""

    def authenticate(self, request, token):
        return services.unit_for_token(token)


def _visible_incident(request, incident_id: int) -> Incident:
    """The incident, if the caller may see it; otherwise 404 (not even its existence)."""
    item = get_object_or_404(
        Incident.objects.select_related("category", "department"), pk=incident_id
    )
    if not access.can_view_incident(request.auth, item):
        raise Http404
    return item


@router.get(
    "/dispatch/categories", response={200: list[CategoryOut], **error_responses(401)},
    auth=staff_auth,
)  # fmt: skip
def list_categories(request):
    """Call categories with their default priorities and the unit kinds that suit them."""
    return [
        {"code": c.code, "name": c.display_name, "default_priority": c.default_priority,
         "unit_kinds": c.unit_kinds}
        for c in selectors.categories()
    ]  # fmt: skip


@router.post("/dispatch/incidents",
             response={201: IncidentCreatedOut, **error_responses(400, 401, 403, 404)},
             auth=staff_auth)  # fmt: skip
def create_incident(request, payload: IncidentIn):
    """Take a call; the answer lists open incidents that may be the same one."""
    incident = services.incident_create(
        actor=request.auth, lon=payload.lon, lat=payload.lat, category_code=payload.category,
        priority=payload.priority, caller_phone=payload.caller_phone, text=payload.text,
        place=payload.place,
    )  # fmt: skip
    duplicates = [
        {"id": d.id, "category": d.category.code, "received_at": d.received_at,
         "distance_m": float(haversine_m(incident.lon, incident.lat, d.lon, d.lat))}
        for d in selectors.possible_duplicates(incident=incident)
    ]  # fmt: skip
    return Status(
        201,
        {"id": incident.id, "department_id": incident.department_id,
         "priority": incident.priority, "received_at": incident.received_at,
         "possible_duplicates": duplicates},
    )  # fmt: skip


@router.get("/dispatch/incidents/{incident_id}",
            response={200: IncidentOut, **error_responses(400, 401, 404)},
            auth=staff_auth)  # fmt: skip
def get_incident(request, incident_id: int, phone: bool = False):
    """An incident and its timeline; ``?phone=1`` adds the caller's phone (audited)."""
    incident = _visible_incident(request, incident_id)
    detail = selectors.incident_detail(user=request.auth, incident=incident, with_phone=phone)
    return Status(200, {
        **{f: getattr(incident, f) for f in (
            "id", "priority", "state", "lat", "lon", "place", "department_id", "received_at",
            "dispatched_at", "en_route_at", "on_scene_at", "closed_at", "handling_seconds",
            "travel_seconds", "response_seconds")},
        "category": incident.category.code,
        "caller_phone": detail["caller_phone"],
        "target_seconds": selectors.target_seconds(incident.priority, incident.area_type),
        "events": [{"kind": e.kind, "at": e.at, "unit_id": e.unit_id} for e in detail["events"]],
    })  # fmt: skip


@router.get("/dispatch/incidents/{incident_id}/recommendations",
            response={200: list[RecommendationOut], **error_responses(400, 401, 403, 404, 503)},
            auth=staff_auth)  # fmt: skip
def get_recommendations(request, incident_id: int, q: Query[RecommendationsQuery]):
    """Available units ranked by road travel time to the incident, fastest first."""
    incident = _visible_incident(request, incident_id)
    if not access.can_dispatch_incident(request.auth, incident):
        raise services.DispatchForbidden(_("Outside your scope."))
    ranked = selectors.recommendations(incident=incident, first=q.limit)
    exact = [r for r in ranked if r.eta_seconds is not None][: q.limit]
    return Status(200, [selectors.recommendation_payload(r) for r in exact])


def _assignment_out(a) -> dict:
    return {"id": a.id, "incident_id": a.incident_id, "unit_id": a.unit_id,
            "dispatched_at": a.dispatched_at}  # fmt: skip


@router.post("/dispatch/incidents/{incident_id}/assignments",
             response={201: AssignmentOut, **error_responses(400, 401, 403, 404, 409)},
             auth=staff_auth)  # fmt: skip
def create_assignment(request, incident_id: int, payload: AssignmentIn):
    """Send a unit. 409 ``unit_not_available`` when another operator was faster."""
    incident = _visible_incident(request, incident_id)
    a = services.assignment_create(
        actor=request.auth, incident=incident, unit_id=payload.unit_id,
        eta_seconds=payload.eta_seconds,
    )  # fmt: skip
    return Status(201, _assignment_out(a))


@router.post("/dispatch/incidents/{incident_id}/assignments/batch",
             response={201: AssignmentsOut, **error_responses(400, 401, 403, 404, 409)},
             auth=staff_auth)  # fmt: skip
def create_assignments(request, incident_id: int, payload: AssignmentsIn):
    """Send several units in one action: all of them, or none and a 409 naming the unit
    that could not go."""
    incident = _visible_incident(request, incident_id)
    etas = {u.unit_id: u.eta_seconds for u in payload.units}
    if len(etas) < len(payload.units):
        raise services.DispatchError(_("A unit is listed twice."), field="units", code="unit_twice")
    sent = services.assignments_create(actor=request.auth, incident=incident, etas=etas)
    return Status(201, {"assignments": [_assignment_out(a) for a in sent]})


@router.post("/dispatch/incidents/{incident_id}/close",
             response={200: IncidentCreatedOut, **error_responses(400, 401, 403, 404, 409)},
             auth=staff_auth)  # fmt: skip
def close_incident(request, incident_id: int):
    """Close an incident and free its units."""
    incident = _visible_incident(request, incident_id)
    incident = services.incident_close(actor=request.auth, incident=incident)
    return Status(200, {"id": incident.id, "department_id": incident.department_id,
                        "priority": incident.priority, "received_at": incident.received_at,
                        "possible_duplicates": []})  # fmt: skip


def _own_unit(request, unit_id: int) -> Unit | None:
    unit: Unit = request.auth
    return unit if unit.pk == unit_id else None


@router.post("/units/{unit_id}/positions",
             response={201: PositionOut, **error_responses(400, 401, 403)},
             auth=UnitToken())  # fmt: skip
def push_position(request, unit_id: int, payload: PositionIn):
    """A unit's device reports where it is (its own unit only)."""
    unit = _own_unit(request, unit_id)
    if unit is None:
        raise services.DispatchForbidden(_("This token belongs to another unit."))
    position = services.unit_report_position(
        unit=unit, lon=payload.lon, lat=payload.lat, recorded_at=payload.recorded_at
    )
    return Status(201, {"id": position.id, "accepted": not position.flag, "flag": position.flag})


@router.post("/units/{unit_id}/state",
             response={200: UnitOut, **error_responses(400, 401, 403, 409)},
             auth=UnitToken())  # fmt: skip
def push_state(request, unit_id: int, payload: UnitStateIn):
    """A unit reports its state: en_route acknowledges a dispatch, on_scene arrives."""
    unit = _own_unit(request, unit_id)
    if unit is None:
        raise services.DispatchForbidden(_("This token belongs to another unit."))
    unit = services.unit_report_state(unit=unit, state=payload.state)
    return Status(200, {"id": unit.id, "callsign": unit.callsign, "kind": unit.kind,
                        "state": unit.state, "lat": unit.lat, "lon": unit.lon})  # fmt: skip


@router.get("/dispatch/measures",
            response={200: list[MeasureOut], **error_responses(400, 401, 403, 404)},
            auth=staff_auth)  # fmt: skip
@reads_from_replica
def get_measures(request, q: Query[MeasuresQuery]):
    """Response-time measures of a department's subtree (default: the user's scope)."""
    department = request.auth.department  # None: the whole country
    if q.department_id is not None:
        department = get_object_or_404(Department, pk=q.department_id)
    if not access.can_read_dispatch_measures(request.auth, department):
        raise services.DispatchForbidden(_("Outside your scope."))
    if q.end <= q.start:
        raise services.DispatchError(
            _("The end of the window must be after its start."), field="end",
            code="invalid_window",
        )  # fmt: skip
    group_by = tuple(g.strip() for g in q.group_by.split(",") if g.strip())
    try:
        rows = metrics.response_measures(
            department=department, start=q.start, end=q.end, group_by=group_by,
            priority=q.priority,
        )  # fmt: skip
    except ValueError as exc:  # an unknown grouping
        raise services.DispatchError(str(exc), field="group_by", code="invalid_group") from None
    out = []
    for row in rows:
        group = {name: row.pop(name) for name in group_by}
        out.append({"group": {k: str(v) if hasattr(v, "isoformat") else v
                              for k, v in group.items()}, **row})  # fmt: skip
    return Status(200, out)


@router.post("/dispatch/units/{unit_id}/token",
             response={201: UnitTokenOut, **error_responses(400, 401, 403, 404)},
             auth=staff_auth)  # fmt: skip
def issue_unit_token(request, unit_id: int):
    """A new device token for a unit (heads and admins in scope); the old one stops working."""
    unit = get_object_or_404(Unit.objects.select_related("department"), pk=unit_id)
    raw = services.unit_token_issue(actor=request.auth, unit=unit)
    return Status(201, {"unit_id": unit.id, "token": raw})
