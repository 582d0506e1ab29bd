"""Two operators send the same unit at the same moment: one wins, the other is told.

Real threads with their own database connections and committed data (no test
transaction around them); on PostgreSQL the loser waits on the row lock, then finds the
unit no longer available; on SQLite the second writer waits for the first to commit.
"""

import contextlib
import threading

import pytest
from django.db import connection

from precinct.dispatch import services
from precinct.dispatch.models import Assignment, Unit
from tests import factories
from tests.dispatch import builders


@pytest.mark.django_db(transaction=True)
def test_two_operators_dispatch_the_same_unit_at_once(settings, tmp_path):
    services.category_defaults_create()  # an earlier transactional test may have flushed them
    territory = factories.build_territory()
    operators = [factories.staff(f"op{i}", "operator", territory.city) for i in range(2)]
    unit = builders.unit(territory.district_a, "A-11", builders.grid_point(6, 5))
    calls = [
        services.incident_create(
            actor=op, lon=builders.CENTRE[0], lat=builders.CENTRE[1], category_code="violence"
        )
        for op in operators
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send(operator, incident):
        try:
            barrier.wait(timeout=10)
            services.assignment_create(actor=operator, incident=incident, unit_id=unit.id)
            outcomes.append("sent")
        except services.DispatchError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=send, args=pair) for pair in zip(operators, calls, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["sent", "unit_not_available"]
    assert Assignment.objects.filter(unit=unit).count() == 1
    assert Unit.objects.get(pk=unit.pk).state == Unit.State.DISPATCHED


@pytest.mark.django_db(transaction=True)
def test_two_operators_send_overlapping_sets_at_once_without_deadlock(monkeypatch):
    """Each ticks the same two units in the opposite order: the service takes units in id
    order, so one operator sends both and the other gets 409 with nothing sent.

    Each sender pauses after taking its first unit until the other has taken one too (or
    two seconds pass): taken in the order ticked, each would then hold the unit the other
    needs, and PostgreSQL would abort one with a deadlock error instead of a 409."""
    take, halfway, taken = services._unit_take, threading.Barrier(2), threading.local()

    def take_then_pause(unit_id, incident, now):
        unit = take(unit_id, incident, now)
        if not getattr(taken, "one", False):
            taken.one = True
            with contextlib.suppress(threading.BrokenBarrierError):  # the other waits on us
                halfway.wait(timeout=2)
        return unit

    monkeypatch.setattr(services, "_unit_take", take_then_pause)
    services.category_defaults_create()
    territory = factories.build_territory()
    operators = [factories.staff(f"op{i}", "operator", territory.city) for i in range(2)]
    a = builders.unit(territory.district_a, "A-11", builders.grid_point(6, 5))
    b = builders.unit(territory.district_a, "A-12", builders.grid_point(4, 5))
    calls = [
        services.incident_create(
            actor=op, lon=builders.CENTRE[0], lat=builders.CENTRE[1], category_code="violence"
        )
        for op in operators
    ]
    start = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def send(operator, incident, etas):
        try:
            start.wait(timeout=10)
            services.assignments_create(actor=operator, incident=incident, etas=etas)
            outcomes[incident.pk] = "sent"
        except services.DispatchError as exc:
            outcomes[incident.pk] = exc.code
        finally:
            connection.close()

    orders = [{a.id: None, b.id: None}, {b.id: None, a.id: None}]
    threads = [threading.Thread(target=send, args=args)
               for args in zip(operators, calls, orders, strict=True)]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["sent", "unit_not_available"]
    winner = next(pk for pk, outcome in outcomes.items() if outcome == "sent")
    assert set(Assignment.objects.values_list("incident_id", flat=True)) == {winner}
    assert Assignment.objects.count() == 2
