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


class FunnelOut(Schema):
    kind: str = Field(description="'proportion' (binomial limits) or 'rate' (Poisson limits).")
    size: float = Field(
        description="Cases behind a share (effective sample for surveys), or exposure units "
        "of a rate (10,000 residents, 100 officers)."
    )
    centre: float = Field(description="The overall value of all departments of this kind.")
    low_95: float
    high_95: float
    low_998: float
    high_998: float
    position: str = Field(
        description="within, above_95, above_998, below_95 or below_998 (the value's side)."
    )
    verdict: str = Field(
        description="as_expected, better_95, better_998, worse_95 or worse_998 "
        "(after the indicator's direction)."
    )


class FunnelSummaryOut(Schema):
    better: int = Field(description="Indicators beyond the funnel limit on the better side.")
    as_expected: int
    worse: int


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
    n: float | None = Field(
        None, description="The data behind the value (cases, calls, respondents …)."
    )
    n_eff: float | None = Field(
        None,
        description="Survey indicators: the effective sample after weighting (Kish); "
        "below PRECINCT_SURVEY_MIN_N_EFF the value is suppressed.",
    )
    score: float | None = Field(description="0–100 among comparable departments.")
    trend: TrendOut | None
    peer_rank: int | None = Field(description="Kept for compatibility; prefer ``funnel``.")
    peer_size: int | None
    funnel: FunnelOut | None = Field(
        None,
        description="The value against the 95 % and 99.8 % funnel limits for its size, "
        "around the overall value of departments of its kind; null without a funnel.",
    )
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
    survey_min_n_eff: int = Field(
        description="Survey figures on a smaller effective sample are suppressed."
    )
    funnel_summary: FunnelSummaryOut = Field(
        description="How many indicators lie beyond their funnel limits, on each side."
    )
    integrity_counts: IntegrityCountsOut = Field(
        description="Confirmed offences of officers in the period, by kind (aggregate only)."
    )
    indicators: list[ScoreIndicatorOut]
