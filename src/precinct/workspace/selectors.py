"""What the workspaces show, read from the other apps' read surfaces (``metrics``).

The page and the API share these payloads: ``precinct_workspace`` is the inspector's (his
precinct, his appeals, the head's receptions, the precinct's recent 102 calls and its
figures against the city's), ``head_workspace`` the head's (his department's queue,
receptions, scorecard and precincts). Access is decided by ``accounts.access`` before
anything is read; every read of a call's place (it may be a resident's address) is
written to the audit log.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.accounts import access
from precinct.analytics import funnel
from precinct.appeals import metrics as appeals_metrics
from precinct.audit.models import AuditEntry
from precinct.audit.services import audit_record
from precinct.core.errors import DomainError
from precinct.dispatch import metrics as dispatch_metrics
from precinct.planning import metrics as planning_metrics
from precinct.priorities import metrics as priorities_metrics
from precinct.receptions import metrics as receptions_metrics
from precinct.territory import metrics as territory_metrics
from precinct.territory.models import Precinct

# The figures compare the last quarter; the calls list covers the last month.
FIGURES_DAYS = 90
CALLS_DAYS = 30
CALLS_SHOWN = 10
COVERAGE_MINUTES = 15


class WorkspaceError(DomainError):
    """A workspace that cannot be shown to this user (no precinct, not his precinct)."""


def own_precinct_id(user) -> int | None:
    """The first precinct the user's officer serves today (None when he serves none)."""
    served = territory_metrics.precincts_served(officer_id=getattr(user, "officer_id", None))
    return served[0] if served else None


def precinct_for(*, user, precinct_id: int | None):
    """The precinct the user asked for (his own when None), refused unless he may see it:
    404 when it does not exist, 403 when it is not his."""
    if precinct_id is None:
        precinct_id = own_precinct_id(user)
        if precinct_id is None:
            raise WorkspaceError(
                _("You serve no precinct today: your head assigns precincts."),
                code="no_precinct",
                status=404,
            )
    precinct = Precinct.objects.select_related("department").filter(pk=precinct_id).first()
    if precinct is None:
        raise WorkspaceError(_("There is no such precinct."), code="not_found", status=404)
    if not access.can_view_precinct_workspace(user, precinct):
        raise WorkspaceError(
            _("This precinct is not yours: its workspace is closed to you."),
            code="forbidden",
            status=403,
        )
    return precinct


def precinct_workspace(*, user, precinct: Precinct, now: dt.datetime | None = None) -> dict:
    """Everything the workspace shows of a precinct the user may see (checked by
    ``precinct_for``): the precinct, the user's own open appeals (an inspector's; None for
    the heads and analysts who look in), the department head's next receptions, the
    precinct's recent 102 calls and its figures against the city's."""
    now = now or timezone.now()
    card = territory_metrics.precinct_card(precinct_id=precinct.pk)
    mine = access.can_open_inspector_workspace(user)
    return {
        "precinct": card,
        "appeals": appeals_metrics.open_appeals_assigned(user=user) if mine else None,
        "receptions": receptions_metrics.upcoming_receptions_of_department(
            department_id=card["department"]["id"], now=now
        ),
        "calls": _recent_calls(user=user, precinct=precinct, now=now),
        "figures": precinct_figures(precinct=card, now=now),
        "priorities": _priorities(user=user, precinct=precinct, now=now),
    }


def _priorities(*, user, precinct: Precinct, now: dt.datetime) -> dict:
    """The precinct's current priorities, those overdue for review flagged, and whether
    the user sets them (its inspector, its heads)."""
    rows = priorities_metrics.precinct_priorities(
        precinct_id=precinct.pk, today=timezone.localtime(now).date()
    )
    return {
        "current": rows,
        "overdue": sum(r["review_due"] for r in rows),
        "settable": access.can_set_priorities(user, precinct),
    }


def _recent_calls(*, user, precinct: Precinct, now: dt.datetime) -> list[dict]:
    """The precinct's newest calls; the place may be a resident's address, so each read
    is audited. A call links to its incident page when the user may open it."""
    calls = dispatch_metrics.recent_calls_in_precinct(
        precinct_id=precinct.pk, since=now - dt.timedelta(days=CALLS_DAYS), limit=CALLS_SHOWN
    )
    for call in calls:
        audit_record(
            actor=user, action=AuditEntry.Action.READ, subject_type="dispatch.incident",
            subject_id=str(call["id"]), fields=["place"],
            context=f"workspace of precinct {precinct.pk}",
        )  # fmt: skip
    # Incidents are the precinct's department's: the scope rule on that department decides.
    openable = access.is_in_scope(user, precinct.department)
    for call in calls:
        call["openable"] = openable
        call["response_minutes"] = _minutes(call["response_seconds"])
    return calls


def precinct_figures(*, precinct: dict, now: dt.datetime) -> dict:
    """The precinct against its city over the last FIGURES_DAYS days: appeals answered on
    time, their mean rating, the median 102 arrival (minutes) and walking coverage."""
    end = timezone.localtime(now).date()
    start = end - dt.timedelta(days=FIGURES_DAYS - 1)
    region_id = precinct["region"]["id"]
    answers_here = appeals_metrics.answer_figures(start=start, end=end, precinct_id=precinct["id"])
    answers_city = appeals_metrics.answer_figures(start=start, end=end, region_id=region_id)
    since = now - dt.timedelta(days=FIGURES_DAYS)
    arrival_here = dispatch_metrics.response_summary(
        start=since, end=now, region_id=region_id, precinct_id=precinct["id"]
    )
    arrival_city = dispatch_metrics.response_summary(start=since, end=now, region_id=region_id)
    coverage = planning_metrics.coverage_of_precinct(
        precinct_id=precinct["id"], region_id=region_id, minutes=COVERAGE_MINUTES
    )
    return {
        "start": start,
        "end": end,
        "appeals_on_time": _pair(answers_here, answers_city, "answered_on_time_share"),
        "mean_rating": _pair(answers_here, answers_city, "mean_rating"),
        "arrival_minutes_p50": {
            "precinct": _minutes(arrival_here["response_seconds_p50"]),
            "city": _minutes(arrival_city["response_seconds_p50"]),
        },
        "arrival_within": {
            "precinct": arrival_here["share_within_target"],
            "city": arrival_city["share_within_target"],
        },
        # The precinct's shares against the city's funnel limits for its own number of
        # answers or calls: a bare "higher than the city" with six answers is chance.
        "appeals_on_time_against": against_city(
            answers_here["answered_on_time_share"],
            answers_here["answered"],
            answers_city["answered_on_time_share"],
        ),
        "arrival_within_against": against_city(
            arrival_here["share_within_target"],
            arrival_here["with_target"],
            arrival_city["share_within_target"],
        ),
        "coverage": {
            "precinct": coverage["precinct"]["share"] if coverage else None,
            "city": coverage["region"]["share"] if coverage else None,
        },
        "coverage_minutes": COVERAGE_MINUTES,
        "calls": arrival_here["calls"],
        "answered": answers_here["answered"],
    }


def against_city(share: float | None, n: int, city: float | None) -> dict | None:
    """Where a precinct's share (of ``n`` cases, higher is better) lies against the city's
    95 % and 99.8 % funnel limits for ``n``: ``{"verdict", "low_95", "high_95",
    "low_998", "high_998"}`` with verdict "as_expected", "better_95", "better_998",
    "worse_95" or "worse_998"; None without both shares."""
    if share is None or city is None or not n:
        return None
    l95, l998 = (funnel.proportion_limits(n, city, level) for level in funnel.LEVELS)
    position = str(funnel.position(share, l95, l998))
    verdict = "as_expected"
    if position != funnel.WITHIN:
        side, level = position.split("_")
        verdict = ("better_" if side == "above" else "worse_") + level
    return {
        "verdict": verdict,
        "low_95": float(l95.low),
        "high_95": float(l95.high),
        "low_998": float(l998.low),
        "high_998": float(l998.high),
    }


def _pair(here: dict, city: dict, key: str) -> dict:
    return {"precinct": here[key], "city": city[key]}


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def head_workspace(*, user, now: dt.datetime | None = None) -> dict:
    """A head's department and those below it: appeals of the last FIGURES_DAYS days
    (received, answered, on time, rating) and overdue now, the department's receptions
    still to come and its precincts (each opens its workspace)."""
    now = now or timezone.now()
    department = user.department
    end = timezone.localtime(now).date()
    start = end - dt.timedelta(days=FIGURES_DAYS - 1)
    scope = list(access.departments_in_scope(user).values_list("id", flat=True))
    rows = appeals_metrics.department_measures(start=start, end=end, department_ids=scope)
    answers = appeals_metrics.answer_figures(start=start, end=end, department_ids=scope)
    return {
        "department": {"id": department.pk, "name": department.display_name},
        "start": start,
        "end": end,
        "appeals": {
            "received": sum(r["received"] for r in rows),
            "open_overdue": sum(r["open_overdue"] for r in rows),
            **answers,
        },
        "receptions": receptions_metrics.upcoming_receptions_of_department(
            department_id=department.pk, now=now
        ),
        "precincts": territory_metrics.precincts_of_department(department_id=department.pk),
        # Current priorities of the department's precincts not reviewed for three months.
        "priorities_overdue": priorities_metrics.overdue_reviews(department_ids=scope, today=end),
    }
