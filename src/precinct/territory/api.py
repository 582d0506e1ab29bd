"""Public territory endpoints: find my district inspector."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from precinct.accounts import access
from precinct.accounts.auth import optional_staff_auth, staff_auth
from precinct.core.errors import error_responses
from precinct.territory import selectors
from precinct.territory.locate import locate, locate_payload
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
    payload = locate_payload(locate(lon=q.lon, lat=q.lat), user=request.auth)
    payload["neighbourhood_url"] = request.build_absolute_uri(payload["neighbourhood_url"])
    return Status(200, payload)


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
        raise TerritoryError(_("This roster is outside your scope."), code="forbidden", status=403)
    return Status(200, selectors.roster_read(actor=request.auth, department=department))
