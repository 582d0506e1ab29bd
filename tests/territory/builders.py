"""A small territory in Almaty with a walking grid, built through the real services.

Used by the territory tests and (until the demo builder's fixture replaces it) by the
browser test. Everything it creates is marked generated, like the demo's officers.
"""

import datetime as dt
from pathlib import Path

import numpy as np
import shapely

from precinct.analytics.network.graph import graph_from_edges, haversine_m, save_graph
from precinct.territory import services
from precinct.territory.geocoding import address_key_fields
from precinct.territory.models import Address, Department, Officer, Post, Provenance, Region

# A 13 x 13 grid of streets about 160 m apart around Abay Avenue.
GRID_LON0, GRID_LAT0, GRID_STEP_LON, GRID_STEP_LAT, GRID_N = 76.930, 43.228, 0.002, 0.0015, 13
WALK_MPS = 4.5 / 3.6
INSIDE = (76.941, 43.2385)  # a point in precinct 7, on the grid
FAR_PRECINCT = shapely.box(77.10, 43.30, 77.12, 43.32)  # a precinct with no roads nearby
INSPECTOR = ("Сериков", "Нурлан", "Ерланович")


def write_walk_grid(network_dir: Path) -> Path:
    """Save the walking grid where ``territory.network`` looks for it."""

    i, j = np.meshgrid(np.arange(GRID_N), np.arange(GRID_N), indexing="ij")
    lon = (GRID_LON0 + i * GRID_STEP_LON).ravel()
    lat = (GRID_LAT0 + j * GRID_STEP_LAT).ravel()
    node = np.arange(GRID_N * GRID_N).reshape(GRID_N, GRID_N)
    east = np.c_[node[:-1, :].ravel(), node[1:, :].ravel()]
    north = np.c_[node[:, :-1].ravel(), node[:, 1:].ravel()]
    pairs = np.concatenate([east, north])
    tail, head = np.r_[pairs[:, 0], pairs[:, 1]], np.r_[pairs[:, 1], pairs[:, 0]]
    meters = haversine_m(lon[tail], lat[tail], lon[head], lat[head])
    graph = graph_from_edges(
        tail, head, meters / WALK_MPS, meters, lon, lat, np.arange(len(lon)) + 1000, mode="walk"
    )
    network_dir.mkdir(parents=True, exist_ok=True)
    save_graph(graph, network_dir / "walk.npz")
    return network_dir / "walk.npz"


def _address(region: Region, street: str, house: str, lon: float, lat: float) -> Address:
    return Address.objects.create(
        region=region, street=street, housenumber=house, lon=lon, lat=lat,
        **address_key_fields(street, house),
    )  # fmt: skip


def build_addresses(region: Region) -> None:
    """Streets written the ways OpenStreetMap writes them in Almaty."""
    _address(region, "проспект Абая", "", 76.940, 43.238)
    for house, lon in (("52", 76.941), ("52Б", 76.9415), ("54", 76.942), ("141а", 76.948)):
        _address(region, "проспект Абая", house, lon, 43.2385)
    _address(region, "улица Толе би", "", 76.936, 43.236)
    _address(region, "улица Толе би", "10", 76.937, 43.236)
    _address(region, "улица Толебаева", "", 76.944, 43.243)
    _address(region, "пр. Достык (Ленина)", "", 76.949, 43.233)
    _address(region, "пр. Достык (Ленина)", "5", 76.949, 43.2335)
    _address(region, "Жібек жолы көшесі", "12", 76.935, 43.244)


def build_small_territory(network_dir: Path) -> dict:
    """Region, department, two precincts, posts, an inspector, a head, addresses, roads."""
    write_walk_grid(network_dir)
    region = Region.objects.create(
        code="almaty", kind=Region.Kind.CITY, name="Алматы", name_kk="Алматы", name_en="Almaty"
    )
    department = services.department_create(
        region=region, parent=None, kind=Department.Kind.DISTRICT, code="almalinsky",
        name="УП Алмалинского района", name_kk="Алмалы ауданының ПБ",
        name_en="Almaly District Police", geometry=None,
    )  # fmt: skip
    precinct = services.precinct_create(
        department=department, number=7, geometry=shapely.box(76.932, 43.230, 76.950, 43.245),
        residents=4200, source=Provenance.DERIVED,
    )  # fmt: skip
    services.precinct_create(
        department=department, number=8, geometry=FAR_PRECINCT, source=Provenance.DERIVED
    )
    opened = dt.date(2024, 1, 15)
    for name, lon, lat in (("УПП «Самал»", 76.946, 43.2400), ("УПП «Достык»", 76.934, 43.2320)):
        services.post_create(
            department=department, name=name, lon=lon, lat=lat, state=Post.State.OPEN,
            opened_on=opened, address=f"{name}, Алматы", source=Provenance.GENERATED,
            opening_hours="Mo-Fr 09:00-18:00; Sa 10:00-14:00",
        )  # fmt: skip
    services.post_create(department=department, name="УПП «План»", lon=76.940, lat=43.2385)
    inspector = Officer.objects.create(
        department=department, last_name=INSPECTOR[0], first_name=INSPECTOR[1],
        patronymic=INSPECTOR[2], rank="captain", role=Officer.Role.INSPECTOR,
        phone="+7 727 000 00 07", email="inspector7@example.kz", source=Provenance.GENERATED,
    )  # fmt: skip
    services.inspector_assign(officer=inspector, precinct=precinct, starts_on=dt.date(2024, 1, 1))
    Officer.objects.create(
        department=department, last_name="Ахметов", first_name="Данияр", role=Officer.Role.HEAD,
        phone="+7 727 000 00 01", source=Provenance.GENERATED,
    )  # fmt: skip
    build_addresses(region)
    return {"region": region, "department": department, "precinct": precinct}
