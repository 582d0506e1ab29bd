"""Measures per department and period, computed in the database."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from precinct.appeals import metrics, rollups, services
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
    window = dict(start=dt.date(2026, 2, 1), end=dt.date(2026, 3, 31), today=dt.date(2026, 6, 1))
    # Before the worker's rebuild the changed days are read raw, after it from the rollups.
    assert metrics.department_measures(**window) == metrics.department_measures(
        **window, exact=True
    )
    assert rollups.rebuild_dirty() > 0
    with CaptureQueriesContext(connection) as queries:
        rows = metrics.department_measures(**window)
    assert len(queries) <= 4  # dirty days, the rollups, extension notices, open overdue
    assert rows == metrics.department_measures(**window, exact=True)
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


def test_open_appeals_assigned__his_own_open_ones_overdue_first(world):
    from precinct.appeals.models import Appeal

    inspector, head = world.p.inspector, world.p.head
    first, second, done, _unassigned = (appeal_in_district_a(f"обращение {n}") for n in range(4))
    for appeal in (first, second, done):
        services.appeal_assign(actor=head, appeal=appeal, assignee=inspector)
    services.appeal_answer(actor=inspector, appeal=done, answer="ok")
    today = dt.date.today()
    Appeal.objects.filter(pk=second.pk).update(due_date=today - dt.timedelta(days=1))
    rows = metrics.open_appeals_assigned(user=inspector, today=today)
    assert [r["id"] for r in rows] == [second.pk, first.pk]
    assert rows[0]["overdue"] is True and rows[0]["days_left"] == -1
    assert rows[1]["overdue"] is False
    assert "contact_phone" not in rows[0] and "text" not in rows[0]
    # Nothing is assigned to the head himself.
    assert metrics.open_appeals_assigned(user=head) == []


def test_answer_figures__a_precinct_and_its_city(world):
    head = world.p.head
    on_time = appeal_in_district_a("в срок", now=at("2026-02-02"))
    services.appeal_answer(actor=head, appeal=on_time, answer="ok", now=at("2026-02-03"))
    services.appeal_rate(appeal=on_time, rating=5, request_review=False, now=at("2026-02-04"))
    late = appeal_in_district_a("поздно", now=at("2026-02-02"))
    services.appeal_answer(actor=head, appeal=late, answer="ok", now=at("2026-04-20"))
    feb = {"start": dt.date(2026, 2, 1), "end": dt.date(2026, 2, 28)}
    here = metrics.answer_figures(**feb, precinct_id=world.t.precinct_a.id)
    assert here == {"answered": 1, "answered_on_time_share": 1.0, "rated": 1, "mean_rating": 5.0}
    spring = {"start": dt.date(2026, 2, 1), "end": dt.date(2026, 4, 30)}
    city = metrics.answer_figures(**spring, region_id=world.t.region.id)
    assert city["answered"] == 2 and city["answered_on_time_share"] == 0.5
    none = metrics.answer_figures(start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 31))
    assert none["answered_on_time_share"] is None and none["mean_rating"] is None
