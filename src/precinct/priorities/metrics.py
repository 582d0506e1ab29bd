"""The read surface of priorities: a precinct's current priorities with what was done,
and the priorities overdue for review, as plain rows.

Texts come out in the reader's language (Russian where a translation is missing). A
precinct with no priorities gives an empty list: nothing was agreed yet, and pages say so.
"""

import datetime as dt

from django.db.models import Prefetch
from django.utils import timezone

from precinct.priorities.models import Priority, PriorityAction

# The Neighbourhood Policing Guarantee's "refreshed at least every three months".
REVIEW_DAYS = 92


def review_due(reviewed_on: dt.date, today: dt.date) -> bool:
    """Whether a priority last reviewed on ``reviewed_on`` is overdue on ``today``."""
    return (today - reviewed_on).days > REVIEW_DAYS


def precinct_priorities(
    *, precinct_id: int, today: dt.date | None = None, include_closed: bool = False
) -> list[dict]:
    """A precinct's priorities, current first then newest, each with its actions (newest first)."""
    today = today or timezone.localdate()
    qs = Priority.objects.filter(precinct_id=precinct_id)
    if not include_closed:
        qs = qs.filter(state=Priority.State.ACTIVE)
    actions = Prefetch("actions", queryset=PriorityAction.objects.order_by("-done_on", "-id"))
    return [_row(p, today) for p in qs.prefetch_related(actions).order_by("state", "-since", "id")]


def overdue_reviews(*, department_ids: list[int], today: dt.date | None = None) -> list[dict]:
    """Current priorities of these departments' precincts not reviewed for over three months."""
    today = today or timezone.localdate()
    limit = today - dt.timedelta(days=REVIEW_DAYS)
    qs = Priority.objects.filter(
        state=Priority.State.ACTIVE,
        reviewed_on__lt=limit,
        precinct__department_id__in=department_ids,
    ).select_related("precinct")
    return [_row(p, today, with_actions=False) for p in qs.order_by("reviewed_on", "id")]


def review_counts(*, department_ids: list[int], today: dt.date | None = None) -> dict[int, dict]:
    """Per department: current priorities and how many are overdue for review (the indicator)."""
    today = today or timezone.localdate()
    limit = today - dt.timedelta(days=REVIEW_DAYS)
    counts = {d: {"current": 0, "overdue": 0} for d in department_ids}
    rows = Priority.objects.filter(
        state=Priority.State.ACTIVE, precinct__department_id__in=department_ids
    ).values_list("precinct__department_id", "reviewed_on")
    for department_id, reviewed_on in rows:
        counts[department_id]["current"] += 1
        counts[department_id]["overdue"] += reviewed_on < limit
    return counts


def _row(p: Priority, today: dt.date, *, with_actions: bool = True) -> dict:
    row = {
        "id": p.id,
        "precinct_id": p.precinct_id,
        "issue": p.issue_display,
        "place": p.place_display,
        "theme": p.theme,
        "since": p.since,
        "reviewed_on": p.reviewed_on,
        "review_due": p.state == Priority.State.ACTIVE and review_due(p.reviewed_on, today),
        "state": p.state,
        "closed_on": p.closed_on,
    }
    if with_actions:
        row["actions"] = [
            {"id": a.id, "done_on": a.done_on, "text": a.text_display} for a in p.actions.all()
        ]
    return row


def precinct_news(*, precinct_id: int, since: dt.datetime, until: dt.datetime) -> dict:
    """What a precinct's subscribers are told: the priorities set and the actions ("we did")
    recorded in (``since``, ``until``], oldest first, in the reader's language. Each row has
    ``created_at`` (when it was recorded), so one read serves subscribers of several ages."""
    window = {"created_at__gt": since, "created_at__lte": until}
    priorities = Priority.objects.filter(precinct_id=precinct_id, **window)
    actions = PriorityAction.objects.filter(priority__precinct_id=precinct_id, **window)
    return {
        "priorities": [
            {
                "id": p.id,
                "issue": p.issue_display,
                "place": p.place_display,
                "since": p.since,
                "state": p.state,
                "created_at": p.created_at,
            }
            for p in priorities.order_by("created_at", "id")
        ],
        "actions": [
            {
                "id": a.id,
                "priority_id": a.priority_id,
                "issue": a.priority.issue_display,
                "done_on": a.done_on,
                "text": a.text_display,
                "created_at": a.created_at,
            }
            for a in actions.select_related("priority").order_by("created_at", "id")
        ],
    }
