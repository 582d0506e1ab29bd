"""JSON shapes of the evaluation API."""

import datetime as dt

from ninja import Field, Schema


class IndicatorOut(Schema):
    code: str
    group: str
    name: str
    definition: str
    source: str
    direction: str = Field(description="'higher' or 'lower' is better.")
    unit: str
    normalisation: str
    weight: float
    min_data: str
    survey_based: bool


class MonitoredOut(Schema):
    """An indicator defined with the methodology but not scored (weight 0)."""

    code: str
    group: str
    name: str
    definition: str
    source: str
    direction: str
    unit: str
    weight: float
    min_data: str


class MethodologyOut(Schema):
    version: int
    title: str
    published_on: dt.date
    notes: str
    min_coverage: float
    indicators: list[IndicatorOut]
    monitoring: list[MonitoredOut] = []


class TrendOut(Schema):
    change: float = Field(description="Against the previous period with a value.")
    since: str
    better: bool | None
    direction: str = Field(description="Fitted over all periods: up, down, flat, insufficient.")
    improving: int = Field(description="+1 better, −1 worse, 0 flat or unknown.")


class PointOut(Schema):
    period: str
    value: float | None
    lower: float | None
    upper: float | None


class ScoreIndicatorOut(Schema):
    code: str
    name: str
    group: str
    unit: str
    direction: str
    value: float | None
    lower: float | None = Field(description="95 % interval (survey-based indicators).")
    upper: float | None
    status: str = Field(description="ok, no_data, insufficient or suppressed.")
    score: float | None = Field(description="0–100 among comparable departments.")
    trend: TrendOut | None
    peer_rank: int | None
    peer_size: int | None
    series: list[PointOut]


class IntegrityCountsOut(Schema):
    disciplinary: int
    corruption: int
    criminal: int


class ScorecardOut(Schema):
    department_id: int
    department: str
    region: str
    period: str
    methodology_version: int
    index: float | None
    index_lower: float | None
    index_upper: float | None
    coverage: float = Field(description="Share of the total weight with data.")
    peer_group: str
    peer_rank: int | None
    peer_size: int | None
    integrity_counts: IntegrityCountsOut = Field(
        description="Confirmed offences of officers in the period, by kind (aggregate only)."
    )
    indicators: list[ScoreIndicatorOut]
