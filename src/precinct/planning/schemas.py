"""JSON shapes of the planning API."""

from ninja import Field, Schema

from precinct.territory.walking import MAX_WALK_MINUTES

# Documented here, checked once by territory.walking (the services call it).
WALKING_MINUTES = f"Walking time, minutes: more than 0 and at most {MAX_WALK_MINUTES}."


class CoverageOut(Schema):
    department_id: int | None = Field(None, description="Set on department rows.")
    precinct_id: int | None = None
    region_id: int | None = None
    level: str = Field(description="department, precinct, region or total.")
    name: str
    parent_id: int | None = None
    residents: int
    residents_within: int = Field(description="Residents within the walking time of a post.")
    share: float = Field(description="residents_within / residents, 0-1.")
    minutes: float
    what_if: bool = Field(description="Planned and building posts counted as open.")


class SitingIn(Schema):
    minutes: float = Field(description=WALKING_MINUTES)
    k: int | None = Field(None, description="New posts to place (maximal covering).")
    target_share: float | None = Field(
        None, description="Share of residents to bring within reach (set covering) instead of k."
    )
    department_id: int | None = Field(None, description="Residents of this department only.")
    candidates_csv: str | None = Field(
        None, description="CSV of candidate sites: columns lon,lat or osm_ref. Default: every node."
    )
    name: str = ""


class ChosenSiteOut(Schema):
    node: int
    lon: float
    lat: float
    residents_new: int = Field(description="Residents newly within reach of this site alone.")


class DepartmentEffectOut(Schema):
    department_id: int | None
    name: str
    residents: int
    before: int
    after: int


class SitingJobOut(Schema):
    id: int
    state: str = Field(description="queued, running, done, failed or cancelled.")
    progress: float
    progress_note: str
    method: str
    k: int | None
    minutes: float
    target_share: float | None
    department_id: int | None
    candidate_source: str
    chosen: list[ChosenSiteOut]
    residents_total: float | None
    residents_within_before: float | None
    residents_within_after: float | None
    share_before: float | None
    share_after: float | None
    gap: float | None = Field(description="Proven relative optimality gap (0: optimal).")
    bound: float | None
    solver: str
    solver_status: str
    seconds: float | None
    error: str
    by_department: list[DepartmentEffectOut]


class StaffingOut(Schema):
    department_id: int | None
    name: str
    settlement: str
    residents: int
    residents_per_inspector: int | None
    needed: int
    actual: int
    actual_source: str
    shortfall: int


class ImportOut(Schema):
    created: int
    updated: int


class StaffingCsvIn(Schema):
    csv: str = Field(description="department,inspectors[,settlement][,as_of]")
    source: str = ""


class ProgressOut(Schema):
    level: str
    id: int | None
    name: str
    total: int
    open: int
    building: int
    planned: int
    overdue: int
