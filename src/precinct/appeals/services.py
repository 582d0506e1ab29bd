"""The only writers of appeals: keyword-only, one transaction each."""

import datetime as dt
import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from precinct.accounts import access
from precinct.appeals import deadlines, routing, selectors
from precinct.appeals.models import (
    OPEN_STATUSES,
    Appeal,
    AppealEvent,
    AppealType,
    Attachment,
    Category,
    Channel,
    Status,
    TrackingMiss,
)
from precinct.appeals.notifications import notify_resident, notify_staff
from precinct.appeals.validators import (
    AppealInputError,
    check_attachments,
    check_contact,
    check_text,
)
from precinct.audit.services import audit_record
from precinct.core.errors import DomainError
from precinct.core.hashing import private_hash
from precinct.territory.models import Department, Officer, Precinct

PUBLIC_CHANNELS = (Channel.WEB, Channel.API, Channel.OPEN311)
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")


class RateLimited(DomainError):
    """Too many public submissions from one client in the last hour."""

    status = 429
    code = "rate_limited"


class TooManyLookups(DomainError):
    """Too many failed tracking look-ups from one client in the last hour."""

    status = 429
    code = "rate_limited"


def client_fingerprint(address: str) -> str:
    """A keyed hash of the client's address: enough to count, useless to identify."""
    return private_hash(address, purpose="appeal-client")


def _content_hash(**parts) -> str:
    text = "|".join(f"{k}={parts[k]}" for k in sorted(parts))
    return hashlib.sha256(text.encode()).hexdigest()


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def appeal_register(
    *,
    type: str,
    text: str,
    channel: str,
    category_code: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    department_id: int | None = None,
    address: str = "",
    about_officer_id: int | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    language: str = "ru",
    registered_by=None,
    idempotency_key: str | None = None,
    client: str = "",
    attachments: list[tuple[str, bytes]] = (),
    media_url: str = "",
    service_attributes: dict | None = None,
    now: dt.datetime | None = None,
) -> tuple[Appeal, bool]:
    """Register an appeal from any channel; returns (appeal, created).

    The steps: check the input, route it, check the official's scope, hold back a double
    submit or a flood, then store it numbered with its deadline, its attachments and its
    first event, and tell the resident. A repeated submission (same idempotency key, or
    the same text from the same client within the double-submit window) returns the
    appeal stored the first time; a key already used for another appeal is refused.
    """
    now = now or timezone.now()
    contact = {
        "name": contact_name.strip(),
        "phone": contact_phone.strip(),
        "email": contact_email.strip(),
    }
    place = {"lat": lat, "lon": lon, "department_id": department_id, "address": address}
    content_hash = _content_hash(
        type=type,
        text=text.strip(),
        **contact,
        department=department_id,
        lat=lat,
        lon=lon,
        address=address,
        officer=about_officer_id,
    )
    try:
        intake = _checked_and_routed(
            type=type,
            channel=channel,
            text=text,
            contact=contact,
            category_code=category_code,
            about_officer_id=about_officer_id,
            attachments=list(attachments),
            **place,
        )
        _check_registrar(registered_by, intake.department)
        client_hash = client_fingerprint(client) if client else ""
        appeal = _new_appeal(
            intake,
            type=type,
            channel=channel,
            text=text,
            contact=contact,
            address=address,
            language=language,
            registered_by=registered_by,
            now=now,
        )
        # Open311's extras, checked by its adapter (appeals/open311.py) against the service.
        appeal.media_url, appeal.service_attributes = media_url, service_attributes or {}
        appeal.idempotency_key = idempotency_key or None
        appeal.client_hash, appeal.content_hash = client_hash, content_hash
        return _store_once(appeal, files=intake.files, now=now, public=registered_by is None)
    except (AppealInputError, RateLimited, PermissionDenied):
        # A repeat is looked up only when the request cannot be stored as new (a retry
        # fails its key's uniqueness, or the limit or a rule changed since): a first
        # submission, nearly every one, pays no look-up for it.
        earlier = _replay(idempotency_key, content_hash)
        if earlier is None:
            raise
        return earlier, False


def _one_at_a_time_per_client(client_hash: str) -> int | None:
    """Hold the client's lock until the transaction ends (PostgreSQL: an advisory lock on
    the hash) and reserve the new appeal's id in the same round trip, so that it is stored
    numbered by one INSERT; the id is not reused if the appeal is refused. SQLite needs no
    lock (its transactions begin IMMEDIATE, one writer at a time) and reserves no id."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # Two 32-bit keys: this purpose, and 31 bits of the client's hash.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s), nextval(pg_get_serial_sequence(%s, 'id'))",
            [_CLIENT_LOCK_SPACE, int(client_hash[:7], 16), Appeal._meta.db_table],
        )
        return cursor.fetchone()[1]


_CLIENT_LOCK_SPACE = 0x0A99EA1  # "appeal": the advisory-lock key space of this rule


def _replay(idempotency_key: str | None, content_hash: str) -> Appeal | None:
    """The appeal stored under this key (none without a key); the key reused for another
    request is an error.

    Comparing the content keeps a guessed key from revealing someone else's receipt.
    """
    if not idempotency_key:
        return None
    existing = Appeal.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None and existing.content_hash != content_hash:
        raise AppealInputError(
            _("This key was already used for a different appeal."), field="Idempotency-Key"
        )
    return existing


@dataclass
class _Intake:
    """A submission that passed the checks: what it is about, where, and who answers it."""

    category: Category | None
    officer: Officer | None
    lat: float | None
    lon: float | None
    files: list[tuple[bytes, str]]
    department: Department
    precinct: Precinct | None


def _checked_and_routed(
    *,
    type,
    channel,
    text,
    contact,
    category_code,
    about_officer_id,
    lat,
    lon,
    department_id,
    address,
    attachments,
) -> _Intake:
    """Every rule of the intake in turn, then the route; all refusals are raised together."""
    conf = settings.PRECINCT_APPEALS
    errors: dict[str, str] = {}
    _check_kind(type=type, channel=channel, errors=errors)
    check_text(text, errors)
    check_contact(anonymous_allowed=type == AppealType.OFFENCE, **contact, errors=errors)
    category = _category(category_code, errors)
    officer = _officer(about_officer_id, errors)
    destination = None
    if "about_officer_id" not in errors:
        try:
            destination = routing.appeal_destination(
                lat=lat, lon=lon, address=address, department_id=department_id, officer=officer
            )
        except AppealInputError as exc:
            errors.update(exc.errors)
    files = check_attachments(
        attachments,
        max_bytes=conf["ATTACHMENT_MAX_BYTES"],
        max_count=conf["ATTACHMENTS_MAX"],
        errors=errors,
    )
    if errors:
        raise AppealInputError.of_fields(errors)
    return _Intake(
        category,
        officer,
        destination.lat,
        destination.lon,
        files,
        destination.department,
        destination.precinct,
    )


def _check_kind(*, type: str, channel: str, errors: dict) -> None:
    if type not in AppealType.values:
        errors["type"] = _("Choose one of: %(v)s.") % {"v": ", ".join(AppealType.values)}
    if channel not in Channel.values:
        errors["channel"] = _("Unknown channel.")


def _category(code: str | None, errors: dict) -> Category | None:
    """The active category named by its code (none is fine: inspectors handle it)."""
    if not code:
        return None
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        errors["category"] = _("Unknown category.")
    return category


def _officer(officer_id: int | None, errors: dict) -> Officer | None:
    """The officer a complaint is about, with the department above his."""
    if officer_id is None:
        return None
    officer = Officer.objects.select_related("department__parent").filter(pk=officer_id).first()
    if officer is None:
        errors["about_officer_id"] = _("Unknown officer.")
    return officer


def _twin_or_refuse_flood(*, client_hash: str, content_hash: str, now) -> Appeal | None:
    """The same appeal from the same client moments ago, if any; too many in the last hour
    is refused. One indexed query answers both."""
    conf = settings.PRECINCT_APPEALS
    hour_ago = now - dt.timedelta(hours=1)
    window = now - dt.timedelta(seconds=conf["DOUBLE_SUBMIT_SECONDS"])
    seen = Appeal.objects.filter(
        client_hash=client_hash, registered_at__gte=min(window, hour_ago)
    ).aggregate(
        recent=Count("id", filter=Q(registered_at__gte=hour_ago)),
        twin=Max("id", filter=Q(content_hash=content_hash, registered_at__gte=window)),
    )
    if seen["twin"] is not None:
        return Appeal.objects.get(pk=seen["twin"])
    if seen["recent"] >= conf["SUBMISSIONS_PER_HOUR"]:
        raise RateLimited(_("Too many submissions; try again later."))
    return None


def _check_registrar(registered_by, department: Department) -> None:
    """An official registers appeals only for departments in his scope."""
    if registered_by is not None and not access.can_register_appeal(registered_by, department):
        raise PermissionDenied


def _new_appeal(
    intake: _Intake, *, type, channel, text, contact, address, language, registered_by, now
) -> Appeal:
    """The appeal to store, with its service and legal deadlines (not yet numbered)."""
    registered_on = _local_date(now)
    category, officer = intake.category, intake.officer
    forwarding = category is not None and category.outside_competence
    return Appeal(
        registration_number=f"tmp-{uuid.uuid4().hex[:16]}",
        tracking_code=secrets.token_urlsafe(18),
        type=type,
        channel=channel,
        category=category,
        text=text.strip(),
        lat=intake.lat,
        lon=intake.lon,
        address=address[:300],
        precinct=intake.precinct,
        department=intake.department,
        service=category.service if category else "inspectors",
        about_officer=officer,
        hidden_from_department=officer.department if officer else None,
        contact_name=contact["name"],
        contact_phone=contact["phone"],
        contact_email=contact["email"],
        language=language[:5],
        registered_at=now,
        registered_by=registered_by,
        due_date=deadlines.answer_due(registered_on),
        forward_due_date=deadlines.forward_due(registered_on) if forwarding else None,
        forwarded_to=category.forward_to if forwarding else "",
    )


def _store_once(
    appeal: Appeal, *, files: list[tuple[bytes, str]], now, public: bool
) -> tuple[Appeal, bool]:
    """Store the appeal, or return the one it repeats.

    For a public submission the count of the client's last hour and the insert are one
    transaction, taken by one submission of that client at a time: otherwise 21 sent at
    once all count 19 and pass. When a retry with the same idempotency key raced this one
    and stored it first, that one is returned (after the failed transaction, so that no
    savepoint is paid on every submission).
    """
    try:
        with transaction.atomic():
            if public and appeal.client_hash:
                appeal.pk = _one_at_a_time_per_client(appeal.client_hash)
                twin = _twin_or_refuse_flood(
                    client_hash=appeal.client_hash, content_hash=appeal.content_hash, now=now
                )
                if twin is not None:
                    return _keyed_or(twin, appeal), False
            _store(appeal, files=files, now=now)
    except IntegrityError:
        earlier = _replay(appeal.idempotency_key, appeal.content_hash)
        if earlier is None:
            raise
        return earlier, False
    return appeal, True


def _keyed_or(twin: Appeal, appeal: Appeal) -> Appeal:
    """The appeal stored under the submission's idempotency key if it has one and the key
    is not the twin's (a key reused for another appeal is refused), else the twin."""
    if appeal.idempotency_key and appeal.idempotency_key != twin.idempotency_key:
        return _replay(appeal.idempotency_key, appeal.content_hash) or twin
    return twin


def _store(appeal: Appeal, *, files: list[tuple[bytes, str]], now) -> None:
    """Save numbered by the year and the row's id (one INSERT when the id is reserved,
    else an UPDATE after it), attach the files, record the first event (and the
    official's entry in the audit log), and queue the resident's receipt."""
    if appeal.pk is None:
        appeal.save()
        appeal.registration_number = _registration_number(appeal.pk, now)
        appeal.save(update_fields=["registration_number"])
    else:
        appeal.registration_number = _registration_number(appeal.pk, now)
        appeal.save(force_insert=True)
    for data, content_type in files:
        _attach(appeal, data, content_type)
    _event(appeal, now, appeal.registered_by, "registered", "", Status.REGISTERED)
    if appeal.registered_by is not None:
        audit_record(
            actor=appeal.registered_by,
            action="create",
            subject=appeal,
            fields=[f for f in CONTACT_FIELDS if getattr(appeal, f)] + ["text"],
            context=f"appeal registered by {appeal.channel}",
        )
    notify_resident(appeal=appeal, event="registered")


def _registration_number(appeal_id: int, now) -> str:
    return f"{_local_date(now):%Y}-{appeal_id:07d}"


def _attach(appeal: Appeal, data: bytes, content_type: str) -> None:
    """Store one checked file under a random name (never the name the resident gave)."""
    stored = Attachment(appeal=appeal, content_type=content_type, size=len(data))
    ext = content_type.split("/")[1].replace("jpeg", "jpg")
    stored.file.save(f"{uuid.uuid4().hex}.{ext}", ContentFile(data), save=True)


def _event(
    appeal, at, actor, kind, from_status, to_status, note="", new_due_date=None, public=True
) -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal,
        at=at,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        new_due_date=new_due_date,
        public=public,
    )


def _transition(
    appeal: Appeal, *, actor, to: str, kind: str, note: str = "", now=None, public=True, fields=()
) -> None:
    now = now or timezone.now()
    before = appeal.status
    appeal.status = to
    appeal.save(update_fields=["status", *fields])
    _event(appeal, now, actor, kind, before, to, note=note, public=public)


def _locked(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update().get(pk=appeal.pk)


@transaction.atomic
def appeal_assign(*, actor, appeal: Appeal, assignee, note: str = "") -> Appeal:
    """A head gives the appeal to an officer who may see it."""
    appeal = _locked(appeal)
    if not access.can_manage_appeal(actor, appeal):
        raise PermissionDenied
    if not access.can_be_assigned_appeal(assignee, appeal):
        raise AppealInputError(_("This officer cannot take this appeal."), field="assignee")
    if not appeal.is_open:
        raise AppealInputError(_("The appeal is not open."), field="status")
    appeal.assigned_to = assignee
    _transition(
        appeal,
        actor=actor,
        to=Status.ASSIGNED,
        kind="assigned",
        note=note,
        public=False,
        fields=["assigned_to"],
    )
    notify_resident(appeal=appeal, event="assigned")
    return appeal


@transaction.atomic
def appeal_start(*, actor, appeal: Appeal) -> Appeal:
    appeal = _locked(appeal)
    if not access.can_answer_appeal(actor, appeal):
        raise PermissionDenied
    if appeal.status not in (Status.REGISTERED, Status.ASSIGNED):
        raise AppealInputError(_("The appeal is not waiting to be started."), field="status")
    _transition(appeal, actor=actor, to=Status.IN_PROGRESS, kind="started")
    return appeal


@transaction.atomic
def appeal_answer(*, actor, appeal: Appeal, answer: str, now=None) -> Appeal:
    """The answer to the resident; on time if given by the due date."""
    now = now or timezone.now()
    appeal = _locked(appeal)
    if not access.can_answer_appeal(actor, appeal):
        raise PermissionDenied
    if not appeal.is_open:
        raise AppealInputError(_("The appeal is not open."), field="status")
    if not answer.strip():
        raise AppealInputError(_("Write the answer."), field="answer")
    answered_on = _local_date(now)
    appeal.answer = answer.strip()
    appeal.answered_at = now
    appeal.answered_on_time = answered_on <= appeal.due_date
    appeal.working_days_to_answer = deadlines.working_days_between(
        _local_date(appeal.registered_at), answered_on
    )
    _transition(
        appeal,
        actor=actor,
        to=Status.ANSWERED,
        kind="answered",
        now=now,
        fields=["answer", "answered_at", "answered_on_time", "working_days_to_answer"],
    )
    notify_resident(appeal=appeal, event="answered")
    return appeal


@transaction.atomic
def appeal_extend(*, actor, appeal: Appeal, new_due_date: dt.date, reason: str, now=None) -> Appeal:
    """The head or his deputy extends the time to answer by a reasoned decision, to at
    most two months from receipt (APPC art. 76); the applicant is told, and that message
    carries its own legal date (3 working days)."""
    now = now or timezone.now()
    appeal = _locked(appeal)
    if not access.can_extend_appeal(actor, appeal):
        raise PermissionDenied
    errors, code = {}, None
    if not reason.strip():
        errors["reason"] = _("An extension needs the head's reasons.")
    latest = deadlines.extension_latest(selectors.appeal_received_on(appeal=appeal))
    if new_due_date <= appeal.due_date:
        errors["due_date"] = _("The new date must be after the current due date.")
    elif new_due_date > latest:
        errors["due_date"] = beyond_extension_cap(latest)
        code = "extension_beyond_legal_cap"
    if not appeal.is_open:
        errors["status"] = _("The appeal is not open.")
    if errors:
        raise AppealInputError.of_fields(errors, code=code)
    appeal.due_date = new_due_date
    appeal.extended = True
    appeal.save(update_fields=["due_date", "extended"])
    _event(
        appeal,
        now,
        actor,
        "extended",
        appeal.status,
        appeal.status,
        note=reason.strip(),
        new_due_date=new_due_date,
    )
    notify_resident(
        appeal=appeal,
        event="extended",
        due_date=deadlines.extension_notice_due(_local_date(now)),
    )
    return appeal


def beyond_extension_cap(latest: dt.date) -> str:
    """The refusal of a date past the legal cap, naming the rule and its source."""
    months = deadlines.limits()["EXTENSION_MAX_MONTHS"]
    return ngettext(
        "An extension may reach at most %(months)d month from receipt (%(source)s): "
        "%(date)s at the latest.",
        "An extension may reach at most %(months)d months from receipt (%(source)s): "
        "%(date)s at the latest.",
        months,
    ) % {"months": months, "source": deadlines.LEGAL_SOURCE, "date": latest.strftime("%d.%m.%Y")}


@transaction.atomic
def appeal_forward(*, actor, appeal: Appeal, to: str, note: str = "", now=None) -> Appeal:
    """An appeal outside the police's competence goes to the competent body, and the
    applicant is told at the same time (APPC art. 76); forwarding is due within 3 working
    days of receipt, which the measures check."""
    now = now or timezone.now()
    appeal = _locked(appeal)
    if not access.can_manage_appeal(actor, appeal):
        raise PermissionDenied
    errors = {}
    if not to.strip():
        errors["to"] = _("Name the body it is forwarded to.")
    if not appeal.is_open:
        errors["status"] = _("The appeal is not open.")
    if errors:
        raise AppealInputError.of_fields(errors)
    appeal.forwarded_to = to.strip()[:200]
    appeal.closed_at = now
    if appeal.forward_due_date is None:
        # Found outside competence while at work on it: the law's 3 days still ran from receipt.
        appeal.forward_due_date = deadlines.forward_due(selectors.appeal_received_on(appeal=appeal))
    _transition(
        appeal,
        actor=actor,
        to=Status.FORWARDED,
        kind="forwarded",
        note=note or appeal.forwarded_to,
        now=now,
        fields=["forwarded_to", "closed_at", "forward_due_date"],
    )
    notify_resident(appeal=appeal, event="forwarded", due_date=appeal.forward_due_date)
    return appeal


@transaction.atomic
def appeal_close(*, actor, appeal: Appeal, note: str = "") -> Appeal:
    appeal = _locked(appeal)
    if not access.can_manage_appeal(actor, appeal):
        raise PermissionDenied
    if appeal.status != Status.ANSWERED:
        raise AppealInputError(_("Only an answered appeal can be closed."), field="status")
    appeal.closed_at = timezone.now()
    _transition(
        appeal, actor=actor, to=Status.CLOSED, kind="closed", note=note, fields=["closed_at"]
    )
    return appeal


@transaction.atomic
def appeal_rate(
    *, appeal: Appeal, rating: int, comment: str = "", request_review: bool = False, now=None
) -> Appeal:
    """The resident rates the answer 1–5; a low rating may ask for review one level up."""
    now = now or timezone.now()
    appeal = _locked(appeal)
    errors = {}
    if appeal.status not in (Status.ANSWERED, Status.CLOSED):
        errors["rating"] = _("Only an answered appeal can be rated.")
    elif not appeal.awaits_rating:
        errors["rating"] = _("This answer is already rated.")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        errors["rating"] = _("Rate from 1 to 5.")
    if request_review and rating is not None and rating > 2:
        errors["request_review"] = _("A review is asked for with a rating of 1 or 2.")
    if errors:
        raise AppealInputError.of_fields(errors)
    appeal.rating, appeal.rating_comment, appeal.rated_at = rating, comment.strip()[:2000], now
    appeal.save(update_fields=["rating", "rating_comment", "rated_at"])
    _event(appeal, now, None, "rated", appeal.status, appeal.status, note=f"{rating}/5")
    if request_review:
        _reopen(appeal, now)
    return appeal


def _reopen(appeal: Appeal, now) -> None:
    """Review one level up: the parent department answers afresh with a new deadline."""
    before = appeal.status
    appeal.department = appeal.department.parent or appeal.department
    appeal.status = Status.REGISTERED
    appeal.reopened_count += 1
    appeal.assigned_to = None
    appeal.escalated_at = None
    appeal.answered_at = None
    appeal.answered_on_time = None
    appeal.working_days_to_answer = None
    appeal.closed_at = None
    # The rating stays: it is what the resident gave the answer under review (and what the
    # statistics count); the new answer is rated afresh (``awaits_rating``).
    appeal.due_date = deadlines.answer_due(_local_date(now))
    appeal.save()
    _event(
        appeal,
        now,
        None,
        "reopened",
        before,
        Status.REGISTERED,
        note=_("Review asked for by the resident"),
        new_due_date=appeal.due_date,
    )
    notify_resident(appeal=appeal, event="registered")


_NOT_DIGITS = re.compile(r"\D")


def _contact_key(value: str) -> str:
    """A phone as its digits (a Kazakh "8 701…" is "+7 701…"), an e-mail in lower case."""
    value = (value or "").strip()
    if "@" in value:
        return value.lower()
    digits = _NOT_DIGITS.sub("", value)
    return "7" + digits[1:] if len(digits) == 11 and digits[0] == "8" else digits


def _contact_matches(appeal: Appeal | None, given: str) -> bool:
    """Whether ``given`` is the appeal's phone or e-mail, compared in constant time against
    both (and against blanks when there is no appeal), so timing tells nothing."""
    stored = [appeal.contact_phone, appeal.contact_email] if appeal else ["", ""]
    given_key = _contact_key(given).encode()
    matches = [hmac.compare_digest(_contact_key(v).encode(), given_key) for v in stored]
    return bool(given_key) and any(matches)


def _refuse_lookup_flood(client_hash: str, now) -> None:
    limit = settings.PRECINCT_APPEALS["TRACK_MISSES_PER_HOUR"]
    since = now - dt.timedelta(hours=1)
    if TrackingMiss.objects.filter(client_hash=client_hash, at__gte=since).count() >= limit:
        raise TooManyLookups(_("Too many unsuccessful attempts; try again in an hour."))


def appeal_find_for_resident(
    *, client: str, code: str = "", number: str = "", contact: str = "", now=None
) -> Appeal | None:
    """The resident's own appeal, by its tracking code or by its registration number with
    the phone or e-mail given in it; None when nothing matches.

    Every miss is recorded against a keyed hash of the client, and after
    ``TRACK_MISSES_PER_HOUR`` misses in an hour every look-up from it is refused
    (``TooManyLookups``), so neither codes nor number/contact pairs can be guessed. A wrong
    contact and an unknown number are the same miss: nothing tells them apart.
    """
    now = now or timezone.now()
    client_hash = client_fingerprint(client or "unknown")
    _refuse_lookup_flood(client_hash, now)
    found = None
    if code:
        found = Appeal.objects.filter(tracking_code=code[:40]).first()
    elif number.strip():
        appeal = Appeal.objects.filter(registration_number=number.strip()[:20]).first()
        found = appeal if _contact_matches(appeal, contact) else None
    if found is None:
        # Only the last hour counts: older misses go as new ones come (an indexed range).
        TrackingMiss.objects.filter(at__lt=now - dt.timedelta(days=1)).delete()
        TrackingMiss.objects.create(client_hash=client_hash, at=now)
    return found


def appeals_escalate_overdue(*, now: dt.datetime) -> int:
    """Open appeals past their due date are escalated to their department's heads, once."""
    overdue = Appeal.objects.filter(
        status__in=OPEN_STATUSES, due_date__lt=_local_date(now), escalated_at__isnull=True
    )
    return _escalate(
        overdue,
        now=now,
        flag="escalated_at",
        kind="escalated",
        note=_("Overdue: escalated to the head"),
        message=_("Appeal %(n)s is overdue (due %(d)s)"),
        due=lambda appeal: appeal.due_date,
    )


def appeals_escalate_unforwarded(*, now: dt.datetime) -> int:
    """Appeals outside the police's competence still not forwarded after their forward
    date are escalated to their department's heads, once."""
    late = Appeal.objects.filter(
        status__in=OPEN_STATUSES,
        forward_due_date__lt=_local_date(now),
        forward_escalated_at__isnull=True,
    )
    return _escalate(
        late,
        now=now,
        flag="forward_escalated_at",
        kind="forward_overdue",
        note=_("Not forwarded in time: escalated to the head"),
        message=_("Appeal %(n)s is not forwarded yet (forward by %(d)s)"),
        due=lambda appeal: appeal.forward_due_date,
    )


def _escalate(queryset, *, now, flag: str, kind: str, note: str, message: str, due) -> int:
    """Mark each appeal (at most 1,000 a run), record an internal event and e-mail the
    department's active heads; the flag keeps it from being escalated twice."""
    appeals = list(queryset.select_related("department")[:1000])
    for appeal in appeals:
        with transaction.atomic():
            setattr(appeal, flag, now)
            appeal.save(update_fields=[flag])
            _event(appeal, now, None, kind, appeal.status, appeal.status, note=note, public=False)
            heads = appeal.department.officers.filter(role=Officer.Role.HEAD, is_active=True)
            notify_staff(
                appeal=appeal,
                event=kind[:20],
                emails=[h.email for h in heads],
                text=message % {"n": appeal.registration_number, "d": due(appeal).isoformat()},
            )
    return len(appeals)
