"""planning.metrics.coverage_by_area: every area's walking reach in one computation."""

import pytest

from precinct.planning import metrics

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    from tests.workspace.builders import build_inspector_world

    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    return build_inspector_world(settings.PRECINCT_NETWORK_DIR)


def test_areas__agree_with_the_precincts_own_figure(world):
    precinct = world.precinct
    region_id = precinct.department.region_id
    every = metrics.coverage_by_area(minutes=15)
    one = metrics.coverage_of_precinct(precinct_id=precinct.pk, region_id=region_id, minutes=15)
    assert every["precinct"][precinct.pk]["share"] == pytest.approx(one["precinct"]["share"])
    assert every["region"][region_id]["share"] == pytest.approx(one["region"]["share"])
    assert every["department"][precinct.department_id]["share"] == pytest.approx(2 / 3)
    assert every["total"]["share"] == pytest.approx(2 / 3)


def test_no_network__unknown(db, settings, tmp_path):
    settings.PRECINCT_NETWORK_DIR = tmp_path / "empty"
    assert metrics.coverage_by_area() is None
