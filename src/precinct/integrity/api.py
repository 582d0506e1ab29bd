"""The integrity registry for staff: heads in scope, analysts and internal security."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status

from precinct.accounts import access
from precinct.accounts.auth import staff_auth
from precinct.core.errors import error_responses
from precinct.integrity import selectors, services
from precinct.integrity.schemas import OffenceIn, OffenceOut, RecordingOut
from precinct.territory.models import Department, Officer

router = Router(tags=["integrity"])
CLOSED = "The integrity registry of this unit is closed to you."


@router.get(
    "/integrity/departments/{department_id}/offences",
    response={200: list[OffenceOut], **error_responses(400, 401, 403, 404)},
    auth=staff_auth,
)
def department_offences(request, department_id: int):
    """Offences in a department and below it (every read audited)."""
    department = get_object_or_404(Department, pk=department_id)
    if not access.can_view_integrity(request.auth, department):
        raise services.IntegrityRuleError(CLOSED, code="forbidden", status=403)
    offences = selectors.offences_of_department(actor=request.auth, department=department)
    return Status(200, [offence_payload(o) for o in offences])


@router.post(
    "/integrity/offences",
    response={201: OffenceOut, **error_responses(400, 401, 403, 404)},
    auth=staff_auth,
)
def offence_create(request, payload: OffenceIn):
    """Register an offence (internal security in scope)."""
    officer = get_object_or_404(Officer.objects.select_related("department"), pk=payload.officer_id)
    if not access.can_record_integrity(request.auth, officer.department):
        raise services.IntegrityRuleError(CLOSED, code="forbidden", status=403)
    offence = services.offence_record(
        actor=request.auth,
        officer=officer,
        occurred_on=payload.occurred_on,
        kind=payload.kind,
        article=payload.article,
        outcome=payload.outcome,
        summary=payload.summary,
    )
    return Status(201, offence_payload(offence))


@router.get(
    "/integrity/recording",
    response={200: RecordingOut, **error_responses(400, 401, 403, 404)},
    auth=staff_auth,
)
def recording(request, department_id: int | None = None):
    """Recording integrity of the precincts of a department (default: the caller's own;
    national readers without one: the whole country): flags and the evidence per month.
    An indicator of recording, never a statement about a person."""
    if department_id is None:
        department = request.auth.department
    else:
        department = get_object_or_404(Department, pk=department_id)
    if not access.can_view_recording_integrity(request.auth, department):
        raise services.IntegrityRuleError(
            _("The recording integrity of this unit is closed to you."),
            code="forbidden", status=403,
        )  # fmt: skip
    return Status(200, selectors.recording_integrity(department=department))


def offence_payload(o) -> dict:
    return {
        "id": o.pk,
        "occurred_on": o.occurred_on,
        "officer_id": o.officer_id,
        "officer": o.officer.full_name,
        "department_id": o.department_id,
        "kind": o.kind,
        "article": o.article,
        "outcome": o.outcome,
        "responsible": [
            {
                "head_id": r.head_id,
                "head": r.head.full_name,
                "department_id": r.department_id,
                "level": r.level,
            }
            for r in o.responsible.all()
        ],
    }
