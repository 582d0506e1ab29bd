"""Appeals API: public submission and tracking, rating from the tracking link."""

from django.http import Http404
from ninja import Header, Router, Status
from ninja.errors import HttpError

from precinct.accounts import access
from precinct.accounts.auth import staff_auth
from precinct.appeals import selectors, services
from precinct.appeals.models import Appeal, Channel
from precinct.appeals.notifications import tracking_url
from precinct.appeals.schemas import AppealIn, RatingIn, ReceiptOut, TrackOut
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
    """A resident's file sent with the appeal, for staff who may read the appeal; each
    read is written to the audit log. 404 when the appeal is not theirs to read."""
    if not access.can_work_on_appeals(request.auth):
        raise HttpError(403, "Appeals are read by the staff who work on them.")
    opened = selectors.attachment_for_reader(
        user=request.auth, appeal_id=appeal_id, attachment_id=attachment_id
    )
    if opened is None:
        raise Http404
    return file_download(opened.file, filename=opened.name, content_type=opened.content_type)
