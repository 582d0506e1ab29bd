"""Patrol sizing: demand per zone and hour, travel samples, model and simulation per shift.

The queueing model and the simulation belong to the analytics core
(``precinct.analytics.patrol``); here a recording stand-in checks what the service passes
them and how it reports what they return.
"""

import datetime as dt
import types

import numpy as np
import pytest
from django.utils import timezone

from precinct.analytics.network.graph import graph_from_edges, load_graph, save_graph
from precinct.dispatch.models import Incident
from precinct.planning import inputs, patrol
from tests.dispatch.builders import past_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def drive(city, settings):
    """A driving graph on the same grid, eight times faster than walking."""
    walk = load_graph(settings.PRECINCT_NETWORK_DIR / "walk.npz")
    tails = walk.tails()
    graph = graph_from_edges(
        tails, walk.indices, walk.seconds / 8, walk.meters, walk.lon, walk.lat, walk.osm_id,
        mode="drive",
    )  # fmt: skip
    save_graph(graph, settings.PRECINCT_NETWORK_DIR / "drive.npz")
    patrol._cache.clear()
    return graph


@pytest.fixture
def core(monkeypatch):
    calls = {"required": [], "simulate": []}

    def required_units(rate, service_s, samples, target_s, share):
        calls["required"].append((rate, service_s, len(samples), target_s, share))
        return max(1, int(np.ceil(rate * service_s / 3600 * 1.5))), share + 0.01

    def simulate(rate, service_s, c, samples, target_s, **options):
        calls["simulate"].append({"c": c, "target_s": target_s, **options})
        return 0.83

    module = types.SimpleNamespace(required_units=required_units, simulate=simulate)
    monkeypatch.setattr(patrol, "core", module)
    return calls


def test_demand__demo_from_population_when_no_dispatch_records(city, settings):
    settings.PRECINCT_PATROL_CALLS_PER_RESIDENT_DAY = 0.001
    source, demand = patrol.demand_by_zone_hour(inputs.population())
    assert source == "demo"
    a = demand[city.territory.district_a.id]
    assert a.shape == (24,)
    assert a.sum() == pytest.approx(7800 * 0.001)
    assert a[19] > a[4]  # evenings are busier than dawn


def _calls(department, hours_ago: list[float], priority: int = 1) -> list[Incident]:
    now = timezone.now()
    return Incident.objects.bulk_create(
        past_call(department, priority, now - dt.timedelta(hours=h), 60, 600) for h in hours_ago
    )


def test_demand__from_the_102_records_when_there_are_some(city):
    a, b = city.territory.district_a, city.territory.district_b
    # Five emergencies in district A over the last two days (one a duplicate, one of
    # priority 3: neither counted); none in district B.
    calls = _calls(a, [47, 30, 30, 3])
    duplicate = _calls(a, [5])[0]
    duplicate.duplicate_of = calls[0]
    duplicate.save()
    _calls(a, [4], priority=3)
    source, demand = patrol.demand_by_zone_hour(inputs.population())
    assert source == "dispatch"
    assert set(demand) == {a.id, b.id}  # the zones with residents
    assert demand[a.id].shape == (24,)
    assert demand[a.id].sum() == pytest.approx(4 / 2)  # four calls over two days observed
    hour = timezone.localtime(calls[1].received_at).hour
    assert demand[a.id][hour] == pytest.approx(2 / 2)  # two calls in that hour
    assert not demand[b.id].any()


def test_sizing__the_report_says_the_demand_is_the_102_records(drive, core, city):
    _calls(city.territory.district_a, [20, 10, 9, 8, 7, 6])
    report = patrol.patrol_sizing(target_share=0.8, modes=("car",))
    assert report.demand_source == "dispatch" and not report.notes
    rates = [r for r, *_ in core["required"]]
    assert max(rates) == pytest.approx(
        max(patrol.demand_by_zone_hour(inputs.population())[1][city.territory.district_a.id])
    )


def test_sizing__units_per_zone_mode_and_shift_with_model_and_simulation(drive, core, settings):
    settings.PRECINCT_PATROL_TARGET_MIN = 10
    report = patrol.patrol_sizing(target_share=0.8)
    assert report.demand_source == "demo" and report.notes
    assert {(z.name, z.mode) for z in report.zones} >= {("УП Алмалинского района", "car")}
    car = next(z for z in report.zones if z.mode == "car")
    foot = next(
        z for z in report.zones if z.mode == "foot" and z.department_id == car.department_id
    )
    assert car.median_travel_s < foot.median_travel_s  # cars are faster than feet
    assert [s.shift for s in car.shifts] == ["night", "day", "evening"]
    assert all(s.units >= 1 and s.predicted_share == pytest.approx(0.81) for s in car.shifts)
    assert all(s.simulated_share == pytest.approx(0.83) for s in car.shifts)
    rate, service, n_samples, target_s, share = core["required"][0]
    assert rate > 0
    # The core takes seconds: the minutes of the settings are converted at the edge.
    assert (service, target_s, share) == (settings.PRECINCT_PATROL_SERVICE_MIN * 60, 600, 0.8)
    assert n_samples > 0
    assert core["simulate"][0]["c"] >= 1


def test_sizing__bad_share_is_refused(drive, core):
    with pytest.raises(ValueError):
        patrol.patrol_sizing(target_share=1.5)


def test_patrol_page__planners_only_and_says_demand_is_the_demo(client, drive, core, people):
    assert client.get("/planning/patrol/").status_code == 302
    client.force_login(people.operator)
    assert client.get("/planning/patrol/").status_code == 403
    client.force_login(people.analyst)
    response = client.get("/planning/patrol/")
    assert response.status_code == 200
    assert 'id="demand-note"' in response.content.decode()
    assert client.get("/planning/patrol/?share=2").status_code == 400


def test_sizing__with_the_real_queueing_core_model_and_simulation_agree(drive, settings):
    settings.PRECINCT_PATROL_CALLS_PER_RESIDENT_DAY = 0.05  # a busy zone: queues matter
    report = patrol.patrol_sizing(target_min=10, target_share=0.8, modes=("car",))
    for zone in report.zones:
        for s in zone.shifts:
            assert s.units >= 1
            assert s.predicted_share >= 0.8
            assert abs(s.simulated_share - s.predicted_share) < 0.05
