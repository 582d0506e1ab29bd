"""The only writers of the 102 service: each one transaction, each step stamped by the server.

A unit is sent by one conditional UPDATE (``state = available`` → ``dispatched``): of two
operators sending the same unit at once, exactly one changes a row; the other gets
:class:`DispatchError` ``unit_not_available``. A partial unique index on live assignments
backs this up in the database itself.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.accounts import access
from precinct.analytics.dispatch import implied_speed_mps
from precinct.core.errors import DomainError
from precinct.core.hashing import token_hash
from precinct.dispatch import rollups
from precinct.dispatch.defaults import DEFAULTS
from precinct.dispatch.models import (
    Assignment,
    Category,
    Incident,
    TimelineEvent,
    Unit,
    UnitKind,
    UnitPosition,
)
from precinct.territory import geo
from precinct.territory.models import Department, Precinct, Region

UNIT_TOKEN_PREFIX = "pcu_"


class DispatchError(DomainError):
    """Bad input or a refused step; ``code`` for clients, ``field`` names the input."""


class DispatchForbidden(DispatchError):
    """The step is outside the user's (or the unit's) scope."""

    status = 403
    code = "forbidden"


def check_coordinates(lon, lat) -> None:
    """Finite and on Earth."""
    for name, value, bound in (("lon", lon, 180.0), ("lat", lat, 90.0)):
        label = _("Longitude") if name == "lon" else _("Latitude")
        if value is None or not isinstance(value, int | float) or value != value:
            raise DispatchError(
                _("%(coordinate)s must be a number.") % {"coordinate": label},
                field=name,
                code="invalid_coordinates",
            )
        if not -bound <= value <= bound:
            raise DispatchError(
                _("%(coordinate)s %(value)s is outside ±%(bound)s.")
                % {"coordinate": label, "value": value, "bound": f"{bound:g}"},
                field=name,
                code="invalid_coordinates",
            )


def department_at(lon: float, lat: float) -> Department | None:
    """The department serving a point: its precinct's, else the most specific bounding box."""
    precinct_id = geo.precinct_id_at(lon, lat)
    if precinct_id is not None:
        return Precinct.objects.select_related("department").get(pk=precinct_id).department
    boxes = Department.objects.filter(
        min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat
    ).order_by("-path")
    return boxes.first()


def _region_contains(region: Region, lon: float, lat: float) -> bool:
    if region.min_lon is None:
        return True  # a region without a boundary cannot refuse a point
    return region.min_lon <= lon <= region.max_lon and region.min_lat <= lat <= region.max_lat


def _event(incident, kind, at, *, unit=None, actor=None) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    TimelineEvent.objects.create(incident=incident, kind=kind, at=at, unit=unit, actor=user)


def _seconds(start, end) -> int | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds())


def phases(incident: Incident) -> dict:
    """Call handling, travel and total response in seconds (None while not reached)."""
    return {
        "handling_seconds": _seconds(incident.received_at, incident.dispatched_at),
        "travel_seconds": _seconds(incident.dispatched_at, incident.on_scene_at),
        "response_seconds": _seconds(incident.received_at, incident.on_scene_at),
    }


def _save_phases(incident: Incident, *fields: str) -> None:
    for name, value in phases(incident).items():
        setattr(incident, name, value)
    incident.save(update_fields=[*fields, *phases(incident)])
    rollups.mark_incident(incident)  # its measures changed


@transaction.atomic
def incident_create(
    *,
    actor,
    lon: float,
    lat: float,
    category_code: str,
    priority: int | None = None,
    caller_phone: str = "",
    text: str = "",
    place: str = "",
) -> Incident:
    """Register a call: validated, placed in its department, stamped now."""
    if not access.can_take_calls(actor):
        raise DispatchForbidden(_("Only 102 operators take calls."))
    check_coordinates(lon, lat)
    category = Category.objects.filter(code=category_code, active=True).first()
    if category is None:
        raise DispatchError(
            _("Unknown category “%(category)s”.") % {"category": category_code},
            field="category",
            code="unknown_category",
        )
    if priority is None:
        priority = category.default_priority
    if not 1 <= int(priority) <= 4:
        raise DispatchError(
            _("Priority must be 1 to 4."), field="priority", code="invalid_priority"
        )
    department = department_at(lon, lat)
    if department is None:
        raise DispatchError(
            _("No department serves this point."), field="lat", status=404, code="outside_area"
        )
    if not access.is_in_scope(actor, department):
        raise DispatchForbidden(_("This point is served by a department outside your scope."))
    region = department.region
    area_type = Incident.AreaType.URBAN if region.kind == Region.Kind.CITY else "rural"
    now = timezone.now()
    incident = Incident.objects.create(
        department=department, category=category, priority=int(priority), area_type=area_type,
        lon=lon, lat=lat, place=place[:300], caller_phone=caller_phone.strip()[:40],
        text=text, created_by=actor, received_at=now,
    )  # fmt: skip
    _event(incident, TimelineEvent.Kind.RECEIVED, now, actor=actor)
    rollups.mark_incident(incident)
    return incident


@transaction.atomic
def incident_link_duplicate(*, actor, incident: Incident, original: Incident) -> Incident:
    """Mark a call as another report of an incident already open."""
    if not access.can_dispatch_incident(actor, incident):
        raise DispatchForbidden(_("This incident is outside your scope."))
    if original.pk == incident.pk or original.duplicate_of_id == incident.pk:
        raise DispatchError(_("An incident cannot duplicate itself."), code="invalid_link")
    incident.duplicate_of = original
    incident.save(update_fields=["duplicate_of"])
    rollups.mark_incident(incident)
    _event(incident, TimelineEvent.Kind.LINKED, timezone.now(), actor=actor)
    return incident


# More than this in one action is a mistake at the keyboard, not a response plan.
MAX_UNITS_PER_DISPATCH = 10


def assignment_create(
    *, actor, incident: Incident, unit_id: int, eta_seconds: float | None = None
) -> Assignment:
    """Send one unit: exactly one of two simultaneous senders wins; the other is told why."""
    return assignments_create(actor=actor, incident=incident, etas={unit_id: eta_seconds})[0]


@transaction.atomic
def assignments_create(
    *, actor, incident: Incident, etas: dict[int, float | None]
) -> list[Assignment]:
    """Send several units (unit id → ETA in seconds) in one action: all of them or none.

    If any unit is unknown, serves another region or was just taken by someone else, the
    whole action is rolled back and the error names that unit, so the operator re-chooses
    with nothing half-sent.
    """
    if not etas or len(etas) > MAX_UNITS_PER_DISPATCH:
        raise DispatchError(
            _("Choose 1 to %(max)s units.") % {"max": MAX_UNITS_PER_DISPATCH},
            field="unit_ids",
            code="unit_count",
        )
    incident = _open_incident_locked(actor, incident)
    now = timezone.now()
    # One lock order (by id) for every operator, so two overlapping choices cannot deadlock.
    units = [_unit_take(unit_id, incident, now) for unit_id in sorted(etas)]
    sent_by = actor if getattr(actor, "is_authenticated", False) else None
    assignments = []
    for unit in units:
        try:
            with transaction.atomic():
                assignments.append(Assignment.objects.create(
                    incident=incident, unit=unit, eta_seconds=etas[unit.pk],
                    dispatched_by=sent_by, dispatched_at=now,
                ))  # fmt: skip
        except IntegrityError:  # the unique index: a live assignment exists after all
            raise DispatchError(
                _("Unit %(unit)s is already assigned.") % {"unit": unit.callsign},
                status=409,
                code="unit_not_available",
            ) from None
        _event(incident, TimelineEvent.Kind.DISPATCHED, now, unit=unit, actor=actor)
    if incident.dispatched_at is None:
        incident.dispatched_at = now
        _save_phases(incident, "dispatched_at")
    return assignments


def _open_incident_locked(actor, incident: Incident) -> Incident:
    """The incident, locked for this transaction, if the actor may act on it and it is open.

    Only the incident's row is locked: FOR UPDATE over the department join would lock the
    department's row too and serialise every dispatch of the department.
    """
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=incident.pk)
    )
    if not access.can_dispatch_incident(actor, incident):
        raise DispatchForbidden(_("This incident is outside your scope."))
    if incident.state != Incident.State.OPEN:
        raise DispatchError(_("The incident is closed."), status=409, code="incident_closed")
    return incident


def _unit_take(unit_id: int, incident: Incident, now) -> Unit:
    """Mark an available unit dispatched (a conditional UPDATE: one sender wins)."""
    unit = Unit.objects.filter(pk=unit_id).select_related("department").first()
    if unit is None:
        raise DispatchError(
            _("There is no unit %(unit)s.") % {"unit": unit_id},
            field="unit_id",
            status=404,
            code="unknown_unit",
        )
    if unit.department.region_id != incident.department.region_id:
        raise DispatchError(
            _("Unit %(unit)s serves another region.") % {"unit": unit.callsign},
            field="unit_id",
            code="unit_elsewhere",
        )
    taken = Unit.objects.filter(pk=unit.pk, state=Unit.State.AVAILABLE).update(
        state=Unit.State.DISPATCHED, state_changed_at=now
    )
    if taken != 1:
        unit.refresh_from_db(fields=["state"])
        raise DispatchError(
            _("Unit %(unit)s is not available (its state: %(state)s).")
            % {"unit": unit.callsign, "state": str(unit.get_state_display()).lower()},
            field="unit_id",
            status=409,
            code="unit_not_available",
        )
    return unit


def _live_assignment(unit: Unit) -> Assignment | None:
    return (
        Assignment.objects.select_for_update()
        .filter(unit=unit, cleared_at=None)
        .select_related("incident")
        .first()
    )


DEVICE_STATES = {
    Unit.State.AVAILABLE,
    Unit.State.EN_ROUTE,
    Unit.State.ON_SCENE,
    Unit.State.BUSY,
    Unit.State.OUT_OF_SERVICE,
}


@transaction.atomic
def unit_report_state(*, unit: Unit, state: str) -> Unit:
    """A unit's device reports its state; en route acknowledges the dispatch."""
    if state not in DEVICE_STATES:
        allowed = ", ".join(sorted(DEVICE_STATES))
        raise DispatchError(
            _("State must be one of %(states)s.") % {"states": allowed},
            field="state",
            code="invalid_state",
        )
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    live = _live_assignment(unit)
    now = timezone.now()
    if state in (Unit.State.EN_ROUTE, Unit.State.ON_SCENE):
        if live is None:
            raise DispatchError(_("The unit has no assignment."), status=409, code="not_assigned")
        incident = live.incident
        if live.acknowledged_at is None:
            live.acknowledged_at = now
            _event(incident, TimelineEvent.Kind.ACKNOWLEDGED, now, unit=unit)
        if state == Unit.State.EN_ROUTE:
            _event(incident, TimelineEvent.Kind.EN_ROUTE, now, unit=unit)
            if incident.en_route_at is None:
                incident.en_route_at = now
                _save_phases(incident, "en_route_at")
        else:
            live.on_scene_at = live.on_scene_at or now
            _event(incident, TimelineEvent.Kind.ON_SCENE, now, unit=unit)
            if incident.on_scene_at is None:
                incident.on_scene_at = now
                incident.en_route_at = incident.en_route_at or now
                _save_phases(incident, "on_scene_at", "en_route_at")
        live.save(update_fields=["acknowledged_at", "on_scene_at"])
    elif live is not None:
        if state != Unit.State.AVAILABLE:
            raise DispatchError(
                _("Clear the assignment (state available) before changing state."),
                status=409,
                code="assigned",
            )
        live.cleared_at = now
        live.save(update_fields=["cleared_at"])
        _event(live.incident, TimelineEvent.Kind.CLEARED, now, unit=unit)
    unit.state = state
    unit.state_changed_at = now
    unit.save(update_fields=["state", "state_changed_at"])
    return unit


@transaction.atomic
def unit_report_position(*, unit: Unit, lon: float, lat: float, recorded_at: dt.datetime):
    """Store a fix; refuse future or out-of-region ones, flag impossible speeds.

    A flagged fix is kept for review but does not move the unit on the board.
    """
    check_coordinates(lon, lat)
    now = timezone.now()
    if timezone.is_naive(recorded_at):
        raise DispatchError(
            _("recorded_at needs a time zone."), field="recorded_at", code="naive_time"
        )
    skew = dt.timedelta(seconds=settings.PRECINCT_DISPATCH_CLOCK_SKEW_SECONDS)
    if recorded_at > now + skew:
        raise DispatchError(
            _("recorded_at is in the future."), field="recorded_at", code="future_time"
        )
    # The unit's row only, not its department's and region's (every unit's fixes would
    # queue on them).
    unit = (
        Unit.objects.select_for_update(of=("self",))
        .select_related("department__region")
        .get(pk=unit.pk)
    )
    if not _region_contains(unit.department.region, lon, lat):
        raise DispatchError(
            _("The point is outside the unit's region."), field="lon", code="outside_region"
        )
    flag = ""
    if unit.position_at is not None:
        if recorded_at <= unit.position_at:
            flag = "out_of_order"
        else:
            speed = implied_speed_mps(
                unit.lon, unit.lat, unit.position_at.timestamp(),
                lon, lat, recorded_at.timestamp(),
            )  # fmt: skip
            if speed * 3.6 > settings.PRECINCT_DISPATCH_MAX_SPEED_KMH[unit.kind]:
                flag = "impossible_speed"
    position = UnitPosition.objects.create(
        unit=unit, lon=lon, lat=lat, recorded_at=recorded_at, received_at=now, flag=flag
    )
    if not flag:
        unit.lon, unit.lat, unit.position_at = lon, lat, recorded_at
        unit.save(update_fields=["lon", "lat", "position_at"])
    return position


@transaction.atomic
def incident_close(*, actor, incident: Incident) -> Incident:
    """Close an incident; units still on it are cleared and become available."""
    incident = _open_incident_locked(actor, incident)
    now = timezone.now()
    live = list(incident.assignments.filter(cleared_at=None).select_related("unit"))
    for assignment in live:
        assignment.cleared_at = now
        assignment.save(update_fields=["cleared_at"])
        Unit.objects.filter(pk=assignment.unit_id).update(
            state=Unit.State.AVAILABLE, state_changed_at=now
        )
        _event(incident, TimelineEvent.Kind.CLEARED, now, unit=assignment.unit, actor=actor)
    incident.state = Incident.State.CLOSED
    incident.closed_at = now
    incident.save(update_fields=["state", "closed_at"])
    _event(incident, TimelineEvent.Kind.CLOSED, now, actor=actor)
    return incident


@transaction.atomic
def unit_create(
    *,
    actor,
    department: Department,
    callsign: str,
    kind: str = UnitKind.CAR,
    shift: str = "",
    crew: str = "",
    lon: float | None = None,
    lat: float | None = None,
    state: str = Unit.State.AVAILABLE,
) -> Unit:
    """Put a unit on the board (heads and admins; ``actor=None`` for the demo and imports)."""
    if actor is not None and not access.can_manage_units(actor, department):
        raise DispatchForbidden(_("Units of this department are managed by its heads."))
    now = timezone.now()
    return Unit.objects.create(
        department=department, callsign=callsign, kind=kind, shift=shift, crew=crew,
        lon=lon, lat=lat, position_at=now if lon is not None else None,
        state=state, state_changed_at=now,
    )  # fmt: skip


@transaction.atomic
def unit_token_issue(*, actor, unit: Unit) -> str:
    """A new device token for a unit (the old one stops working); returned only here."""
    if actor is not None and not access.can_manage_units(actor, unit.department):
        raise DispatchForbidden(_("Units of this department are managed by its heads."))
    raw = UNIT_TOKEN_PREFIX + secrets.token_urlsafe(32)
    Unit.objects.filter(pk=unit.pk).update(token_hash=token_hash(raw))
    return raw


def unit_for_token(raw: str) -> Unit | None:
    """The unit a device token belongs to, or None."""
    if not raw.startswith(UNIT_TOKEN_PREFIX):
        return None
    return Unit.objects.filter(token_hash=token_hash(raw)).first()


def category_defaults_create() -> int:
    """Create the default categories that are missing (migrations do it on a new database;
    tests that flush the database call it again). Returns how many were created."""
    created = 0
    for code, priority, kinds, ru, kk, en in DEFAULTS:
        _, made = Category.objects.get_or_create(
            code=code,
            defaults={"default_priority": priority, "unit_kinds": kinds, "name": ru,
                      "name_kk": kk, "name_en": en},
        )  # fmt: skip
        created += made
    return created
