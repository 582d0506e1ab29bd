"""JSON shapes of the surveys API."""

from ninja import Field, Schema


class EstimateOut(Schema):
    key: str
    department_id: int | None = Field(description="None for the whole region.")
    value: float | None = Field(description="Share (0–1) or mean; None when suppressed.")
    lower: float | None
    upper: float | None
    n: int
    n_eff: float
    suppressed: bool
    kind: str


class ResultsOut(Schema):
    survey_id: int
    period: str
    weighted: bool
    converged: bool
    weighting_report: str = Field(description="Margins the raking could not meet, if any.")
    design_effect: float
    n_eff: float
    estimates: list[EstimateOut]


class InvitationsIn(Schema):
    count: int = Field(ge=1, le=100_000)
    department_id: int | None = None


class InvitationsOut(Schema):
    survey_id: int
    links: list[str] = Field(description="One-time links; shown only in this answer.")
