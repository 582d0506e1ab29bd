"""Schemas of the appeals API: one in and one out per endpoint."""

import datetime as dt

from ninja import Schema
from pydantic import Field


class ContactIn(Schema):
    name: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)


class AppealIn(Schema):
    type: str
    text: str = Field(..., max_length=10_000)
    category: str | None = None
    lat: float | None = None
    lon: float | None = None
    department_id: int | None = None
    address: str = Field("", max_length=300)
    contact: ContactIn = ContactIn()
    language: str = Field("ru", max_length=5)


class ReceiptOut(Schema):
    registration_number: str
    registered_at: dt.datetime
    registered_by: str
    due_date: dt.date
    tracking_code: str
    tracking_url: str
    department: str


class EventOut(Schema):
    at: dt.datetime
    kind: str
    status: str
    note: str
    new_due_date: dt.date | None


class TrackOut(Schema):
    registration_number: str
    type: str
    status: str
    registered_at: dt.datetime
    due_date: dt.date
    department: str
    extended: bool
    answer: str | None
    answered_at: dt.datetime | None
    rating: int | None
    history: list[EventOut]


class RatingIn(Schema):
    rating: int
    comment: str = Field("", max_length=2000)
    request_review: bool = False


# --- the staff API: the queue and the actions of the workspace -----------------------------


class QueueItemOut(Schema):
    """One appeal of the queue: no personal data (listing is not a read of it)."""

    id: int
    registration_number: str
    type: str
    status: str
    category: str | None
    department_id: int
    department: str
    registered_at: dt.datetime
    due_date: dt.date
    overdue: bool
    extended: bool
    assigned_to_id: int | None


class QueueOut(Schema):
    """A page of the caller's queue and how many appeals the filters match in all."""

    total: int
    limit: int
    offset: int
    items: list[QueueItemOut]


class StaffEventOut(Schema):
    """One change of the appeal, internal notes included."""

    at: dt.datetime
    kind: str
    from_status: str
    to_status: str
    actor: str | None
    note: str
    new_due_date: dt.date | None
    public: bool


class ApplicantOut(Schema):
    name: str
    phone: str
    email: str


class AttachmentOut(Schema):
    """A resident's file: what it is, and where staff download it (an audited read)."""

    id: int
    name: str
    size: int
    content_type: str
    url: str


class StaffAppealOut(Schema):
    """An appeal with its personal data and history (reading it is audited)."""

    id: int
    registration_number: str
    type: str
    channel: str
    status: str
    category: str | None
    department_id: int
    department: str
    service: str
    registered_at: dt.datetime
    due_date: dt.date
    extended: bool
    extension_latest: dt.date = Field(description="The latest date an extension may set.")
    forward_due_date: dt.date | None
    forwarded_to: str
    assigned_to_id: int | None
    applicant: ApplicantOut
    text: str
    address: str
    lat: float | None
    lon: float | None
    answer: str
    answered_at: dt.datetime | None
    events: list[StaffEventOut]
    attachments: list[AttachmentOut] = []


class AppealStateOut(Schema):
    """Where the appeal stands after an action (no personal data)."""

    id: int
    registration_number: str
    status: str
    due_date: dt.date
    extended: bool
    forward_due_date: dt.date | None
    forwarded_to: str
    assigned_to_id: int | None


class AssignmentIn(Schema):
    assignee_id: int
    note: str = Field("", max_length=2000)


class ExtensionIn(Schema):
    due_date: dt.date = Field(description="The new answer date, YYYY-MM-DD.")
    reason: str = Field(..., max_length=2000, description="The reasons of the decision.")


class ForwardIn(Schema):
    to: str = Field(..., max_length=200, description="The competent body.")
    note: str = Field("", max_length=2000)


class AnswerIn(Schema):
    answer: str = Field(..., max_length=10_000)
