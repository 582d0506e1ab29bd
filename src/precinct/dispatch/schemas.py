"""JSON shapes of the dispatch API."""

import datetime as dt

from ninja import Field, Schema

from precinct.core.timefields import UtcDatetime


class CategoryOut(Schema):
    code: str
    name: str
    default_priority: int
    unit_kinds: list[str]


class IncidentIn(Schema):
    lat: float
    lon: float
    category: str = Field(description="A category code from /dispatch/categories.")
    priority: int | None = Field(None, ge=1, le=4, description="Default: the category's.")
    caller_phone: str = Field("", max_length=40)
    text: str = Field("", max_length=5000)
    place: str = Field("", max_length=300)


class DuplicateOut(Schema):
    id: int
    category: str
    received_at: dt.datetime
    distance_m: float


class IncidentCreatedOut(Schema):
    id: int
    department_id: int
    priority: int
    received_at: dt.datetime
    possible_duplicates: list[DuplicateOut]


class EventOut(Schema):
    kind: str
    at: dt.datetime
    unit_id: int | None


class IncidentOut(Schema):
    id: int
    category: str
    priority: int
    state: str
    lat: float | None
    lon: float | None
    place: str
    department_id: int
    caller_phone: str | None = Field(None, description="Only with ?phone=1; every read audited.")
    received_at: dt.datetime
    dispatched_at: dt.datetime | None
    en_route_at: dt.datetime | None
    on_scene_at: dt.datetime | None
    closed_at: dt.datetime | None
    handling_seconds: int | None
    travel_seconds: int | None
    response_seconds: int | None
    target_seconds: int | None
    events: list[EventOut]


class RecommendationOut(Schema):
    unit_id: int
    callsign: str
    kind: str
    eta_seconds: float
    distance_m: float
    straight_line_m: float
    lat: float
    lon: float


class RecommendationsQuery(Schema):
    limit: int | None = Field(
        None, ge=1, le=1000,
        description="Only the fastest N units: the search stops once they are known "
        "(much faster on a region's graph). Without it every available unit is ranked.",
    )  # fmt: skip


class AssignmentIn(Schema):
    unit_id: int
    eta_seconds: float | None = None


class AssignmentOut(Schema):
    id: int
    incident_id: int
    unit_id: int
    dispatched_at: dt.datetime


class AssignmentsIn(Schema):
    units: list[AssignmentIn] = Field(
        min_length=1, description="Units sent together: all are dispatched, or none."
    )


class AssignmentsOut(Schema):
    assignments: list[AssignmentOut]


class PositionIn(Schema):
    lat: float
    lon: float
    recorded_at: UtcDatetime = Field(description="Device time, with a UTC offset.")


class PositionOut(Schema):
    id: int
    accepted: bool
    flag: str


class UnitStateIn(Schema):
    state: str


class UnitOut(Schema):
    id: int
    callsign: str
    kind: str
    state: str
    lat: float | None
    lon: float | None


class MeasuresQuery(Schema):
    start: UtcDatetime
    end: UtcDatetime
    group_by: str = Field("priority", description="Comma-separated: priority, hour, month, "
                          "area_type, department.")  # fmt: skip
    department_id: int | None = None
    priority: int | None = Field(None, ge=1, le=4)


class MeasureOut(Schema):
    group: dict
    calls: int
    arrived: int
    with_target: int
    within_target: int | None
    share_within_target: float | None
    handling_seconds_p50: float | None
    handling_seconds_p90: float | None
    travel_seconds_p50: float | None
    travel_seconds_p90: float | None
    response_seconds_p50: float | None
    response_seconds_p90: float | None


class UnitTokenOut(Schema):
    unit_id: int
    token: str = Field(description="Shown once; the server keeps only its hash.")
