"""The read surface of priorities: a precinct's current priorities with what was done,
and the priorities overdue for review, as plain rows.

Texts come out in the reader's language (Russian where a translation is missing). A
precinct with no priorities gives an empty list: nothing was agreed yet, and pages say so.
"""

import calendar
import datetime as dt

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from precinct.analytics import disclosure
from precinct.appeals import metrics as appeals_metrics
from precinct.priorities.models import Priority, PriorityAction, PriorityReview
from precinct.surveys import metrics as surveys_metrics
from precinct.territory.models import Precinct

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
    labels = appeals_metrics.category_labels()
    return [
        _row(p, today, labels)
        for p in qs.prefetch_related(actions).order_by("state", "-since", "id")
    ]


def overdue_reviews(*, department_ids: list[int], today: dt.date | None = None) -> list[dict]:
    """Current priorities of these departments' precincts not reviewed for over three months."""
    today = today or timezone.localdate()
    limit = today - dt.timedelta(days=REVIEW_DAYS)
    qs = Priority.objects.filter(
        state=Priority.State.ACTIVE,
        reviewed_on__lt=limit,
        precinct__department_id__in=department_ids,
    ).select_related("precinct__department")
    labels = appeals_metrics.category_labels()
    return [
        {**_row(p, today, labels, with_actions=False), "precinct_name": str(p.precinct)}
        for p in qs.order_by("reviewed_on", "id")
    ]


def review_counts(*, department_ids: list[int], today: dt.date | None = None) -> dict[int, dict]:
    """Per department: its precincts' priorities current on ``today`` and how many of them
    were not reviewed in the REVIEW_DAYS before it (the evaluation's indicator).

    Computed from the history of reviews, so a past day (a period's end) is counted as it
    stood then: a priority is current once set (its first review) and until closed; a
    later review or closing does not change the count of an earlier day."""
    today = today or timezone.localdate()
    limit = today - dt.timedelta(days=REVIEW_DAYS)
    reviews = PriorityReview.objects.filter(priority=OuterRef("pk"), reviewed_on__lte=today)
    set_by_then = Exists(reviews) | Q(reviewed_on__lte=today)
    reviewed_in_time = Exists(reviews.filter(reviewed_on__gte=limit)) | Q(
        reviewed_on__gte=limit, reviewed_on__lte=today
    )
    closed_by_then = Q(state=Priority.State.CLOSED) & (
        Q(closed_on__isnull=True) | Q(closed_on__lte=today)
    )
    rows = (
        Priority.objects.filter(set_by_then, precinct__department_id__in=department_ids)
        .exclude(closed_by_then)
        .values("precinct__department_id")
        .annotate(current=Count("id"), overdue=Count("id", filter=~reviewed_in_time))
        .order_by()
    )
    counts = {d: {"current": 0, "overdue": 0} for d in department_ids}
    for r in rows:
        counts[r["precinct__department_id"]] = {"current": r["current"], "overdue": r["overdue"]}
    return counts


# What residents raised: the themes are the appeal categories; the survey's choices of
# "which problems worry you most" are counted under the category that answers them.
RAISED_MONTHS = 3
SURVEY_QUESTION = "concerns"
SURVEY_THEMES = {
    "theft": "theft-fraud",
    "fraud": "theft-fraud",
    "drugs": "drugs",
    "hooliganism": "public-order",
    "domestic": "domestic",
    "roads": "traffic",
}


def raised_period(end: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The default period of ``themes_raised``: the RAISED_MONTHS months up to ``end``."""
    end = end or timezone.localdate()
    year, month = end.year, end.month - RAISED_MONTHS
    if month < 1:
        year, month = year - 1, month + 12
    day = min(end.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day) + dt.timedelta(days=1), end


def themes_raised(
    *,
    precinct_id: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
    suppress: bool = True,
) -> list[dict]:
    """How many residents raised each theme in a precinct from ``start`` to ``end`` (by
    default the last three months), most raised first. One row per theme: ``theme`` (an
    appeal category code, or a survey choice no category answers), ``label`` in the
    reader's language, and ``appeals`` (the precinct's appeals, complaints about officers
    left out), ``receptions`` (raised at the district head's receptions and registered
    as appeals: a reception serves the whole district), ``survey`` (respondents of the
    precinct's district naming it among the problems that worry them most: surveys are
    drawn per district, not per precinct) and ``total``.

    With ``suppress`` (the default, for public pages) every count goes through
    ``analytics.disclosure``: a count below PRECINCT_DISCLOSURE_MIN_COUNT is ``None``
    ("fewer than N"), and so is a small total. Staff pages in scope pass ``suppress=False``.
    """
    if start is None or end is None:
        start, end = raised_period(end)
    department_id = Precinct.objects.values_list("department_id", flat=True).get(pk=precinct_id)
    appeals = appeals_metrics.precinct_category_counts(
        precinct_id=precinct_id, start=start, end=end
    )
    receptions = appeals_metrics.reception_category_counts(
        department_id=department_id, start=start, end=end
    )
    survey = surveys_metrics.choices_named(
        question_key=SURVEY_QUESTION,
        department_id=department_id,
        start=start,
        end=end,
        groups=SURVEY_THEMES,
    )
    raw: dict[str, dict[str, int]] = {}
    for column, counts in (("appeals", appeals), ("receptions", receptions)):
        for theme, n in counts.items():
            raw.setdefault(theme, {})[column] = n
    for theme, n in survey["counts"].items():
        raw.setdefault(theme, {})["survey"] = n
    labels = {**survey["labels"], **appeals_metrics.category_labels()}
    rows = []
    for theme, cells in raw.items():
        values = {k: cells.get(k, 0) for k in ("appeals", "receptions", "survey")}
        row = {"theme": theme, "label": labels.get(theme, theme), **values}
        row["total"] = sum(values.values())
        rows.append(row)
    rows.sort(key=lambda r: (-r["total"], r["label"]))
    return [_disclosed(r) for r in rows] if suppress else rows


def theme_choices() -> list[tuple[str, str]]:
    """The themes a priority may answer, for forms: the appeal categories (those about
    officers left out) in the reader's language."""
    labels = appeals_metrics.category_labels()
    hidden = set(appeals_metrics.officer_conduct_categories())
    shown = [(code, label) for code, label in labels.items() if code not in hidden]
    return sorted(shown, key=lambda choice: choice[1])


def min_count() -> int:
    """The small-count threshold of every public figure (PRECINCT_DISCLOSURE_MIN_COUNT)."""
    return getattr(settings, "PRECINCT_DISCLOSURE_MIN_COUNT", disclosure.DEFAULT_MIN_COUNT)


def _disclosed(row: dict) -> dict:
    threshold = min_count()
    cells = ("appeals", "receptions", "survey")
    out = {k: disclosure.count(row[k], min_count=threshold) for k in cells}
    total = disclosure.total([row[k] for k in cells], min_count=threshold)
    return {"theme": row["theme"], "label": row["label"], **out, "total": total}


def _row(p: Priority, today: dt.date, labels: dict, *, with_actions: bool = True) -> dict:
    row = {
        "id": p.id,
        "precinct_id": p.precinct_id,
        "issue": p.issue_display,
        "place": p.place_display,
        "theme": p.theme,
        "theme_label": labels.get(p.theme, p.theme),
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
