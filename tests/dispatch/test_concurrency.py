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


def _two_operators_two_calls(*unit_cells):
    """Two operators of the city, each with a call at the grid's centre, and units of
    district A at the given grid cells (A-11, A-12, …)."""
    services.category_defaults_create()  # an earlier transactional test may have flushed them
    territory = factories.build_territory()
    operators = [factories.staff(f"op{i}", "operator", territory.city) for i in range(2)]
    units = [builders.unit(territory.district_a, f"A-{11 + n}", builders.grid_point(*cell))
             for n, cell in enumerate(unit_cells)]  # fmt: skip
    calls = [
        services.incident_create(
            actor=op, lon=builders.CENTRE[0], lat=builders.CENTRE[1], category_code="violence"
        )
        for op in operators
    ]
    return operators, calls, units


def _at_once(send, *argument_lists) -> dict[int, str]:
    """Run ``send(*arguments)`` in one thread per list, released together; each thread's
    outcome ("sent" or the DispatchError's code) by the incident (its second argument)."""
    start, outcomes = threading.Barrier(len(argument_lists)), {}

    def run(*arguments):
        try:
            start.wait(timeout=10)
            send(*arguments)
            outcomes[arguments[1].pk] = "sent"
        except services.DispatchError as exc:
            outcomes[arguments[1].pk] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in argument_lists]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_operators_dispatch_the_same_unit_at_once():
    operators, calls, (unit,) = _two_operators_two_calls((6, 5))

    def send(operator, incident):
        services.assignment_create(actor=operator, incident=incident, unit_id=unit.id)

    outcomes = _at_once(send, *zip(operators, calls, strict=True))
    assert sorted(outcomes.values()) == ["sent", "unit_not_available"]
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
    operators, calls, (a, b) = _two_operators_two_calls((6, 5), (4, 5))

    def send(operator, incident, etas):
        services.assignments_create(actor=operator, incident=incident, etas=etas)

    orders = [{a.id: None, b.id: None}, {b.id: None, a.id: None}]
    outcomes = _at_once(send, *zip(operators, calls, orders, strict=True))
    assert sorted(outcomes.values()) == ["sent", "unit_not_available"]
    winner = next(pk for pk, outcome in outcomes.items() if outcome == "sent")
    assert set(Assignment.objects.values_list("incident_id", flat=True)) == {winner}
    assert Assignment.objects.count() == 2
