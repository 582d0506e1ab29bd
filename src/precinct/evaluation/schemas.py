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


class InterventionIn(Schema):
    kind: str = Field(description="post_opened, foot_patrol, staffing or other.")
    name: str = Field(description="In Russian; name_kk and name_en beside it.")
    name_kk: str = ""
    name_en: str = ""
    starts_on: dt.date
    department_id: int
    precinct_ids: list[int] = Field(
        default_factory=list,
        description="Treated precincts; empty with a post: those it brings within walking reach.",
    )
    post_id: int | None = None
    state: str = Field("in_effect", description="planned or in_effect.")
    outcomes: list[str] | None = Field(
        None, description="arrival, calls, appeals, records, trust, safety (None: all)."
    )


class InterventionSummaryOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    starts_on: dt.date
    state: str
    state_label: str
    department_id: int
    department: str
    estimation: str = Field(description="pending, done or failed.")
    treated_count: int


class InterventionPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[InterventionSummaryOut]


class PrecinctRefOut(Schema):
    precinct_id: int
    name: str


class TreatedOut(PrecinctRefOut):
    residents_brought: float | None = Field(
        description="Residents the post brings within walking reach (a post's change)."
    )


class SeriesOut(Schema):
    months: list[str]
    change_at: int = Field(description="Position of the change's first month in months.")
    treated: list[float | None]
    comparison: list[float | None]


class EstimateOut(Schema):
    outcome: str
    label: str
    unit: str = Field(description="min, per_1000 or share.")
    effect: float | None = Field(description="Difference in differences, in the unit.")
    ci_low: float | None
    ci_high: float | None
    level: float
    p_value: float | None
    method: str = Field(description="randomisation or wild_cluster_bootstrap.")
    pre_trend: float | None = Field(
        description="Treated − comparison difference of pre-change slopes, per month."
    )
    pre_trend_p: float | None
    verdict: str = Field(description="effect, no_effect_detected or cannot_tell.")
    reason: str
    verdict_text: str
    comparison_ids: list[int]
    series: SeriesOut | None
    computed_at: dt.datetime


class PairOut(Schema):
    first_id: int
    first: str
    second_id: int
    second: str


class DesignOut(Schema):
    outcome: str
    outcome_label: str
    pairs: list[PairOut] = Field(description="Treat one of each pair, chosen at random.")
    mde: float | None = Field(description="Smallest effect the pilot could detect.")
    mde_text: str
    level: float
    power: float


class InterventionOut(InterventionSummaryOut):
    post_id: int | None
    post: str | None
    recorded_at: dt.datetime
    estimation_error: str
    treated: list[TreatedOut]
    comparison: list[PrecinctRefOut]
    outcomes: list[EstimateOut]
    design: DesignOut | None
