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
