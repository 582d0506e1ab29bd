"""Appeals API: public submission and tracking, rating from the tracking link; the staff
queue and the workspace's actions with bearer tokens.

The staff endpoints call the same selectors and services as the pages, so the same access
rules (``accounts.access``) and legal rules hold: an appeal the caller may not see is a
404 (its existence is private), an action his role may not take a 403, an action the law
refuses a 400 naming the rule (``extension_beyond_legal_cap`` …).
"""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Status

from precinct.accounts import access
from precinct.accounts.auth import staff_auth
from precinct.appeals import selectors, services
from precinct.appeals.models import Appeal, Channel
from precinct.appeals.notifications import tracking_url
from precinct.appeals.schemas import (
    AnswerIn,
    AppealIn,
    AppealStateOut,
    AssignmentIn,
    ExtensionIn,
    ForwardIn,
    QueueOut,
    RatingIn,
    ReceiptOut,
    StaffAppealOut,
    TrackOut,
)
from precinct.appeals.validators import AppealInputError
from precinct.core.errors import error_responses
from precinct.core.http import client_address, file_download

router = Router(tags=["appeals"])


def receipt(appeal) -> dict:
    return {
        "registration_number": appeal.registration_number,
        "registered_at": appeal.registered_at,
        "registered_by": appeal.registered_by_label,
        "due_date": appeal.due_date,
        "tracking_code": appeal.tracking_code,
        "tracking_url": tracking_url(appeal),
        "department": appeal.department.display_name,
    }


@router.post(
    "/appeals",
    response={201: ReceiptOut, 200: ReceiptOut, **error_responses(400, 429)},
    auth=None,
)
def appeal_submit(request, payload: AppealIn, idempotency_key: str | None = Header(None)):
    """Register an appeal; the receipt is returned only after the appeal is committed.

    A repeat with the same ``Idempotency-Key`` (or the same text from the same client
    moments later) returns the first receipt with status 200.
    """
    if idempotency_key is not None and not (1 <= len(idempotency_key) <= 80):
        raise AppealInputError("1 to 80 characters", field="Idempotency-Key")
    # The service commits before it returns: the receipt is never ahead of the data.
    appeal, created = services.appeal_register(
        type=payload.type,
        text=payload.text,
        channel=Channel.API,
        category_code=payload.category,
        lat=payload.lat,
        lon=payload.lon,
        department_id=payload.department_id,
        address=payload.address,
        contact_name=payload.contact.name,
        contact_phone=payload.contact.phone,
        contact_email=payload.contact.email,
        language=payload.language,
        idempotency_key=idempotency_key,
        client=client_address(request),
    )
    return Status(201 if created else 200, receipt(appeal))


def _track(appeal) -> dict:
    return {
        "registration_number": appeal.registration_number,
        "type": appeal.type,
        "status": appeal.status,
        "registered_at": appeal.registered_at,
        "due_date": appeal.due_date,
        "department": appeal.department.display_name,
        "extended": appeal.extended,
        "answer": appeal.answer or None,
        "answered_at": appeal.answered_at,
        "rating": appeal.rating,
        "history": [
            {
                "at": e.at,
                "kind": e.kind,
                "status": e.to_status,
                "note": e.note,
                "new_due_date": e.new_due_date,
            }
            for e in selectors.public_events(appeal=appeal)
        ],
    }


def _tracked(code: str) -> Appeal:
    appeal = selectors.appeal_by_tracking_code(code=code)
    if appeal is None:
        raise AppealInputError("No appeal with this tracking code.", code="not_found", status=404)
    return appeal


@router.get("/appeals/track/{code}", response={200: TrackOut, **error_responses(404)}, auth=None)
def appeal_track(request, code: str):
    """Status, history, due date and answer of one's own appeal (no personal data)."""
    return Status(200, _track(_tracked(code)))


@router.post(
    "/appeals/track/{code}/rating",
    response={200: TrackOut, **error_responses(400, 404)},
    auth=None,
)
def appeal_rate(request, code: str, payload: RatingIn):
    """Rate the answer 1–5; a rating of 1 or 2 may ask for review one level up."""
    appeal = services.appeal_rate(
        appeal=_tracked(code),
        rating=payload.rating,
        comment=payload.comment,
        request_review=payload.request_review,
    )
    return Status(200, _track(appeal))


# --- staff: the queue and the workspace's actions ----------------------------------------

StatusFilter = Literal[
    "open", "all", "registered", "assigned", "in_progress", "answered", "closed", "forwarded"
]


def _worker(request):
    """The caller, if he works on appeals at all (which ones: ``appeals_visible_to``)."""
    if not access.can_work_on_appeals(request.auth):
        raise PermissionDenied
    return request.auth


@router.get(
    "/appeals",
    response={200: QueueOut, **error_responses(400, 401, 403)},
    auth=staff_auth,
)
def staff_queue(
    request,
    status: StatusFilter = "open",
    department_id: int | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
):
    """The caller's queue, overdue first, then by due date: ``status`` (``open`` by
    default, ``all``, or one status), ``department_id`` (within his scope), ``limit`` rows
    from ``offset``, and the ``total`` the filters match. No personal data."""
    user = _worker(request)
    if (
        department_id is not None
        and not access.departments_in_scope(user).filter(pk=department_id).exists()
    ):
        raise PermissionDenied
    rows, total = selectors.appeal_queue(
        user=user, department_id=department_id, status=status, offset=offset, limit=limit
    )
    today = timezone.localdate()
    items = [
        {
            "id": a.pk,
            "registration_number": a.registration_number,
            "type": a.type,
            "status": a.status,
            "category": a.category.code if a.category_id else None,
            "department_id": a.department_id,
            "department": a.department.display_name,
            "registered_at": a.registered_at,
            "due_date": a.due_date,
            "overdue": a.is_open and a.due_date < today,
            "extended": a.extended,
            "assigned_to_id": a.assigned_to_id,
        }
        for a in rows
    ]
    return {"total": total, "limit": limit, "offset": offset, "items": items}


@router.get(
    "/appeals/{appeal_id}",
    response={200: StaffAppealOut, **error_responses(400, 401, 403, 404)},
    auth=staff_auth,
)
def staff_appeal(request, appeal_id: int):
    """One appeal with the applicant's contacts, its text and every event; the read is
    audited as on the page."""
    user = _worker(request)
    appeal = selectors.appeal_read(
        user=user, appeal_id=appeal_id, context="appeal read through the API"
    )
    if appeal is None:
        raise Http404
    return _staff_payload(appeal)


def _staff_payload(appeal: Appeal) -> dict:
    return {
        "id": appeal.pk,
        "registration_number": appeal.registration_number,
        "type": appeal.type,
        "channel": appeal.channel,
        "status": appeal.status,
        "category": appeal.category.code if appeal.category_id else None,
        "department_id": appeal.department_id,
        "department": appeal.department.display_name,
        "service": appeal.service,
        "registered_at": appeal.registered_at,
        "due_date": appeal.due_date,
        "extended": appeal.extended,
        "extension_latest": selectors.extension_latest(appeal=appeal),
        "forward_due_date": appeal.forward_due_date,
        "forwarded_to": appeal.forwarded_to,
        "assigned_to_id": appeal.assigned_to_id,
        "applicant": {
            "name": appeal.contact_name,
            "phone": appeal.contact_phone,
            "email": appeal.contact_email,
        },
        "text": appeal.text,
        "address": appeal.address,
        "lat": appeal.lat,
        "lon": appeal.lon,
        "answer": appeal.answer,
        "answered_at": appeal.answered_at,
        "events": [
            {
                "at": e.at,
                "kind": e.kind,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": e.actor.username if e.actor_id else None,
                "note": e.note,
                "new_due_date": e.new_due_date,
                "public": e.public,
            }
            for e in selectors.appeal_events(appeal=appeal)
        ],
        "attachments": [
            {
                "id": f.id,
                "name": f.name,
                "size": f.size,
                "content_type": f.content_type,
                "url": f"/api/v1/appeals/{appeal.pk}/attachments/{f.id}",
            }
            for f in selectors.appeal_attachments(appeal=appeal)
        ],
    }


def _to_act_on(request, appeal_id: int) -> tuple[object, Appeal]:
    """The caller and the appeal, if he may see it; otherwise 404."""
    user = _worker(request)
    appeal = selectors.appeal_to_act_on(user=user, appeal_id=appeal_id)
    if appeal is None:
        raise Http404
    return user, appeal


def _state(appeal: Appeal) -> dict:
    return {
        "id": appeal.pk,
        "registration_number": appeal.registration_number,
        "status": appeal.status,
        "due_date": appeal.due_date,
        "extended": appeal.extended,
        "forward_due_date": appeal.forward_due_date,
        "forwarded_to": appeal.forwarded_to,
        "assigned_to_id": appeal.assigned_to_id,
    }


ACTION_ERRORS = error_responses(400, 401, 403, 404)


@router.post(
    "/appeals/{appeal_id}/assignment",
    response={200: AppealStateOut, **ACTION_ERRORS},
    auth=staff_auth,
)
def staff_assign(request, appeal_id: int, payload: AssignmentIn):
    """Give the appeal to an officer who may see it (a head or an administrator)."""
    user, appeal = _to_act_on(request, appeal_id)
    assignee = selectors.staff_user(user_id=payload.assignee_id)
    if assignee is None:
        raise AppealInputError(_("Unknown officer."), field="assignee_id", code="unknown_officer")
    appeal = services.appeal_assign(actor=user, appeal=appeal, assignee=assignee, note=payload.note)
    return _state(appeal)


@router.post(
    "/appeals/{appeal_id}/extension",
    response={200: AppealStateOut, **ACTION_ERRORS},
    auth=staff_auth,
)
def staff_extend(request, appeal_id: int, payload: ExtensionIn):
    """Extend the time to answer by a reasoned decision of the head or his deputy, to at
    most two months from receipt (APPC art. 76; 400 ``extension_beyond_legal_cap``
    beyond it). The applicant is told."""
    user, appeal = _to_act_on(request, appeal_id)
    appeal = services.appeal_extend(
        actor=user, appeal=appeal, new_due_date=payload.due_date, reason=payload.reason
    )
    return _state(appeal)


@router.post(
    "/appeals/{appeal_id}/forward",
    response={200: AppealStateOut, **ACTION_ERRORS},
    auth=staff_auth,
)
def staff_forward(request, appeal_id: int, payload: ForwardIn):
    """Forward an appeal outside the police's competence to the competent body; the
    applicant is told at the same time."""
    user, appeal = _to_act_on(request, appeal_id)
    appeal = services.appeal_forward(actor=user, appeal=appeal, to=payload.to, note=payload.note)
    return _state(appeal)


@router.post(
    "/appeals/{appeal_id}/answer",
    response={200: AppealStateOut, **ACTION_ERRORS},
    auth=staff_auth,
)
def staff_answer(request, appeal_id: int, payload: AnswerIn):
    """Answer the applicant (the officer it is assigned to, or a head over it)."""
    user, appeal = _to_act_on(request, appeal_id)
    appeal = services.appeal_answer(actor=user, appeal=appeal, answer=payload.answer)
    return _state(appeal)


# The file itself, not JSON: the OpenAPI document says so, for clients and for schemathesis.
_FILE_RESPONSE = {
    "responses": {
        200: {
            "description": "The file, as a download (Content-Disposition: attachment).",
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}}
                for media in ("image/jpeg", "image/png", "image/gif", "image/webp",
                              "application/pdf")
            },
        }
    }
}  # fmt: skip


@router.get(
    "/appeals/{appeal_id}/attachments/{attachment_id}",
    response={200: None, **error_responses(400, 401, 403, 404)},
    auth=staff_auth,
    openapi_extra=_FILE_RESPONSE,
)
def appeal_attachment(request, appeal_id: int, attachment_id: int):
    """A resident's file sent with the appeal (listed in ``GET /appeals/{appeal_id}``), for
    staff who may read the appeal; each read is written to the audit log. 404 when the
    appeal is not theirs to read."""
    opened = selectors.attachment_for_reader(
        user=_worker(request), appeal_id=appeal_id, attachment_id=attachment_id
    )
    if opened is None:
        raise Http404
    return file_download(opened.file, filename=opened.name, content_type=opened.content_type)
