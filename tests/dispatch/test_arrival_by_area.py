"""dispatch.metrics.arrival_by_area: every area's arrival times from one read."""

import datetime as dt

import pytest

from precinct.dispatch import metrics

pytestmark = pytest.mark.django_db


@pytest.fixture
def hood(settings, tmp_path):
    from tests.neighbourhoods.builders import build_neighbourhood

    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    return build_neighbourhood(settings.PRECINCT_NETWORK_DIR)


def test_areas__precinct_department_region_and_total(hood):
    day = hood.last_month
    rows = metrics.arrival_by_area(
        start=day - dt.timedelta(hours=1), end=day + dt.timedelta(hours=1)
    )
    precinct = rows["precinct"][hood.precinct.pk]
    assert precinct["calls"] == 6
    assert precinct["response_seconds_p50"] == pytest.approx(8.5 * 60)
    assert precinct["share_within_target"] == pytest.approx(5 / 6)
    assert hood.far_precinct.pk not in rows["precinct"]  # no call there: no row
    department = rows["department"][hood.precinct.department_id]
    assert department["calls"] == 7 and department["response_seconds_p50"] == 9 * 60
    assert rows["region"][hood.precinct.department.region_id]["calls"] == 7
    assert rows["total"]["calls"] == 7


def test_areas__a_precinct_with_too_few_calls_has_no_median(hood):
    day = hood.last_month
    rows = metrics.arrival_by_area(start=day - dt.timedelta(days=400), end=day)
    assert rows["precinct"] == {} and rows["total"]["calls"] == 0
    assert rows["total"]["response_seconds_p50"] is None
