"""Public territory endpoints: find my district inspector."""

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from precinct.accounts import access
from precinct.accounts.auth import optional_staff_auth, staff_auth
from precinct.audit.services import audit_read_many
from precinct.core.errors import error_responses
from precinct.territory import geo, selectors
from precinct.territory.locate import LocateResult, locate
from precinct.territory.models import Department
from precinct.territory.schemas import DepartmentListOut, LocateOut, RosterOfficerOut
from precinct.territory.services import TerritoryError

router = Router(tags=["territory"])


class LocateQuery(Schema):
    lat: float
    lon: float


@router.get(
    "/locate",
    response={200: LocateOut, **error_responses(400, 401, 404, 503)},
    auth=optional_staff_auth,
)
def locate_point(request, q: Query[LocateQuery]):
    """The precinct, inspectors, department and nearest open posts for a point (public;
    staff signed in or with a token also see the contacts their scope allows)."""
    return Status(200, locate_payload(locate(lon=q.lon, lat=q.lat), user=request.auth))


@router.get("/departments", response={200: list[DepartmentListOut]}, auth=None)
def list_departments(request):
    """Every police department, as a tree by ``parent_id`` (public)."""
    return [
        {
            "id": d.id,
            "parent_id": d.parent_id,
            "name": d.display_name,
            "kind": d.kind,
            "boundary_source": d.boundary_source,
        }
        for d in Department.objects.all()
    ]


@router.get(
    "/departments/{department_id}/officers",
    response={200: list[RosterOfficerOut], **error_responses(400, 401, 403, 404)},
    auth=staff_auth,
)
def department_roster(request, department_id: int):
    """The department's officers with contacts: heads, analysts and admins in scope."""
    department = get_object_or_404(Department, pk=department_id)
    if not access.can_view_staff_roster(request.auth, department):
        raise TerritoryError("This roster is outside your scope.", code="forbidden", status=403)
    return Status(200, selectors.roster_read(actor=request.auth, department=department))


def locate_payload(result: LocateResult, *, user) -> dict:
    """The LocateOut dict of a result (shared by the API and the page); officers' contacts
    only where ``user`` may see them."""
    precinct, department = result.precinct, result.department
    return {
        "lat": result.lat,
        "lon": result.lon,
        "precinct": {
            "id": precinct.id,
            "number": precinct.number,
            "name": str(precinct),
            "residents": precinct.residents,
            "boundary": geo.boundary_geojson(precinct.boundary),
            "boundary_source": precinct.boundary_source,
        },
        "department": {
            "id": department.id,
            "name": department.display_name,
            "kind": department.kind,
            "phone": department.phone,
            "address": department.address,
            "boundary_source": department.boundary_source,
        },
        "inspectors": _officers(result.inspectors, user),
        "heads": _officers(result.heads, user),
        "posts": [
            {
                "id": r.post.id,
                "name": r.post.display_name,
                "address": r.post.address,
                "state": r.post.state,
                "opening_hours": r.post.opening_hours,
                "phone": r.post.phone,
                "lon": r.post.lon,
                "lat": r.post.lat,
                "source": r.post.source,
                "walk_seconds": round(r.walk_seconds, 1),
                "walk_meters": round(r.walk_meters, 1),
                "route": {"type": "LineString", "coordinates": r.route},
            }
            for r in result.posts
        ],
        "snap_meters": round(result.snap_meters, 1),
    }


def _officers(officers, user) -> list[dict]:
    shown = {o.pk for o in officers if access.can_view_officer_contact(user, o)}
    # Staff in scope also see non-public contacts (an assistant's): that read is audited.
    private = [o for o in officers if o.pk in shown and not access.has_public_contact(o)]
    if private:
        audit_read_many(actor=user, objects=private, fields=["phone", "email"], context="locate")
    return [_officer(o, o.pk in shown) for o in officers]


def _officer(officer, shown: bool) -> dict:
    return {
        "id": officer.id,
        "name": officer.full_name,
        "role": officer.role,
        "rank": officer.rank,
        "phone": officer.phone if shown else None,
        "email": officer.email if shown else None,
        "generated": officer.source == "generated",
    }
