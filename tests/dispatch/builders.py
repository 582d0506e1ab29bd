"""A street grid (walking and driving) in the test territory's district A, and units on it."""

import datetime as dt
from pathlib import Path

from precinct.analytics.network.graph import save_graph
from precinct.dispatch import services
from precinct.dispatch.models import Unit, UnitKind
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
