"""JSON shapes of the workspace API: the same content as the inspector's page."""

import datetime as dt

from ninja import Field, Schema


class NamedRefOut(Schema):
    id: int
    name: str


class InspectorOut(Schema):
    id: int
    name: str
    rank: str
    role: str


class WorkspacePostOut(Schema):
    id: int
    name: str
    state: str
    state_label: str
    address: str
    opening_hours: str
    opening_hours_text: str
    phone: str
    lon: float
    lat: float


class WorkspacePrecinctOut(Schema):
    id: int
    number: int
    name: str
    residents: int
    boundary: dict | None = Field(None, description="GeoJSON geometry of the precinct.")
    bounds: list[float] | None = Field(None, description="min lon, min lat, max lon, max lat")
    department: NamedRefOut
    region: NamedRefOut = Field(description="The city (region) the figures compare against.")
    inspectors: list[InspectorOut]
    posts: list[WorkspacePostOut]


class AssignedAppealOut(Schema):
    id: int
    registration_number: str
    type: str
    type_label: str
    category: str
    status: str
    status_label: str
    registered_at: dt.datetime
    due_date: dt.date
    days_left: int = Field(description="Working or not, calendar days until the due date.")
    overdue: bool


class ReceptionOut(Schema):
    id: int
    starts_at: dt.datetime
    minutes: int
    place: str
    head: str
    language: str
    capacity: int
    booked: int
    places_left: int


class CallOut(Schema):
    id: int
    received_at: dt.datetime
    category: str
    priority: int
    state: str
    state_label: str
    place: str = Field(description="As the operator wrote it; each read is audited.")
    response_seconds: int | None = None
    response_minutes: float | None = None
    openable: bool = Field(description="The incident page is open to this user.")


class PairOut(Schema):
    precinct: float | None = None
    city: float | None = None


class AgainstCityOut(Schema):
    verdict: str = Field(
        description="as_expected, better_95, better_998, worse_95 or worse_998: the "
        "precinct's share against the city's funnel limits for its number of cases."
    )
    low_95: float
    high_95: float
    low_998: float
    high_998: float


class FiguresOut(Schema):
    start: dt.date
    end: dt.date
    appeals_on_time: PairOut = Field(description="Share of appeals answered on time.")
    mean_rating: PairOut = Field(description="Residents' mean rating of answers, 1–5.")
    arrival_minutes_p50: PairOut = Field(description="102: median minutes to arrive.")
    coverage: PairOut = Field(description="Share of residents within walking reach of a post.")
    coverage_minutes: float
    arrival_within: PairOut | None = Field(
        None, description="102: share of calls with a target reached within it."
    )
    appeals_on_time_against: AgainstCityOut | None = None
    arrival_within_against: AgainstCityOut | None = None
    calls: int
    answered: int


class PriorityBriefOut(Schema):
    id: int
    issue: str
    place: str
    since: dt.date
    reviewed_on: dt.date
    review_due: bool = Field(description="Not reviewed for over three months.")


class WorkspacePrioritiesOut(Schema):
    current: list[PriorityBriefOut]
    overdue: int
    settable: bool = Field(description="The user sets this precinct's priorities.")


class WorkspaceOut(Schema):
    precinct: WorkspacePrecinctOut
    appeals: list[AssignedAppealOut] | None = Field(
        None, description="The user's own open appeals, due first; None for overseers."
    )
    receptions: list[ReceptionOut]
    calls: list[CallOut]
    figures: FiguresOut
    priorities: WorkspacePrioritiesOut
