"""Reads of the priorities pages and API: which precincts a user works on, one precinct's
priorities with what residents raised, one priority to write to.

Access is decided by ``accounts.access`` before anything is read: a precinct or priority
that does not exist is 404, one the user may not set is 403 (priorities are public, so
their existence is no secret).
"""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.accounts import access
from precinct.core.errors import DomainError
from precinct.priorities import metrics
from precinct.priorities.models import Priority
from precinct.territory.models import Precinct


class PriorityAccessError(DomainError):
    """A precinct or priority that is not there (404) or not the user's to set (403)."""


def _not_found() -> PriorityAccessError:
    return PriorityAccessError(_("Not found."), code="not_found", status=404)


def _forbidden() -> PriorityAccessError:
    return PriorityAccessError(
        _("You do not set this precinct's priorities."), code="forbidden", status=403
    )


def precinct_for(*, user, precinct_id: int) -> Precinct:
    """The precinct whose priorities the user sets."""
    precinct = Precinct.objects.select_related("department").filter(pk=precinct_id).first()
    if precinct is None:
        raise _not_found()
    if not access.can_set_priorities(user, precinct):
        raise _forbidden()
    return precinct


def priority_for(*, user, priority_id: int) -> Priority:
    """The priority the user may review, report on or close."""
    priority = (
        Priority.objects.select_related("precinct__department").filter(pk=priority_id).first()
    )
    if priority is None:
        raise _not_found()
    if not access.can_set_priorities(user, priority.precinct):
        raise _forbidden()
    return priority


def precincts_for(*, user, query: str = "", today: dt.date | None = None) -> list[dict]:
    """The precincts whose priorities the user sets, with their current priorities and how
    many are overdue for review (counted by the database)."""
    today = today or timezone.localdate()
    limit = today - dt.timedelta(days=metrics.REVIEW_DAYS)
    active = Q(priorities__state=Priority.State.ACTIVE)
    precincts = access.priority_precincts_visible_to(user, Precinct.objects.all())
    if query.isdigit():
        precincts = precincts.filter(number=int(query))
    elif query:
        precincts = precincts.filter(
            Q(department__name__icontains=query)
            | Q(department__name_kk__icontains=query)
            | Q(department__name_en__icontains=query)
        )
    precincts = precincts.select_related("department").annotate(
        current=Count("priorities", filter=active),
        overdue=Count("priorities", filter=active & Q(priorities__reviewed_on__lt=limit)),
    )
    return [
        {"id": p.id, "name": str(p), "current": p.current, "overdue": p.overdue}
        for p in precincts.order_by("department__path", "number")
    ]


def precinct_priorities_page(
    *, precinct: Precinct, start: dt.date | None = None, end: dt.date | None = None
) -> dict:
    """A precinct's priorities (current first, then the closed) with what was done, and the
    themes its residents raised in the period (the staff see the counts unsuppressed)."""
    if start is None or end is None:
        start, end = metrics.raised_period(end)
    rows = metrics.precinct_priorities(precinct_id=precinct.id, include_closed=True)
    texts = _texts(Priority.objects.filter(precinct=precinct))
    return {
        "precinct": {"id": precinct.id, "name": str(precinct)},
        "priorities": [{**r, "texts": texts[r["id"]]} for r in rows],
        "themes": metrics.themes_raised(
            precinct_id=precinct.id, start=start, end=end, suppress=False
        ),
        "start": start,
        "end": end,
        "review_days": metrics.REVIEW_DAYS,
    }


def priority_row(*, priority: Priority) -> dict:
    """One priority as the page and the API show it, with its actions and its texts in
    every language (for the review form)."""
    rows = metrics.precinct_priorities(precinct_id=priority.precinct_id, include_closed=True)
    row = next(r for r in rows if r["id"] == priority.id)
    return {**row, "texts": _texts(Priority.objects.filter(pk=priority.pk))[priority.id]}


TEXT_FIELDS = ("issue", "issue_kk", "issue_en", "place", "place_kk", "place_en")


def _texts(priorities) -> dict[int, dict]:
    return {row["id"]: row for row in priorities.values("id", *TEXT_FIELDS)}
