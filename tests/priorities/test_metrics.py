"""The read surface of priorities: current first, actions newest first, reviews overdue."""

import datetime as dt

import pytest
from django.utils import translation

from precinct.priorities import metrics
from precinct.priorities.models import Priority, PriorityAction
from tests.factories import build_territory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


def _priority(precinct, issue, since, reviewed_on, **fields):
    return Priority.objects.create(
        precinct=precinct, issue=issue, since=since, reviewed_on=reviewed_on, **fields
    )


def test_current_priorities_come_with_what_was_done_in_the_reader_language(settings):
    t = build_territory()
    parking = _priority(
        t.precinct_a,
        "Парковка во дворах",
        TODAY - dt.timedelta(days=30),
        TODAY,
        issue_en="Parking in courtyards",
    )
    PriorityAction.objects.create(priority=parking, done_on=TODAY, text="Рейд", text_en="A raid")
    PriorityAction.objects.create(
        priority=parking, done_on=TODAY - dt.timedelta(days=9), text="Встреча с жителями"
    )
    _priority(t.precinct_a, "Старое", TODAY, TODAY, state=Priority.State.CLOSED)

    with translation.override("en"):
        rows = metrics.precinct_priorities(precinct_id=t.precinct_a.id, today=TODAY)
    assert [r["issue"] for r in rows] == ["Parking in courtyards"]
    assert [a["text"] for a in rows[0]["actions"]] == ["A raid", "Встреча с жителями"]
    assert rows[0]["review_due"] is False


def test_a_priority_unreviewed_for_three_months_is_overdue():
    t = build_territory()
    _priority(t.precinct_a, "Свежий", TODAY, TODAY - dt.timedelta(days=metrics.REVIEW_DAYS))
    stale = _priority(
        t.precinct_a, "Забытый", TODAY, TODAY - dt.timedelta(days=metrics.REVIEW_DAYS + 1)
    )
    overdue = metrics.overdue_reviews(department_ids=[t.district_a.id], today=TODAY)
    assert [r["id"] for r in overdue] == [stale.id]
    counts = metrics.review_counts(department_ids=[t.district_a.id, t.district_b.id], today=TODAY)
    assert counts == {
        t.district_a.id: {"current": 2, "overdue": 1},
        t.district_b.id: {"current": 0, "overdue": 0},
    }
