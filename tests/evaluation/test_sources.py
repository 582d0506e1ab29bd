"""Measures of apps built elsewhere (appeals, dispatch, planning), read through their
metrics modules when installed, and "no data" when absent or broken."""

import datetime as dt
import types

import pytest

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


def _with(monkeypatch, name, module):
    real = sources.optional_module
    monkeypatch.setattr(sources, "optional_module", lambda n: module if n == name else real(n))


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

    _with(monkeypatch, "precinct.appeals.metrics", types.SimpleNamespace(
        department_measures=department_measures))  # fmt: skip
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

    _with(monkeypatch, "precinct.dispatch.metrics", types.SimpleNamespace(
        response_measures=response_measures))  # fmt: skip
    out = sources.response(sources.tree(), period, MIN_N)
    assert out["response_within_target"][a].value == pytest.approx(0.8)
    assert out["response_p90"][a].value == pytest.approx(15.0)
    assert out["response_p90"][territory.city.pk].status == "no_data"  # not summable


def test_absent_or_broken_apps__no_data(monkeypatch, territory, period):
    t = sources.tree()
    assert all(
        r.status == "no_data" for r in sources.appeals(t, period, MIN_N)["appeals_rating"].values()
    )

    def broken(**kwargs):
        raise TypeError("unexpected keyword argument")

    _with(monkeypatch, "precinct.dispatch.metrics", types.SimpleNamespace(
        response_measures=broken))  # fmt: skip
    out = sources.response(t, period, MIN_N)
    assert all(r.status == "no_data" for r in out["response_within_target"].values())


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
