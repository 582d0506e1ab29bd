"""Priorities for staff over the API (bearer token): list, set, review, report, close.

The same rules as the pages: heads and deputies for precincts of their department, the
inspector for the precincts he serves (``accounts.access.can_set_priorities``).
"""

import datetime as dt

from ninja import Router, Status

from precinct.accounts.auth import staff_auth
from precinct.core.errors import error_responses
from precinct.priorities import metrics, selectors, services
from precinct.priorities.schemas import (
    PriorityActionIn,
    PriorityOut,
    PriorityReviewIn,
    PrioritySetIn,
    ThemesRaisedOut,
)

router = Router(tags=["priorities"])
ERRORS = error_responses(400, 401, 403, 404)


@router.get("/priorities", response={200: list[PriorityOut], **ERRORS}, auth=staff_auth)
def priority_list(request, precinct_id: int, include_closed: bool = False):
    """A precinct's priorities, current first, each with what was done (newest first)."""
    precinct = selectors.precinct_for(user=request.auth, precinct_id=precinct_id)
    return Status(
        200,
        metrics.precinct_priorities(precinct_id=precinct.pk, include_closed=include_closed),
    )


@router.get("/priorities/themes", response={200: ThemesRaisedOut, **ERRORS}, auth=staff_auth)
def themes(request, precinct_id: int, start: dt.date | None = None, end: dt.date | None = None):
    """How many residents raised each theme (default: the last three months)."""
    precinct = selectors.precinct_for(user=request.auth, precinct_id=precinct_id)
    page = selectors.precinct_priorities_page(precinct=precinct, start=start, end=end)
    return Status(200, {"start": page["start"], "end": page["end"], "themes": page["themes"]})


@router.post("/priorities", response={201: PriorityOut, **ERRORS}, auth=staff_auth)
def priority_set(request, payload: PrioritySetIn):
    """Set a priority residents raised (issue, where, since when, theme)."""
    precinct = selectors.precinct_for(user=request.auth, precinct_id=payload.precinct_id)
    fields = payload.dict(exclude={"precinct_id"})
    priority = services.priority_set(actor=request.auth, precinct=precinct, **fields)
    return Status(201, selectors.priority_row(priority=priority))


@router.post(
    "/priorities/{priority_id}/review",
    response={200: PriorityOut, **error_responses(400, 401, 403, 404, 409)},
    auth=staff_auth,
)
def priority_review(request, priority_id: int, payload: PriorityReviewIn):
    """Reviewed with residents today; texts given are changed, the others kept."""
    priority = selectors.priority_for(user=request.auth, priority_id=priority_id)
    fields = {k: v for k, v in payload.dict().items() if v is not None}
    priority = services.priority_review(actor=request.auth, priority=priority, **fields)
    return Status(200, selectors.priority_row(priority=priority))


@router.post(
    "/priorities/{priority_id}/actions",
    response={201: PriorityOut, **error_responses(400, 401, 403, 404, 409)},
    auth=staff_auth,
)
def priority_action(request, priority_id: int, payload: PriorityActionIn):
    """Report what was done about it, dated ("you said, we did")."""
    priority = selectors.priority_for(user=request.auth, priority_id=priority_id)
    services.priority_action_record(actor=request.auth, priority=priority, **payload.dict())
    return Status(201, selectors.priority_row(priority=priority))


@router.post(
    "/priorities/{priority_id}/close",
    response={200: PriorityOut, **error_responses(400, 401, 403, 404, 409)},
    auth=staff_auth,
)
def priority_close(request, priority_id: int):
    """Close it today: dealt with, or superseded."""
    priority = selectors.priority_for(user=request.auth, priority_id=priority_id)
    priority = services.priority_close(actor=request.auth, priority=priority)
    return Status(200, selectors.priority_row(priority=priority))
