"""Two operators send the same unit at the same moment: one wins, the other is told.

Real threads with their own database connections and committed data (no test
transaction around them); on PostgreSQL the loser waits on the row lock, then finds the
unit no longer available; on SQLite the second writer waits for the first to commit.
"""

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
