"""The evaluation's indicator: the share of current priorities reviewed within three months,
computed with the methodology as of the period's end."""

import datetime as dt

import pytest

from precinct.evaluation import services as evaluation
from precinct.evaluation.models import IndicatorValue
from precinct.priorities.models import Priority, PriorityReview

pytestmark = pytest.mark.django_db


def _priority(precinct, *reviews: dt.date) -> Priority:
    p = Priority.objects.create(
        precinct=precinct, issue="Тема", since=reviews[0], reviewed_on=reviews[-1]
    )
    PriorityReview.objects.bulk_create(PriorityReview(priority=p, reviewed_on=d) for d in reviews)
    return p


def test_share_reviewed_within_three_months_at_the_periods_end(territory):
    d = dt.date
    for _ in range(4):  # reviewed in May: in time on 30 June
        _priority(territory.precinct_a, d(2026, 1, 10), d(2026, 5, 20))
    _priority(territory.precinct_a, d(2026, 1, 10), d(2026, 3, 1), d(2026, 9, 1))  # overdue then
    _priority(territory.precinct_a, d(2026, 8, 1))  # set after the period: not counted
    period = evaluation.period_create(
        label="2026-H1", starts_on=d(2026, 1, 1), ends_on=d(2026, 6, 30)
    )
    evaluation.evaluation_compute(period=period)

    def value(department):
        return IndicatorValue.objects.get(
            indicator__code="priorities_reviewed", period=period, department=department
        )

    district_a = value(territory.district_a)
    assert (district_a.value, district_a.n, district_a.status) == (pytest.approx(0.8), 5, "ok")
    assert value(territory.city).value == pytest.approx(0.8)  # the sum of its districts
    assert value(territory.district_b).status == "no_data"  # no priorities set there


def test_too_few_current_priorities_give_no_value(territory):
    _priority(territory.precinct_a, dt.date(2026, 5, 1))
    period = evaluation.period_create(
        label="2026-H1", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30)
    )
    evaluation.evaluation_compute(period=period)
    row = IndicatorValue.objects.get(
        indicator__code="priorities_reviewed", period=period, department=territory.district_a
    )
    assert (row.value, row.status) == (None, "insufficient")
