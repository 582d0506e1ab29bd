"""The only writers of priorities: set, review, record what was done, close.

Keyword-only, one transaction each, refused by ``accounts.access.can_set_priorities``
(Django's PermissionDenied, as pages and the API expect). Texts are written in Russian,
with optional Kazakh and English. A priority's "where" may name a street or a building,
so every write leaves an entry in the audit log.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.accounts import access
from precinct.audit.models import AuditEntry
from precinct.audit.services import audit_record
from precinct.core.errors import DomainError
from precinct.priorities import metrics
from precinct.priorities.models import Priority, PriorityAction, PriorityReview
from precinct.territory.models import Precinct

TEXT_MAX = 300
ACTION_MAX = 2000
LANGUAGES = ("", "_kk", "_en")


class PriorityError(DomainError):
    """A priority, review or action refused, with a message per field."""


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise PriorityError.of_fields(errors)


def _texts(field: str, values: dict[str, str], *, required: bool, limit: int, errors) -> dict:
    """The Russian, Kazakh and English texts of ``field``, stripped and checked."""
    out = {}
    for suffix in LANGUAGES:
        name = field + suffix
        text = (values.get(name) or "").strip()
        if len(text) > limit:
            errors[name] = _("At most %(n)s characters.") % {"n": limit}
        out[name] = text
    if required and not out[field]:
        errors[field] = _("Write it in Russian (Kazakh and English are optional).")
    return out


def _day(value, field: str, errors: dict, *, today: dt.date, not_before: dt.date | None = None):
    if not isinstance(value, dt.date):
        errors[field] = _("Enter a date.")
        return None
    if value > today:
        errors[field] = _("The date cannot be in the future.")
    elif not_before is not None and value < not_before:
        errors[field] = _("The date cannot be before %(day)s.") % {"day": not_before.isoformat()}
    return value


def _check_theme(theme: str, errors: dict) -> str:
    theme = (theme or "").strip()
    if theme and theme not in dict(metrics.theme_choices()):
        errors["theme"] = _("Choose a theme from the list.")
    return theme


def _allowed(actor, precinct: Precinct) -> None:
    if not access.can_set_priorities(actor, precinct):
        raise PermissionDenied


def _officer(actor):
    return getattr(actor, "officer", None) if getattr(actor, "officer_id", None) else None


def _audit(actor, action: str, priority: Priority, fields, context: str) -> None:
    audit_record(
        actor=actor, action=action, subject=priority, fields=fields,
        context=f"{context} (precinct {priority.precinct_id})",
    )  # fmt: skip


def _locked(priority: Priority) -> Priority:
    """The priority as stored now, locked for this transaction; a closed one is refused."""
    current = Priority.objects.select_for_update().select_related("precinct__department")
    priority = current.get(pk=priority.pk)
    if priority.state == Priority.State.CLOSED:
        raise PriorityError(_("This priority is closed."), field=None, code="closed", status=409)
    return priority


@transaction.atomic
def priority_set(
    *,
    actor,
    precinct: Precinct,
    since: dt.date | None,
    issue: str,
    issue_kk: str = "",
    issue_en: str = "",
    place: str = "",
    place_kk: str = "",
    place_en: str = "",
    theme: str = "",
) -> Priority:
    """Record a priority residents set: the issue, where, since when and the theme of
    residents' concerns it answers. Setting it is its first review."""
    _allowed(actor, precinct)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    given = locals()
    issues = _texts("issue", given, required=True, limit=TEXT_MAX, errors=errors)
    places = _texts("place", given, required=False, limit=TEXT_MAX, errors=errors)
    _day(since, "since", errors, today=today)
    theme = _check_theme(theme, errors)
    _refuse(errors)
    priority = Priority.objects.create(
        precinct=precinct, since=since, reviewed_on=today, theme=theme,
        set_by=_officer(actor), **issues, **places,
    )  # fmt: skip
    PriorityReview.objects.create(priority=priority, reviewed_on=today, reviewed_by=_officer(actor))
    _audit(actor, AuditEntry.Action.CREATE, priority, [*issues, *places], "priority set")
    return priority


@transaction.atomic
def priority_review(
    *,
    actor,
    priority: Priority,
    issue: str | None = None,
    issue_kk: str | None = None,
    issue_en: str | None = None,
    place: str | None = None,
    place_kk: str | None = None,
    place_en: str | None = None,
    theme: str | None = None,
) -> Priority:
    """Review a current priority with residents today: it stays, and its texts may be
    edited (a text given as None is kept; the Russian issue cannot be emptied)."""
    _allowed(actor, priority.precinct)
    priority = _locked(priority)
    errors: dict[str, str] = {}
    given = {k: v for k, v in locals().items() if v is not None}
    current = {f + s: getattr(priority, f + s) for f in ("issue", "place") for s in LANGUAGES}
    values = {**current, **{k: v for k, v in given.items() if k in current}}
    issues = _texts("issue", values, required=True, limit=TEXT_MAX, errors=errors)
    places = _texts("place", values, required=False, limit=TEXT_MAX, errors=errors)
    if theme is not None:
        priority.theme = _check_theme(theme, errors)
    _refuse(errors)
    changed = [k for k, v in {**issues, **places}.items() if v != current[k]]
    for name, text in {**issues, **places}.items():
        setattr(priority, name, text)
    priority.reviewed_on = timezone.localdate()
    priority.save()
    PriorityReview.objects.create(
        priority=priority, reviewed_on=priority.reviewed_on, reviewed_by=_officer(actor)
    )
    _audit(actor, AuditEntry.Action.UPDATE, priority, ["reviewed_on", *changed], "priority review")
    return priority


@transaction.atomic
def priority_action_record(
    *, actor, priority: Priority, done_on: dt.date | None, text: str, text_kk: str = "",
    text_en: str = "",
) -> PriorityAction:  # fmt: skip
    """Report what was done about a current priority, dated ("you said, we did")."""
    _allowed(actor, priority.precinct)
    priority = _locked(priority)
    errors: dict[str, str] = {}
    texts = _texts("text", locals(), required=True, limit=ACTION_MAX, errors=errors)
    _day(done_on, "done_on", errors, today=timezone.localdate(), not_before=priority.since)
    _refuse(errors)
    action = PriorityAction.objects.create(priority=priority, done_on=done_on, **texts)
    _audit(actor, AuditEntry.Action.UPDATE, priority, ["actions"], f"action {action.pk} recorded")
    return action


@transaction.atomic
def priority_close(*, actor, priority: Priority) -> Priority:
    """Close a priority today: residents and police agree it is dealt with or superseded."""
    _allowed(actor, priority.precinct)
    priority = _locked(priority)
    priority.state = Priority.State.CLOSED
    priority.closed_on = timezone.localdate()
    priority.save(update_fields=["state", "closed_on"])
    _audit(actor, AuditEntry.Action.UPDATE, priority, ["state", "closed_on"], "priority closed")
    return priority
