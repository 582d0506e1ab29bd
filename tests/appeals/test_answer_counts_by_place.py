"""appeals.metrics.answer_counts_by_place: counts per department and precinct that add up."""

import datetime as dt

import pytest
from django.utils import timezone

from precinct.appeals import metrics

pytestmark = pytest.mark.django_db


@pytest.fixture
def hood(settings, tmp_path):
    from tests.neighbourhoods.builders import build_neighbourhood

    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    return build_neighbourhood(settings.PRECINCT_NETWORK_DIR)


def test_counts__per_precinct_without_complaints_about_officers(hood):
    day = hood.last_month.date()
    # Answered that day, rated the day after.
    rows = metrics.answer_counts_by_place(start=day, end=day + dt.timedelta(days=1))
    by_precinct = {r["precinct_id"]: r for r in rows}
    department = hood.precinct.department_id
    assert by_precinct[hood.precinct.pk] == {
        "department_id": department, "precinct_id": hood.precinct.pk,
        "answered": 6, "on_time": 5, "rated": 6, "rating_sum": 24,
    }  # fmt: skip
    assert by_precinct[hood.far_precinct.pk]["answered"] == 2


def test_counts__only_the_period(hood):
    today = timezone.localdate()
    rows = metrics.answer_counts_by_place(start=today - dt.timedelta(days=1), end=today)
    # The workspace world's appeal answered today; last month's are outside the period.
    assert sum(r["answered"] for r in rows) == 1
