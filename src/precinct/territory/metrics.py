"""The read surface of territory: what other apps read of it as plain rows: counts for
the home page, and the precincts an officer serves with their cards for the workspace.

Territory's foundations (``geo``, ``network``, ``mapdata``, ``locate``, ``geocoding``,
``models``) are open to every app as well.
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from precinct.accounts import access
from precinct.territory import geo, selectors
from precinct.territory.models import Department, Officer, PopulationPoint, Post, Precinct, Region


def territory_summary() -> dict:
    """Counts for the home page, by provenance, so residents see what is real."""
    region = Region.objects.order_by("id").first()
    posts = Post.objects.all()
    return {
        "region": region,
        "departments": Department.objects.count(),
        "precincts": Precinct.objects.count(),
        "posts_open": posts.filter(state=Post.State.OPEN).count(),
        "posts_real": posts.filter(source="real").count(),
        "posts_total": posts.count(),
        "inspectors": Officer.objects.filter(role=Officer.Role.INSPECTOR, is_active=True).count(),
        "population_points": PopulationPoint.objects.count(),
    }


def precincts_served(*, officer_id: int | None, on: dt.date | None = None) -> list[int]:
    """The precincts an officer serves on a date (an assignment ends the day before
    ``ends_on``, as in ``selectors.inspectors_of_precinct``), by department and number."""
    if officer_id is None:
        return []
    day = on or timezone.localdate()
    return list(
        Precinct.objects.filter(assignments__officer_id=officer_id, assignments__starts_on__lte=day)
        .filter(Q(assignments__ends_on__isnull=True) | Q(assignments__ends_on__gt=day))
        .order_by("department", "number")
        .values_list("id", flat=True)
        .distinct()
    )


def precincts_of_department(*, department_id: int) -> list[dict]:
    """The precincts of a department and every department below it: id, name, residents."""
    department = Department.objects.get(pk=department_id)
    precincts = Precinct.objects.filter(department__path__startswith=department.path)
    return [
        {"id": p.id, "number": p.number, "name": str(p), "residents": p.residents}
        for p in precincts.select_related("department").order_by("department__path", "number")
    ]


def precinct_card(*, precinct_id: int, on: dt.date | None = None) -> dict:
    """One precinct as a card: names in the reader's language, its boundary (GeoJSON) and
    bounding box, residents, its inspectors (names only) and its posts with their hours.

    Posts are those attached to the precinct, open ones first; a post being built or
    planned is listed with its state, a closed one is not.
    """
    precinct = Precinct.objects.select_related("department", "department__region").get(
        pk=precinct_id
    )
    department = precinct.department
    posts = precinct.posts.exclude(state=Post.State.CLOSED).order_by("state", "name")
    bbox = (precinct.min_lon, precinct.min_lat, precinct.max_lon, precinct.max_lat)
    return {
        "id": precinct.id,
        "number": precinct.number,
        "name": str(precinct),
        "residents": precinct.residents,
        "boundary": geo.boundary_geojson(precinct.boundary),
        "bounds": None if None in bbox else bbox,
        "department": {"id": department.id, "name": department.display_name},
        "region": {"id": department.region_id, "name": department.region.display_name},
        "inspectors": [
            {"id": o.id, "name": o.full_name, "rank": o.rank_display, "role": o.role}
            for o in selectors.inspectors_of_precinct(precinct=precinct, on=on)
        ],
        "posts": [
            {
                "id": p.id,
                "name": p.display_name,
                "state": p.state,
                "state_label": p.get_state_display(),
                "address": p.address,
                "opening_hours": p.opening_hours,
                "opening_hours_text": p.opening_hours_display,
                "phone": p.phone,
                "lon": p.lon,
                "lat": p.lat,
            }
            for p in posts
        ],
    }


def precinct_team(*, precinct_id: int, on: dt.date | None = None) -> list[dict]:
    """The inspectors (and assistants) serving a precinct on a date, for a public page:
    name, role, rank in the reader's language and the work contacts the access rules make
    public (an inspector's work phone and e-mail; an assistant's stay empty). Names only
    are shown; a private phone is never stored on an officer."""
    # The assignments are read by the precinct's key: no need to load the precinct itself.
    precinct = Precinct(pk=precinct_id)
    return [
        {
            "id": o.id,
            "name": o.full_name,
            "role": o.role,
            "role_label": o.get_role_display(),
            "rank": o.rank_display,
            "phone": o.phone if access.has_public_contact(o) else "",
            "email": o.email if access.has_public_contact(o) else "",
            "generated": o.source == "generated",
        }
        for o in selectors.inspectors_of_precinct(precinct=precinct, on=on)
    ]


# Open data (opendata app): the departments residents deal with and their precincts, as
# public rows. Nothing here carries an officer's phone or e-mail.


def public_forces() -> list[dict]:
    """The departments that serve residents directly, those holding precincts of their own
    (district and city departments; a regional one only where it holds precincts itself):
    code, name in the reader's language, kind, by their place in the hierarchy."""
    return [_force_row(d) for d in _forces().order_by("path")]


def public_force(*, code: str) -> dict | None:
    """One such department by its code (None when no department with precincts has it):
    the row of ``public_forces`` with its public phone and address."""
    department = _forces().filter(code=code).first()
    if department is None:
        return None
    return {
        **_force_row(department),
        "phone": department.phone,
        "address": department.address,
    }


def _forces():
    # A subquery, not a join with DISTINCT: DISTINCT would compare the boundaries' text.
    holding = Precinct.objects.values("department_id")
    return (
        Department.objects.filter(id__in=holding)
        .select_related("region")
        .defer("boundary", "region__boundary")
    )


def _force_row(department: Department) -> dict:
    return {
        "id": department.id,
        "code": department.code,
        "name": department.display_name,
        "kind": department.kind,
        "kind_label": department.get_kind_display(),
        "region": department.region.display_name,
    }


def public_heads(*, department_id: int) -> list[dict]:
    """The active heads of a department: name and rank in the reader's language only."""
    heads = Officer.objects.filter(
        department_id=department_id, role=Officer.Role.HEAD, is_active=True
    ).order_by("last_name", "first_name", "id")
    return [{"id": o.id, "name": o.full_name, "rank": o.rank_display} for o in heads]


def own_precincts(*, department_id: int) -> list[dict]:
    """The precincts attached to the department itself (not to those below it), by number:
    id, number and name in the reader's language."""
    precincts = (
        Precinct.objects.filter(department_id=department_id)
        .select_related("department")
        .defer("boundary", "department__boundary")
    )
    return [{"id": p.id, "number": p.number, "name": str(p)} for p in precincts.order_by("number")]


def precinct_id_by_number(*, department_code: str, number: int) -> int | None:
    """The id of the precinct with this number in the department with this code, or None."""
    return (
        Precinct.objects.filter(department__code=department_code, number=number)
        .values_list("id", flat=True)
        .first()
    )
