"""Measures of the other apps (appeals, dispatch, planning), read through their read
surfaces (metrics): "no data" where a source has no records, an error where one fails."""

import datetime as dt

import pytest

from precinct.appeals import metrics as appeals_metrics
from precinct.dispatch import metrics as dispatch_metrics
from precinct.evaluation import sources
from precinct.evaluation.models import Period

pytestmark = pytest.mark.django_db

MIN_N = {
    "appeals_on_time": 20,
    "appeals_rating": 20,
    "appeals_reopened": 20,
    "response_within_target": 30,
    "response_p90": 30,
}


@pytest.fixture
def period():
    return Period.objects.create(
        label="2025", starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31)
    )


def test_appeals__department_rows_and_the_subtree_sum(monkeypatch, territory, period):
    a, b = territory.district_a.pk, territory.district_b.pk

    def department_measures(*, start, end):
        assert (start, end) == (period.starts_on, period.ends_on)
        return [
            {"department_id": a, "answered": 30, "answered_on_time_share": 0.9,
             "mean_rating": 4.0, "received": 40, "reopened_share": 0.1},
            {"department_id": b, "answered": 10, "answered_on_time_share": 0.5,
             "mean_rating": 2.0, "received": 10, "reopened_share": 0.0},
        ]  # fmt: skip

    monkeypatch.setattr(appeals_metrics, "department_measures", department_measures)
    out = sources.appeals(sources.tree(), period, MIN_N)
    assert out["appeals_on_time"][a].value == pytest.approx(0.9)
    assert out["appeals_on_time"][b].status == "insufficient"  # 10 answers < 20
    assert out["appeals_on_time"][territory.city.pk].value == pytest.approx(32 / 40)
    assert out["appeals_reopened"][territory.city.pk].value == pytest.approx(4 / 50)


def test_dispatch__share_within_target_and_p90_in_minutes(monkeypatch, territory, period):
    a = territory.district_a.pk

    def response_measures(*, department, start, end, group_by):
        assert department is None and group_by == ("department",)
        return [{"department": a, "with_target": 100, "within_target": 80, "arrived": 100,
                 "response_seconds_p90": 900.0}]  # fmt: skip

    monkeypatch.setattr(dispatch_metrics, "response_measures", response_measures)
    out = sources.response(sources.tree(), period, MIN_N)
    assert out["response_within_target"][a].value == pytest.approx(0.8)
    assert out["response_p90"][a].value == pytest.approx(15.0)
    assert out["response_p90"][territory.city.pk].status == "no_data"  # not summable


def test_sources_without_records__no_data(territory, period):
    t = sources.tree()
    assert all(
        r.status == "no_data" for r in sources.appeals(t, period, MIN_N)["appeals_rating"].values()
    )
    out = sources.response(t, period, MIN_N)
    assert all(r.status == "no_data" for r in out["response_within_target"].values())


def test_a_failing_source_is_an_error_not_no_data(monkeypatch, territory, period):
    def broken(**kwargs):
        raise TypeError("unexpected keyword argument")

    monkeypatch.setattr(dispatch_metrics, "response_measures", broken)
    with pytest.raises(TypeError):
        sources.response(sources.tree(), period, MIN_N)


def test_coverage__no_data_when_no_road_network_is_imported(territory, settings, tmp_path):
    settings.PRECINCT_NETWORK_DIR = tmp_path  # nothing imported here
    out = sources.coverage(sources.tree())
    assert {r.status for r in out.values()} == {"no_data"}


def test_staffing__roster_against_the_norm(territory, settings):
    from precinct.territory.models import PopulationPoint
    from tests import factories

    settings.PRECINCT_RESIDENTS_PER_INSPECTOR_URBAN = 2500  # precinct A: 5,000 residents
    # Residents as population points too: planning's staffing report counts those.
    PopulationPoint.objects.create(
        region=territory.region,
        department=territory.district_a,
        precinct=territory.precinct_a,
        lon=76.9,
        lat=43.25,
        residents=5000,
    )
    factories.inspector_of(territory.precinct_a)
    t = sources.tree()
    out = sources.staffing(t, sources.residents(t))
    assert out[territory.district_a.pk].value == pytest.approx(0.5)
