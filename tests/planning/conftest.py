"""Fixtures of the planning tests: the small planning city and its personas."""

import pytest

from tests import factories
from tests.planning import builders


@pytest.fixture
def city(db, settings, tmp_path) -> builders.PlanningCity:
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    return builders.build_planning_city(settings.PRECINCT_NETWORK_DIR)


@pytest.fixture
def people(city) -> factories.Personas:
    return factories.build_personas(city.territory)
