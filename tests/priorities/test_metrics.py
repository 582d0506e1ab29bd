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


def _reviewed(priority, *days):
    from precinct.priorities.models import PriorityReview

    PriorityReview.objects.bulk_create(
        PriorityReview(priority=priority, reviewed_on=d) for d in days
    )


def test_review_counts_of_a_past_day_come_from_the_history_of_reviews():
    t = build_territory()
    d = dt.date
    # Set on 1 Feb, reviewed on 1 Apr and then only on 1 Nov.
    kept = _priority(t.precinct_a, "Парковка", d(2026, 1, 1), d(2026, 11, 1))
    _reviewed(kept, d(2026, 2, 1), d(2026, 4, 1), d(2026, 11, 1))
    # Set on 1 Mar and closed on 1 Jun.
    gone = _priority(t.precinct_a, "Шум", d(2026, 3, 1), d(2026, 3, 1),
                     state=Priority.State.CLOSED, closed_on=d(2026, 6, 1))  # fmt: skip
    _reviewed(gone, d(2026, 3, 1))
    # Set on 1 Oct: not yet a priority in summer.
    late = _priority(t.precinct_a, "Граффити", d(2026, 9, 1), d(2026, 10, 1))
    _reviewed(late, d(2026, 10, 1))

    def counts(day):
        return metrics.review_counts(department_ids=[t.district_a.id], today=day)[t.district_a.id]

    assert counts(d(2026, 1, 15)) == {"current": 0, "overdue": 0}
    assert counts(d(2026, 5, 1)) == {"current": 2, "overdue": 0}
    # 31 Aug: "Парковка" last reviewed on 1 Apr (152 days), "Шум" closed since June.
    assert counts(d(2026, 8, 31)) == {"current": 1, "overdue": 1}
    assert counts(d(2026, 11, 15)) == {"current": 2, "overdue": 0}
