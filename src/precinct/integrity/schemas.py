"""JSON shapes of the integrity API."""

import datetime as dt

from ninja import Field, Schema


class ResponsibleOut(Schema):
    head_id: int
    head: str
    department_id: int
    level: int


class OffenceOut(Schema):
    id: int
    occurred_on: dt.date
    officer_id: int
    officer: str
    department_id: int
    kind: str
    article: str
    outcome: str
    responsible: list[ResponsibleOut]


class OffenceIn(Schema):
    officer_id: int
    occurred_on: dt.date
    kind: str
    article: str
    outcome: str = "pending"
    summary: str = ""


class RecordingMonthOut(Schema):
    """None: the city has no rows of that source in that month (not a zero)."""

    month: dt.date
    calls: int | None
    appeals: int | None
    reported: int | None = Field(description="102 calls and appeals reporting an offence.")
    recorded: int | None
    expected: float | None = Field(description="Records expected at the city's ratio.")
    ratio: float | None = Field(description="Recorded / expected.")
    low: float | None = Field(description="Lower 99.8 % limit of the ratio.")
    high: float | None


class RecordingRecentOut(Schema):
    reported: int
    recorded: int
    expected: float | None
    ratio: float | None
    low: float | None
    high: float | None


class RecordingTrendOut(Schema):
    reported: float | None = Field(description="Change over a year (0.1: 10 % more).")
    recorded: float | None
    recorded_per_report: float | None
    z: float | None = Field(description="The difference of trends over its standard error.")


class RecordingPrecinctOut(Schema):
    precinct_id: int
    precinct: str
    department_id: int
    flags: list[str] = Field(description="'out_of_line', 'falling_faster_than_calls'.")
    recent: RecordingRecentOut
    trend: RecordingTrendOut
    months: list[RecordingMonthOut]


class RecordingOut(Schema):
    start: dt.date | None
    end: dt.date | None = Field(description="None before any offence record is imported.")
    recent_months: int
    level: float
    precincts: list[RecordingPrecinctOut]
