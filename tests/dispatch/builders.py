"""A street grid (walking and driving) in district A, units on it, past calls, precinct B."""

import datetime as dt
from pathlib import Path

from shapely.geometry import box

from precinct.analytics.network.graph import save_graph
from precinct.dispatch import rollups, services
from precinct.dispatch.models import Category, Incident, Unit, UnitKind
from precinct.territory import services as territory_services
from precinct.territory.models import Provenance
from tests.analytics.streets import CENTRE, DRIVE_MPS, WALK_MPS, grid_graph, grid_point

__all__ = ["CENTRE", "grid_point", "unit", "write_grids"]


def write_grids(network_dir: Path) -> None:
    """walk.npz and drive.npz where ``territory.network`` looks for them."""
    network_dir.mkdir(parents=True, exist_ok=True)
    save_graph(grid_graph("walk", WALK_MPS), network_dir / "walk.npz")
    save_graph(grid_graph("drive", DRIVE_MPS), network_dir / "drive.npz")


def unit(department, callsign: str, at: tuple[float, float], kind=UnitKind.CAR, **kw) -> Unit:
    """An available unit that has stood at ``at`` for ten minutes."""
    made = services.unit_create(
        actor=None, department=department, callsign=callsign, kind=kind,
        lon=at[0], lat=at[1], **kw,
    )  # fmt: skip
    made.position_at -= dt.timedelta(minutes=10)
    Unit.objects.filter(pk=made.pk).update(position_at=made.position_at)
    return made


def past_call(department, priority, received, handling, travel, area="urban", lon=76.9,
              lat=43.25):  # fmt: skip
    """A call of the past with its phases, as the import stores it."""
    dispatched = received + dt.timedelta(seconds=handling)
    on_scene = None if travel is None else dispatched + dt.timedelta(seconds=travel)
    return Incident(
        department=department, category=Category.objects.get(code="other"), priority=priority,
        area_type=area, state="closed", source="imported", lon=lon, lat=lat,
        received_at=received, dispatched_at=dispatched, on_scene_at=on_scene,
        handling_seconds=handling, travel_seconds=travel,
        response_seconds=None if travel is None else handling + travel,
    )  # fmt: skip


def precinct_b(territory):
    """A precinct of district B beside precinct A (they share the meridian 76.92)."""
    return territory_services.precinct_create(
        department=territory.district_b, number=1, geometry=box(76.92, 43.22, 76.96, 43.27),
        residents=4000, source=Provenance.DERIVED,
    )  # fmt: skip


def insert_calls(calls: list[Incident]) -> list[Incident]:
    """Insert calls as an import does (their days marked for the rollups), then let the
    worker's rollup job run, as it would before anyone reads the measures."""
    made = Incident.objects.bulk_create(calls)
    rollups.mark_calls(Incident.objects.filter(pk__in=[c.pk for c in made]))
    rollups.rebuild_dirty()
    return made
