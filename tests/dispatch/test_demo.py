"""The demo's year of 102 calls: routed travel times, plausible measures, fast enough."""

import datetime as dt

import numpy as np
import pytest

from precinct.analytics.network import Snapper
from precinct.analytics.network.routing import one_to_many
from precinct.dispatch import metrics
from precinct.dispatch.models import Assignment, Incident, Unit
from precinct.territory.network import network


@pytest.fixture
def year(demo_city, db):
    return demo_city


def test_demo__units_and_a_year_of_calls(year):
    assert Unit.objects.filter(kind="car").count() >= 2
    assert Unit.objects.filter(kind="foot").exists()
    calls = Incident.objects.filter(source="demo")
    assert calls.count() > 1000
    first, last = calls.order_by("received_at").first(), calls.order_by("received_at").last()
    assert (last.received_at - first.received_at) > dt.timedelta(days=360)
    assert any("simulated calls over a year" in line for line in year.lines)


def test_demo__travel_times_are_routed_from_the_units_base(year):
    drive = network("drive").graph
    snapper = Snapper(drive)
    sample = Assignment.objects.select_related("unit", "incident").order_by("id")[:25]
    for a in sample:
        base, _ = snapper.snap(a.unit.lon, a.unit.lat)
        node, _ = snapper.snap(a.incident.lon, a.incident.lat)
        routed = one_to_many(drive, base, [node])[0]
        assert a.eta_seconds == pytest.approx(routed)
        # Travel = turnout + routed time x congestion (>= 1): never faster than the roads.
        assert a.incident.travel_seconds >= routed - 1


def test_demo__measures_by_hour_show_the_daily_cycle(year):
    end = Incident.objects.order_by("-received_at").first().received_at + dt.timedelta(hours=1)
    rows = metrics.response_measures(
        department=None, start=end - dt.timedelta(days=366), end=end, group_by=("hour",)
    )
    calls = np.array([r["calls"] for r in rows])
    assert len(rows) == 24 and calls[19] > 2 * calls[4]  # evening peak, early-morning trough


def test_demo__the_live_board_has_open_calls_some_with_a_car(year):
    open_calls = Incident.objects.filter(state="open")
    assert open_calls.count() == 6
    assert 1 <= open_calls.exclude(dispatched_at=None).count() <= 3
    assert (
        Unit.objects.filter(state="dispatched").count()
        == open_calls.exclude(dispatched_at=None).count()
    )
