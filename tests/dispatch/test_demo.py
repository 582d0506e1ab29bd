"""The demo's year of 102 calls: routed travel times, plausible measures, fast enough."""

import datetime as dt
import itertools

import numpy as np
import pytest
from django.utils import timezone

from precinct.analytics.network import Snapper
from precinct.analytics.network.routing import (
    one_to_many,
    one_to_many_with_predecessors,
    path_from_predecessors,
)
from precinct.demo.builder import PlantedPilot
from precinct.dispatch import metrics
from precinct.dispatch.models import Assignment, Incident, Unit
from precinct.evaluation.models import Intervention
from precinct.territory.network import network

DEMO_CALLS_PER_1000 = None  # the 102 step at the real rate (see tests/conftest.py)


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


def _way_home(graph, base: int, start: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes of the fastest way from ``start`` to ``base`` (base first) and, per node, the
    seconds from the node before it on that way (0 for ``start``)."""
    dist, pred = one_to_many_with_predecessors(graph.reversed(), base)
    path = path_from_predecessors(pred, start)
    return path, np.r_[np.diff(dist[path]), 0.0]


def _sample(rows) -> list:
    """Every foot patrol's call, the first call of each car, and a car's calls soon after
    its call before (when it is likely still on its way home)."""
    picked, prev = [], {}
    for row in rows:
        unit, before = row[0], prev.get(row[0])
        soon = before is not None and row[1] - before[2] < dt.timedelta(minutes=10)
        if row[5] == "foot" or before is None or (soon and len(picked) < 60):
            picked.append((row, before))
        prev[unit] = row
    return picked


def test_demo__travel_times_are_routed_from_where_the_unit_was(year):
    # A unit's first call is timed from its base; a later one from its base or from a node
    # on its way home from the call before, plus the seconds it still needed to get there.
    graphs = {"car": network("drive").graph, "foot": network("walk").graph}
    snappers = {kind: Snapper(graph) for kind, graph in graphs.items()}
    rows = Assignment.objects.order_by("unit_id", "dispatched_at").values_list(
        "unit_id", "dispatched_at", "cleared_at", "incident__lon", "incident__lat",
        "unit__kind", "unit__lon", "unit__lat", "eta_seconds", "incident__category__unit_kinds",
    )  # fmt: skip
    from_the_road = 0
    for row, before in _sample(rows):
        graph, snapper = graphs[row[5]], snappers[row[5]]
        base, _ = snapper.snap(row[6], row[7])
        call, _ = snapper.snap(row[3], row[4])
        to_call = one_to_many(graph.reversed(), call)  # every node's time to the call
        path, slack = np.array([base]), np.zeros(1)
        if before is not None:
            path, slack = _way_home(graph, base, snapper.snap(before[3], before[4])[0])
        gap = row[8] - to_call[path]
        on_the_way = (gap >= -1e-6) & (gap <= slack + 1e-6)
        assert on_the_way.any(), row
        from_the_road += not on_the_way[0]
        assert not row[9] or row[5] in row[9]  # a foot patrol only where the category allows
    assert from_the_road >= 3


def test_demo__foot_patrols_answer_some_calls_and_no_unit_is_in_two_places(year):
    foot = Assignment.objects.filter(unit__kind="foot")
    assert foot.exists()
    assert not foot.filter(incident__category__code__in=["crash", "crash_injury", "domestic"])
    assert any("foot patrols answered" in line for line in year.lines)
    rows = Assignment.objects.order_by("unit_id", "dispatched_at").values_list(
        "unit_id", "dispatched_at", "cleared_at"
    )
    for (unit, _, cleared), (same, sent, _) in itertools.pairwise(rows):
        assert unit != same or sent >= cleared


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


def test_demo__calls_follow_the_per_1000_rate_and_cars_follow_the_shifts(year, settings):
    # A year of calls at the national rate: residents of the precincts with roads x 210
    # per 1,000 (a Poisson count: well within 1 %).
    from precinct.dispatch import demo

    calls = Incident.objects.filter(source="demo", state="closed").count()
    residents = sum(p.residents for p in year_precincts() if p.boundary and p.residents > 0)
    expected = residents * settings.PRECINCT_DEMO_CALLS_PER_1000 / 1000
    # The foot patrol pilot's planted effect (docs/demo.md, "Interventions") took a share
    # of its precincts' calls away: put back as many as it took, by the share it keeps.
    pilot = Intervention.objects.get(kind=Intervention.Kind.FOOT_PATROL)
    treated = set(pilot.precincts.values_list("pk", flat=True))
    rows = metrics.calls_by_precinct_month(start=pilot.starts_on, end=timezone.localdate())
    kept = sum(r["calls"] for r in rows if r["precinct_id"] in treated)
    share = PlantedPilot.fewer_calls
    assert abs(calls + kept * share / (1 - share) - expected) < 0.01 * expected
    # Cars per shift from the queueing model: the evening peak needs more than the night.
    cars = {s: Unit.objects.filter(kind="car", shift=s).count() for s, _, _ in demo.SHIFTS}
    assert cars["evening"] > cars["night"] >= 1
    assert not Unit.objects.filter(kind="foot", shift="night").exists()
    assert any("calls per car crew a shift" in line for line in year.lines)


def year_precincts():
    from precinct.territory.models import Precinct

    return Precinct.objects.exclude(residents=0)
