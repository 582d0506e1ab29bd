"""A small planning city: the factories' territory on the walking grid of the territory
tests, residents on every grid node and posts open, building and planned."""

import datetime as dt
from dataclasses import dataclass

from precinct.planning import inputs
from precinct.territory import services
from precinct.territory.models import PopulationPoint, Post, Provenance
from tests import factories
from tests.territory import builders as grid

RESIDENTS_PER_NODE = 100
OPEN_NODE = (0, 0)  # south-west corner
PLANNED_NODE = (12, 12)  # north-east corner
BUILDING_NODE = (12, 0)  # south-east corner


def node_lonlat(i: int, j: int) -> tuple[float, float]:
    return grid.GRID_LON0 + i * grid.GRID_STEP_LON, grid.GRID_LAT0 + j * grid.GRID_STEP_LAT


@dataclass
class PlanningCity:
    territory: factories.Territory
    open_post: Post
    building_post: Post
    planned_post: Post


def build_planning_city(network_dir) -> PlanningCity:
    """Grid nodes west of column 6 belong to district A (precinct A), the rest to B."""
    grid.write_walk_grid(network_dir)
    inputs.clear()
    t = factories.build_territory()
    points = []
    for i in range(grid.GRID_N):
        for j in range(grid.GRID_N):
            lon, lat = node_lonlat(i, j)
            west = i < 6
            points.append(
                PopulationPoint(
                    region=t.region,
                    department=t.district_a if west else t.district_b,
                    precinct=t.precinct_a if west else None,
                    lon=lon,
                    lat=lat,
                    residents=RESIDENTS_PER_NODE,
                )
            )
    PopulationPoint.objects.bulk_create(points)
    open_post = services.post_create(
        department=t.district_a, name="УПП Open", state=Post.State.OPEN,
        opened_on=dt.date(2024, 1, 1), source=Provenance.GENERATED, **_at(OPEN_NODE),
    )  # fmt: skip
    building_post = services.post_create(
        department=t.district_b, name="УПП Building", state=Post.State.BUILDING,
        planned_opening=dt.date(2026, 1, 1), **_at(BUILDING_NODE),
    )  # fmt: skip
    planned_post = services.post_create(
        department=t.district_b, name="УПП Planned", state=Post.State.PLANNED,
        planned_opening=dt.date(2027, 6, 1), **_at(PLANNED_NODE),
    )  # fmt: skip
    return PlanningCity(t, open_post, building_post, planned_post)


def _at(node) -> dict:
    lon, lat = node_lonlat(*node)
    return {"lon": lon, "lat": lat}
