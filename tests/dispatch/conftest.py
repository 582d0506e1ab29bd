"""Fixtures of the dispatch tests: the personas' territory with a street grid and units."""

from dataclasses import dataclass

import pytest

from precinct.dispatch import services
from precinct.dispatch.models import Unit, UnitKind
from tests.dispatch import builders


@dataclass
class Fleet:
    near: Unit
    far: Unit
    foot: Unit


@pytest.fixture(autouse=True)
def categories(request):
    """The default categories: a transactional test elsewhere may have flushed them."""
    uses_db = request.node.get_closest_marker("django_db") is not None or {
        "db", "transactional_db", "demo_city"} & set(request.fixturenames)  # fmt: skip
    if uses_db:
        request.getfixturevalue("db")
        services.category_defaults_create()


@pytest.fixture
def grid(settings, tmp_path):
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    builders.write_grids(settings.PRECINCT_NETWORK_DIR)
    return settings.PRECINCT_NETWORK_DIR


@pytest.fixture
def fleet(territory, grid) -> Fleet:
    a = territory.district_a
    return Fleet(
        near=builders.unit(a, "A-11", builders.grid_point(6, 5)),
        far=builders.unit(a, "A-12", builders.grid_point(0, 0)),
        foot=builders.unit(a, "A-P1", builders.grid_point(5, 6), kind=UnitKind.FOOT),
    )


@pytest.fixture
def call(personas, fleet):
    """An emergency at the grid's centre, taken by the operator."""
    return services.incident_create(
        actor=personas.operator, lon=builders.CENTRE[0], lat=builders.CENTRE[1],
        category_code="violence", caller_phone="+7 701 555 12 34", text="fight",
    )  # fmt: skip
