"""Measures per department and period, computed in the database."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from precinct.appeals import metrics, services
from tests.appeals.builders import appeal_in_district_a, at

pytestmark = pytest.mark.django_db


def test_measures_of_a_department(world):
    head = world.p.head
    days = {"2026-02-02": 3, "2026-02-03": 5, "2026-02-04": 20}  # working days to answer
    for i, (day, _n) in enumerate(days.items()):
        a = appeal_in_district_a(f"обращение {i}", now=at(day))
        answered = services.deadlines.add_working_days(dt.date.fromisoformat(day), _n)
        services.appeal_answer(actor=head, appeal=a, answer="ok", now=at(answered.isoformat(), 12))
        services.appeal_rate(
            appeal=a, rating=[5, 4, 1][i], request_review=(i == 2), now=at(answered.isoformat(), 15)
        )
    open_one = appeal_in_district_a("открытое", now=at("2026-02-05"))
    services.appeal_extend(
        actor=head,
        appeal=open_one,
        new_due_date=open_one.due_date + dt.timedelta(days=5),
        reason="r",
    )
    with CaptureQueriesContext(connection) as queries:
        rows = metrics.department_measures(
            start=dt.date(2026, 2, 1), end=dt.date(2026, 3, 31), today=dt.date(2026, 6, 1)
        )
    assert len(queries) <= 6
    a = next(r for r in rows if r["department_id"] == world.t.district_a.pk)
    # The reopened appeal now belongs to the city department (one level up) and counts there.
    assert a["received"] == 3
    assert a["answered"] == 2
    assert a["answered_on_time_share"] == 1
    assert a["median_working_days_to_answer"] == 4
    assert a["extensions"] == 1
    assert a["reopened_share"] == 0
    assert a["mean_rating"] == pytest.approx(4.5)
    assert a["rated_4_5_share"] == 1
    city = next(r for r in rows if r["department_id"] == world.t.city.pk)
    assert (city["received"], city["reopened_share"], city["open_overdue"]) == (1, 1, 1)


def test_even_count_median_and_grouping_by_type(world):
    for i, n in enumerate([2, 4]):
        a = appeal_in_district_a(f"о {i}", now=at("2026-02-02"))
        day = services.deadlines.add_working_days(dt.date(2026, 2, 2), n)
        services.appeal_answer(actor=world.p.head, appeal=a, answer="ok", now=at(day.isoformat()))
    rows = metrics.department_measures(
        start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28), group_by="type"
    )
    assert rows[0]["type"] == "request"
    assert rows[0]["median_working_days_to_answer"] == 3
