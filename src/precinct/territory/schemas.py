"""JSON shapes of the territory API."""

from ninja import Field, Schema


class OfficerOut(Schema):
    id: int
    name: str
    role: str
    rank: str = Field(description="The rank in the request's language.")
    rank_code: str = Field(description="The rank's code (Officer.Rank), or the rank as typed.")
    phone: str | None = Field(None, description="Public only for inspectors and heads.")
    email: str | None = None
    generated: bool = Field(description="True when the person was generated for the demo.")


class DepartmentOut(Schema):
    id: int
    name: str
    kind: str
    phone: str
    address: str
    boundary_source: str


class PrecinctOut(Schema):
    id: int
    number: int
    name: str
    residents: int
    boundary: dict | None = Field(None, description="GeoJSON geometry of the precinct.")
    boundary_source: str


class PostOut(Schema):
    id: int
    name: str
    address: str
    state: str
    opening_hours: str = Field(description="OpenStreetMap syntax: Mo-Fr 09:00-18:00; Sa off.")
    opening_hours_text: str = Field(description="The opening hours in the request's language.")
    phone: str
    lon: float
    lat: float
    source: str
    walk_seconds: float
    walk_meters: float
    route: dict = Field(description="GeoJSON LineString of the walking route.")


class LocateOut(Schema):
    lat: float
    lon: float
    precinct: PrecinctOut
    department: DepartmentOut
    inspectors: list[OfficerOut]
    heads: list[OfficerOut]
    posts: list[PostOut] = Field(description="Open posts, nearest by walking time first.")
    snap_meters: float = Field(description="Distance from the point to the walking network.")
    neighbourhood_url: str = Field(
        description="The precinct's public neighbourhood page (absolute URL): its team, "
        "posts, receptions, priorities and figures; /neighbourhoods/<department code>/"
        "<precinct number>/."
    )


class DepartmentListOut(Schema):
    id: int
    parent_id: int | None
    name: str
    kind: str
    boundary_source: str


class RosterOfficerOut(Schema):
    id: int
    name: str
    role: str
    rank: str = Field(description="The rank in the request's language.")
    rank_code: str
    phone: str
    email: str
    precincts: list[int] = Field(description="Precincts the officer serves now.")
