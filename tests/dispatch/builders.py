"""A street grid (walking and driving) in district A, units on it, past calls, precinct B."""

import datetime as dt
from pathlib import Path

import numpy as np
from shapely.geometry import box

from precinct.analytics.network.graph import graph_from_edges, haversine_m, save_graph
from precinct.dispatch import services
from precinct.dispatch.models import Category, Incident, Unit, UnitKind
from precinct.territory import services as territory_services
from precinct.territory.models import Provenance

# 11 x 11 streets about 160 m apart inside district A (76.88-76.92, 43.22-43.27).
LON0, LAT0, STEP_LON, STEP_LAT, N = 76.890, 43.230, 0.002, 0.0015, 11
WALK_MPS, DRIVE_MPS = 4.5 / 3.6, 36 / 3.6
CENTRE = (LON0 + 5 * STEP_LON, LAT0 + 5 * STEP_LAT)


def grid_point(i: int, j: int) -> tuple[float, float]:
    """Coordinates of grid node (i east, j north)."""
    return LON0 + i * STEP_LON, LAT0 + j * STEP_LAT


def _grid(mode: str, mps: float):
    i, j = np.meshgrid(np.arange(N), np.arange(N), indexing="ij")
    lon = (LON0 + i * STEP_LON).ravel()
    lat = (LAT0 + j * STEP_LAT).ravel()
    node = np.arange(N * N).reshape(N, N)
    pairs = np.concatenate(
        [np.c_[node[:-1, :].ravel(), node[1:, :].ravel()],
         np.c_[node[:, :-1].ravel(), node[:, 1:].ravel()]]
    )  # fmt: skip
    tail, head = np.r_[pairs[:, 0], pairs[:, 1]], np.r_[pairs[:, 1], pairs[:, 0]]
    meters = haversine_m(lon[tail], lat[tail], lon[head], lat[head])
    return graph_from_edges(
        tail, head, meters / mps, meters, lon, lat, np.arange(len(lon)) + 1000, mode=mode
    )


def write_grids(network_dir: Path) -> None:
    """walk.npz and drive.npz where ``territory.network`` looks for them."""
    network_dir.mkdir(parents=True, exist_ok=True)
    save_graph(_grid("walk", WALK_MPS), network_dir / "walk.npz")
    save_graph(_grid("drive", DRIVE_MPS), network_dir / "drive.npz")


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
