"""Appeals API: public submission and tracking, rating from the tracking link."""

from ninja import Header, Router, Status

from precinct.appeals import selectors, services
from precinct.appeals.models import Channel
from precinct.appeals.notifications import tracking_url
from precinct.appeals.schemas import AppealIn, ErrorOut, RatingIn, ReceiptOut, TrackOut
from precinct.appeals.validators import AppealInputError
from precinct.core.http import client_address

router = Router(tags=["appeals"])


def input_error(exc: AppealInputError) -> dict:
    errors = [{"field": k, "message": str(v)} for k, v in exc.errors.items()]
    return {"code": "invalid_input", "detail": str(exc), "errors": errors}


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
    response={201: ReceiptOut, 200: ReceiptOut, 400: ErrorOut, 429: ErrorOut},
    auth=None,
)
def appeal_submit(request, payload: AppealIn, idempotency_key: str | None = Header(None)):
    """Register an appeal; the receipt is returned only after the appeal is committed.

    A repeat with the same ``Idempotency-Key`` (or the same text from the same client
    moments later) returns the first receipt with status 200.
    """
    if idempotency_key is not None and not (1 <= len(idempotency_key) <= 80):
        return Status(
            400,
            {
                "code": "invalid_input",
                "detail": "Idempotency-Key: 1 to 80 characters",
                "errors": [{"field": "Idempotency-Key", "message": "1 to 80 characters"}],
            },
        )
    try:
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
    except AppealInputError as exc:
        return Status(400, input_error(exc))
    except services.RateLimited:
        return Status(429, {"code": "rate_limited", "detail": "Too many submissions; try later."})
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


@router.get("/appeals/track/{code}", response={200: TrackOut, 404: ErrorOut}, auth=None)
def appeal_track(request, code: str):
    """Status, history, due date and answer of one's own appeal (no personal data)."""
    appeal = selectors.appeal_by_tracking_code(code=code)
    if appeal is None:
        return Status(404, {"code": "not_found", "detail": "No appeal with this tracking code."})
    return Status(200, _track(appeal))


@router.post(
    "/appeals/track/{code}/rating",
    response={200: TrackOut, 400: ErrorOut, 404: ErrorOut},
    auth=None,
)
def appeal_rate(request, code: str, payload: RatingIn):
    """Rate the answer 1–5; a rating of 1 or 2 may ask for review one level up."""
    appeal = selectors.appeal_by_tracking_code(code=code)
    if appeal is None:
        return Status(404, {"code": "not_found", "detail": "No appeal with this tracking code."})
    try:
        appeal = services.appeal_rate(
            appeal=appeal,
            rating=payload.rating,
            comment=payload.comment,
            request_review=payload.request_review,
        )
    except AppealInputError as exc:
        return Status(400, input_error(exc))
    return Status(200, _track(appeal))
