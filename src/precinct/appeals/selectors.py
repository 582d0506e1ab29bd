"""Readers of appeals: public tracking, staff queues (no personal data) and audited detail;
the choices the forms offer (categories, departments, assignees, answer templates)."""

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from precinct.accounts import access
from precinct.appeals import deadlines
from precinct.appeals.models import (
    OPEN_STATUSES,
    AnswerTemplate,
    Appeal,
    AppealEvent,
    Attachment,
    Category,
    Notification,
    Status,
)
from precinct.audit.services import audit_record
from precinct.territory.models import Department

PERSONAL_FIELDS = ["contact_name", "contact_phone", "contact_email", "text"]
QUEUE_PAGE = 50
_EMAIL = re.compile(r"\S+@\S+")
_DIGITS = re.compile(r"\+?\d[\d\s()\-]{4,}\d")


def redact(text: str) -> str:
    """Hide e-mail addresses and phone-like numbers before text is shown in public."""
    return _DIGITS.sub("…", _EMAIL.sub("…", text))


def appeal_by_tracking_code(*, code: str) -> Appeal | None:
    """The resident's own appeal, reached through the private link."""
    if not code or len(code) > 40:
        return None
    return (
        Appeal.objects.select_related("department", "category").filter(tracking_code=code).first()
    )


def receipt_copies(*, appeal: Appeal) -> list[dict]:
    """The copies of the receipt sent to the resident (and those still on their way), each
    with its medium and a masked recipient: the page says only what really happened."""
    rows = appeal.notifications.filter(
        event="registered", state__in=[Notification.State.SENT, Notification.State.PENDING]
    ).order_by("medium")
    return [
        {
            "medium": row.medium,
            "to": mask_contact(row.recipient),
            "sent": row.state == Notification.State.SENT,
        }
        for row in rows
    ]


def mask_contact(value: str) -> str:
    """'+7 701 234 56 78' → '+7 ••• •• 78', 'aigul@example.kz' → 'a•••@example.kz'."""
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:1]}•••@{domain}"
    digits = re.sub(r"\D", "", value)
    return f"+{digits[:1]} ••• •• {digits[-2:]}" if len(digits) >= 4 else "•••"


def public_events(*, appeal: Appeal) -> list[AppealEvent]:
    return list(appeal.events.filter(public=True).order_by("at", "id"))


# What each kind of event is called on the resident's page; the stored kinds are codes.
EVENT_LABELS = {
    "registered": gettext_lazy("Registered"),
    "assigned": gettext_lazy("Assigned to an officer"),
    "started": gettext_lazy("Work on the appeal started"),
    "answered": gettext_lazy("Answered"),
    "extended": gettext_lazy("The time to answer was extended"),
    "forwarded": gettext_lazy("Forwarded to the competent body"),
    "closed": gettext_lazy("Closed"),
    "rated": gettext_lazy("You rated the answer"),
    "reopened": gettext_lazy("You asked for a review: the appeal was reopened"),
    "escalated": gettext_lazy("Overdue: passed to the head"),
}
# Kinds whose note was written by a person for the resident (a reason, a body's name).
_NOTE_KINDS = ("extended", "forwarded", "closed")
_RATING_NOTE = re.compile(r"^([1-5])/5$")


def public_history(*, appeal: Appeal) -> list[dict]:
    """The resident's view of the history: when, what (in the page's language), and the
    official's note where there is one for the resident."""
    rows = []
    for event in public_events(appeal=appeal):
        label = str(EVENT_LABELS.get(event.kind, _("Status changed")))
        rating = _RATING_NOTE.match(event.note) if event.kind == "rated" else None
        if rating:
            label = _("You rated the answer %(n)s out of 5") % {"n": rating.group(1)}
        rows.append(
            {
                "at": event.at,
                "kind": event.kind,
                "label": label,
                "new_due_date": event.new_due_date,
                "note": event.note if event.kind in _NOTE_KINDS else "",
            }
        )
    return rows


def appeal_queue(
    *, page: int = 1, offset: int | None = None, limit: int = QUEUE_PAGE, **filters
) -> tuple[list[Appeal], int]:
    """One page of ``appeal_queue_rows`` (``page`` of ``limit`` rows, or ``limit`` rows
    from ``offset``) and the number of rows in all pages."""
    qs = appeal_queue_rows(**filters)
    start = offset if offset is not None else (max(page, 1) - 1) * limit
    return list(qs[start : start + limit]), qs.count()


def appeal_queue_rows(
    *,
    user,
    department_id: int | None = None,
    assigned_to_me: bool = False,
    status: str | None = None,
    type: str | None = None,
    search: str = "",
    overdue_only: bool = False,
    today: dt.date | None = None,
) -> QuerySet[Appeal]:
    """The queue a staff user may see, overdue first, then by due date (pages cut it).

    Rows carry number, type, category, status and dates only, so listing is not a read of
    personal data; opening an appeal is (``appeal_detail``).
    """
    today = today or timezone.localdate()
    qs: QuerySet[Appeal] = access.appeals_visible_to(user, Appeal.objects.all())
    if department_id:
        qs = qs.filter(department_id=department_id)
    if assigned_to_me:
        qs = qs.filter(assigned_to_id=user.pk)
    if status == "open" or not status:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        qs = qs.filter(status=status)
    if type:
        qs = qs.filter(type=type)
    if overdue_only:
        qs = qs.filter(status__in=OPEN_STATUSES, due_date__lt=today)
    if search:
        qs = qs.filter(Q(registration_number__icontains=search.strip()))
    overdue = Case(
        When(Q(status__in=OPEN_STATUSES, due_date__lt=today), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    qs = qs.annotate(overdue=overdue)
    if status == "open" or not status or overdue_only:
        # Only open appeals: the overdue ones are exactly those due before today, so the
        # due date alone orders them first, and the (department, status, due_date) index
        # serves the page without sorting the whole queue.
        qs = qs.order_by("due_date", "id")
    else:
        qs = qs.order_by("overdue", "due_date", "id")
    return qs.select_related("department", "category", "assigned_to").only(
        "registration_number",
        "type",
        "status",
        "due_date",
        "registered_at",
        "extended",
        "reopened_count",
        "escalated_at",
        "department__name",
        "department__name_kk",
        "department__name_en",
        "category__code",
        "category__name",
        "category__name_kk",
        "category__name_en",
        "assigned_to__username",
        "assigned_to__first_name",
        "assigned_to__last_name",
    )


def appeal_detail(*, user, appeal_id: int) -> Appeal:
    """An appeal with its personal data, for staff who may see it; the read is audited."""
    appeal = appeal_read(user=user, appeal_id=appeal_id, context="appeal opened in the workspace")
    if appeal is None:
        raise PermissionDenied
    return appeal


def appeal_read(*, user, appeal_id: int, context: str) -> Appeal | None:
    """The appeal with its personal data if the user may see it (the read is audited with
    ``context``: where it was read), else None."""
    appeal = (
        Appeal.objects.select_related("department", "category", "assigned_to", "registered_by")
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None or not access.can_view_appeal(user, appeal):
        return None
    audit_record(actor=user, action="read", subject=appeal, fields=PERSONAL_FIELDS, context=context)
    return appeal


@dataclass(frozen=True)
class AttachmentRow:
    """What staff see of a resident's file before opening it (no read of its content)."""

    id: int
    name: str
    size: int
    content_type: str


def _attachment_name(appeal: Appeal, position: int, content_type: str) -> str:
    """The name a file is offered under: the appeal's number and its place, never the name
    the resident's device gave it (it may hold a name, and it is not checked)."""
    ext = content_type.split("/")[-1].replace("jpeg", "jpg")
    return f"{appeal.registration_number}-{position}.{ext}"


def appeal_attachments(*, appeal: Appeal) -> list[AttachmentRow]:
    """The files sent with an appeal, in the order they came; for staff who read the appeal
    (the read of a file itself is ``attachment_for_reader``)."""
    files = Attachment.objects.filter(appeal=appeal).order_by("id")
    return [
        AttachmentRow(a.pk, _attachment_name(appeal, n, a.content_type), a.size, a.content_type)
        for n, a in enumerate(files.only("id", "size", "content_type"), start=1)
    ]


@dataclass(frozen=True)
class OpenedAttachment:
    """A resident's file opened for one staff reader: its name, type and content."""

    name: str
    content_type: str
    size: int
    file: object  # an open binary file; the response closes it


def attachment_for_reader(*, user, appeal_id: int, attachment_id: int) -> OpenedAttachment | None:
    """Open one file of an appeal for staff who may read the appeal; each read is audited.

    None when the appeal or file does not exist, the user may not read the appeal (its
    existence is private), or the file is no longer kept on disk.
    """
    appeal = Appeal.objects.filter(pk=appeal_id).first()
    if appeal is None or not access.can_view_appeal(user, appeal):
        return None
    rows = {row.id: row for row in appeal_attachments(appeal=appeal)}
    stored = Attachment.objects.filter(pk=attachment_id, appeal=appeal).first()
    if stored is None or attachment_id not in rows:
        return None
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        return None
    row = rows[attachment_id]
    audit_record(
        actor=user,
        action="read",
        subject=stored,
        fields=["file"],
        context=f"attachment {row.name} of appeal {appeal.registration_number} downloaded",
    )
    return OpenedAttachment(row.name, row.content_type, row.size, handle)


def public_proposals(*, limit: int = 50) -> list[dict]:
    """Proposals that were answered, without the resident's name or contacts."""
    rows = (
        Appeal.objects.filter(type="proposal", status__in=[Status.ANSWERED, Status.CLOSED])
        .select_related("department", "category")
        .order_by("-answered_at")[:limit]
    )
    return [
        {
            "number": a.registration_number,
            "department": a.department.display_name,
            "category": str(a.category) if a.category else "",
            "text": redact(a.text)[:500],
            "answer": a.answer,
            "answered_at": a.answered_at,
        }
        for a in rows
    ]


def appeal_events(*, appeal: Appeal) -> QuerySet[AppealEvent]:
    """Every event of an appeal, internal notes included, with who acted (for staff)."""
    return appeal.events.select_related("actor")


def extension_latest(*, appeal: Appeal) -> dt.date:
    """The latest answer date an extension may set (shown beside the form; the service
    enforces it)."""
    return deadlines.extension_latest(appeal_received_on(appeal=appeal))


def appeal_received_on(*, appeal: Appeal) -> dt.date:
    """The day the appeal's current review began: its registration, or the resident's
    request for review one level up (which starts the time afresh)."""
    reopened = (
        appeal.events.filter(kind="reopened").order_by("-at").values_list("at", flat=True).first()
    )
    return timezone.localtime(reopened or appeal.registered_at).date()


def appeal_to_act_on(*, user, appeal_id: int) -> Appeal | None:
    """The appeal a staff action is about, if the user may see it (not an audited read:
    the action's service records what it changes)."""
    appeal = Appeal.objects.filter(pk=appeal_id).first()
    if appeal is None or not access.can_view_appeal(user, appeal):
        return None
    return appeal


def appeal_assignees(*, appeal: Appeal, limit: int = 200) -> list:
    """Officers of the appeal's department (and below) whom access lets take it."""
    candidates = get_user_model().objects.filter(
        department__path__startswith=appeal.department.path
    )
    return list(access.appeal_assignees(appeal, candidates).select_related("department")[:limit])


def staff_user(*, user_id: int | None):
    """A staff account chosen in a form (the service decides whether it may act)."""
    if user_id is None:
        return None
    return get_user_model().objects.filter(pk=user_id).first()


def answer_templates_for(*, department: Department, language: str = "ru") -> list[dict]:
    """The department's own answer templates and everyone's: each titled in the page's
    language, its text in ``language`` (the resident's), so the answer he reads is his."""
    rows = AnswerTemplate.objects.filter(Q(department__isnull=True) | Q(department=department))
    return [{"title": str(t), "text": t.text_in(language)} for t in rows]


def active_categories() -> QuerySet[Category]:
    """The categories a resident may choose on the form."""
    return Category.objects.filter(is_active=True)


def appeal_departments() -> QuerySet[Department]:
    """The district departments an appeal may be addressed to when no place is given."""
    return Department.objects.filter(kind=Department.Kind.DISTRICT).order_by("name")


def department_names() -> dict[int, str]:
    """Every department's name in the current language, by id (for the statistics page)."""
    return {d.pk: d.display_name for d in Department.objects.all()}


def department_codes() -> dict[int, str]:
    """Every department's code, by id (the statistics page links each to its public page)."""
    return dict(Department.objects.values_list("id", "code"))
