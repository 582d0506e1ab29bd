"""Reads of the 102 service: recommendations, possible duplicates, the live board, details."""

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from precinct.accounts import access
from precinct.analytics.dispatch import ACCESS_SPEED_MPS, rank_units
from precinct.analytics.network import OutsideNetworkError
from precinct.analytics.network.graph import haversine_m
from precinct.audit.models import AuditEntry
from precinct.audit.services import audit_record
from precinct.dispatch.models import Assignment, Category, Incident, Unit, UnitKind
from precinct.territory.network import network_at

MODE_OF_KIND = {UnitKind.CAR: "drive", UnitKind.FOOT: "walk"}


@dataclass
class Recommendation:
    """One available unit with its travel time to the incident over the roads.

    A unit left out of a bounded ranking (``recommendations(first=…)``) has no ETA or road
    distance, only ``eta_at_least``: the search stopped before it, so it is at least that
    slow. A ranked unit's ``eta_at_least`` is its ETA.
    """

    unit: Unit
    eta_seconds: float | None
    distance_m: float | None
    straight_m: float
    eta_at_least: float


def categories() -> list[Category]:
    """Active call categories, most urgent first."""
    return list(Category.objects.filter(active=True))


def candidate_units(*, incident: Incident) -> list[Unit]:
    """Available units of the incident's region whose kind suits its category."""
    units = Unit.objects.filter(
        state=Unit.State.AVAILABLE,
        department__region_id=incident.department.region_id,
        lon__isnull=False,
    )
    kinds = incident.category.unit_kinds
    if kinds:
        units = units.filter(kind__in=kinds)
    return list(units.only("id", "callsign", "kind", "lon", "lat", "department_id"))


def recommendations(
    *, incident: Incident, units: list[Unit] | None = None, first: int | None = None
) -> list[Recommendation]:
    """Candidate units ranked by road travel time (driving for cars, walking on foot).

    One Dijkstra per travel mode on the reversed graph from the incident gives the units'
    times to it. Units off the network or beyond the time limit are left out. With
    ``first``, each mode's search stops once its ``first`` fastest units are known (on a
    region's graph a few per cent of the nodes instead of nearly all): the list starts
    with the ``first`` fastest units of all, exact, and the others follow by their lower
    bound, those the search did not rank without an ETA.
    """
    units = candidate_units(incident=incident) if units is None else units
    out: list[Recommendation] = []
    for kind, mode in MODE_OF_KIND.items():
        group = [u for u in units if u.kind == kind]
        if group:
            out += _ranked_group(incident, group, kind, mode, first)
    # Ranked before unranked at an equal bound: a bound is not an ETA.
    out.sort(key=lambda r: (r.eta_at_least, r.eta_seconds is None))
    return out


def _ranked_group(incident, group, kind, mode, first) -> list[Recommendation]:
    """The units of one travel mode, ranked (or bounded) on that mode's graph."""
    if incident.lon is None or incident.lat is None:
        return []  # no place to rank from
    net = network_at(mode, incident.lon, incident.lat)  # the incident's region
    try:
        node, snap_m = net.snapper.snap(incident.lon, incident.lat)
    except OutsideNetworkError:
        return []
    lons = np.array([u.lon for u in group])
    lats = np.array([u.lat for u in group])
    nodes, metres = net.snapper.snap_many(lons, lats)
    ranking = rank_units(
        net.graph.reversed(), node, snap_m, nodes, metres,
        access_speed_mps=ACCESS_SPEED_MPS[kind],
        limit_s=settings.PRECINCT_DISPATCH_MAX_ETA_SECONDS, first=first,
    )  # fmt: skip
    straight = haversine_m(incident.lon, incident.lat, lons, lats)
    out = [
        Recommendation(group[i], float(eta), float(metres_i), float(straight[i]), float(eta))
        for i, eta, metres_i in zip(
            ranking.order, ranking.eta_seconds, ranking.distance_m, strict=True
        )
    ]
    out += [
        Recommendation(group[i], None, None, float(straight[i]), float(bound))
        for i, bound in zip(ranking.unranked, ranking.eta_at_least, strict=True)
    ]
    return out


def possible_duplicates(*, incident: Incident) -> list[Incident]:
    """Open incidents of the same category near the new one, received shortly before it."""
    radius = settings.PRECINCT_DISPATCH_DUPLICATE_METERS
    window = dt.timedelta(minutes=settings.PRECINCT_DISPATCH_DUPLICATE_MINUTES)
    dlat = radius / 111_320.0
    dlon = dlat / max(math.cos(math.radians(incident.lat)), 0.01)
    near = (
        Incident.objects.filter(
            state=Incident.State.OPEN,
            category_id=incident.category_id,
            received_at__gte=incident.received_at - window,
            received_at__lte=incident.received_at,
            lon__range=(incident.lon - dlon, incident.lon + dlon),
            lat__range=(incident.lat - dlat, incident.lat + dlat),
        )
        .exclude(pk=incident.pk)
        .filter(duplicate_of=None)
        .select_related("category")
    )
    return [
        other
        for other in near
        if haversine_m(incident.lon, incident.lat, other.lon, other.lat) <= radius
    ]


def target_seconds(priority: int, area_type: str) -> int | None:
    """The configured arrival target of a priority in an area type, in seconds."""
    minutes = settings.PRECINCT_DISPATCH_TARGETS_MINUTES.get(priority, {}).get(area_type)
    return None if minutes is None else int(minutes) * 60


def board(*, user, now: dt.datetime | None = None) -> dict:
    """Open incidents (most urgent priority first, then the longest waiting; past target
    flagged) and units in the user's scope.

    Rows are plain dicts of ready-made strings: with 500 open incidents the page's time
    goes into the template, and dict lookups of strings are its cheapest path. A fixed
    number of queries whatever the number of incidents (a test holds it).
    """
    now = now or timezone.now()
    lang = (get_language() or "ru")[:2]
    names = {
        c["id"]: ({"kk": c["name_kk"], "en": c["name_en"]}.get(lang) or c["name"])
        for c in Category.objects.values("id", "name", "name_kk", "name_en")
    }
    open_incidents = access.incidents_visible_to(
        user, Incident.objects.filter(state=Incident.State.OPEN)
    )
    sent: dict[int, list[str]] = {}
    live = Assignment.objects.filter(
        cleared_at=None, incident__in=open_incidents.values("id")
    ).values_list("incident_id", "unit__callsign")
    for incident_id, callsign in live:
        sent.setdefault(incident_id, []).append(callsign)
    fields = ("id", "priority", "area_type", "category_id", "received_at", "response_seconds")
    rows = []
    # An operator scans from the top: an emergency must never sit below older minor calls.
    for row in open_incidents.order_by("priority", "received_at").values(*fields):
        elapsed = int((now - row["received_at"]).total_seconds())
        target = target_seconds(row["priority"], row["area_type"])
        waited = row["response_seconds"] if row["response_seconds"] is not None else elapsed
        rows.append({
            "id": str(row["id"]), "priority": str(row["priority"]),
            "category": names[row["category_id"]], "waiting": str(elapsed // 60),
            "target": "—" if target is None else str(target // 60),
            "overdue": target is not None and waited > target,
            "units": ", ".join(sent.get(row["id"], [])) or "—",
        })  # fmt: skip
    departments = access.departments_in_scope(user)
    states = dict(Unit.State.choices)
    kinds = dict(UnitKind.choices)
    units = [
        {"id": str(u["id"]), "callsign": u["callsign"], "kind": str(kinds[u["kind"]]),
         "state": u["state"], "state_label": str(states[u["state"]])}
        for u in Unit.objects.filter(department__in=departments)
        .exclude(state=Unit.State.OUT_OF_SERVICE)
        .order_by("state", "callsign")
        .values("id", "callsign", "kind", "state")
    ]  # fmt: skip
    counts: dict[str, int] = {}
    for u in units:
        counts[u["state_label"]] = counts.get(u["state_label"], 0) + 1
    return {"incidents": rows, "units": units, "unit_counts": counts, "now": now}


def incident_detail(*, user, incident: Incident, with_phone: bool) -> dict:
    """An incident with its timeline; the caller's phone only on request, and audited."""
    phone = None
    if with_phone and access.can_view_caller_phone(user, incident) and incident.caller_phone:
        audit_record(
            actor=user, action=AuditEntry.Action.READ, subject=incident,
            fields=["caller_phone"], context="dispatch incident",
        )  # fmt: skip
        phone = incident.caller_phone
    return {
        "incident": incident,
        "caller_phone": phone,
        "events": list(incident.events.select_related("unit")),
        "assignments": list(incident.assignments.select_related("unit")),
    }


def target_table() -> list[dict]:
    """The configured targets, for display with their source."""
    return [
        {"priority": p, "urban": by_area.get("urban"), "rural": by_area.get("rural")}
        for p, by_area in sorted(settings.PRECINCT_DISPATCH_TARGETS_MINUTES.items())
    ]


def recommendation_payload(r: Recommendation) -> dict:
    """The RecommendationOut dict of a recommendation (the API and the console share it)."""
    ranked = r.eta_seconds is not None
    return {
        "unit_id": r.unit.id, "callsign": r.unit.callsign, "kind": r.unit.kind,
        "eta_seconds": round(r.eta_seconds, 1) if ranked else None,
        "distance_m": round(r.distance_m, 1) if ranked else None,
        "eta_at_least_seconds": round(r.eta_at_least, 1),
        "straight_line_m": round(r.straight_m, 1), "lat": r.unit.lat, "lon": r.unit.lon,
    }  # fmt: skip
