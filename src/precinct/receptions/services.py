"""The only writers of receptions: hours, bookings, cancellations and outcomes.

Keyword-only, one transaction each. What a resident raised at a reception becomes an
appeal through ``appeals.intake``, the appeals app's one entry for other apps.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.accounts import access
from precinct.appeals import intake
from precinct.appeals.models import AppealType
from precinct.audit.services import audit_record
from precinct.core.errors import DomainError
from precinct.core.hashing import private_hash
from precinct.core.phones import looks_like_phone
from precinct.receptions.models import Booking, CancelAttempt, ReceptionSlot
from precinct.territory.models import Officer

# Confirmation codes: 10 characters of Crockford's base32 (50 bits; no I, L, O or U to
# misread). Codes of 8 hex digits given before stay valid: they are still looked up as typed.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
# What a resident may type for a look-alike character.
_CODE_READINGS = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


def new_booking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalized_code(code: str) -> str:
    """The code as stored, from what a resident typed: case, spaces, dashes and look-alike
    letters do not matter."""
    return code.strip().upper().translate(_CODE_READINGS)


class CancelLimited(DomainError):
    """Too many wrong codes from one client: guessing must not pay."""

    status = 429
    code = "rate_limited"


class ReceptionInputError(DomainError):
    """A reception hour, booking or outcome refused, with a message per field."""


def _refuse(errors: dict[str, str]) -> None:
    """Raise the errors found, if any, as one refusal of every field named."""
    if errors:
        raise ReceptionInputError.of_fields(errors)


@transaction.atomic
def reception_slot_create(
    *,
    actor,
    head: Officer,
    starts_at: dt.datetime,
    place: str,
    capacity: int = 5,
    minutes: int = 60,
    language: str = "ru",
) -> ReceptionSlot:
    """A head publishes an hour of reception."""
    if not access.can_manage_receptions(actor, head.department):
        raise PermissionDenied
    errors = {}
    if head.role != Officer.Role.HEAD:
        errors["head"] = _("Receptions are held by heads of departments.")
    if not place.strip():
        errors["place"] = _("Say where the reception is held.")
    if capacity < 1:
        errors["capacity"] = _("At least one place.")
    _refuse(errors)
    return ReceptionSlot.objects.create(
        department=head.department,
        head=head,
        starts_at=starts_at,
        place=place.strip(),
        capacity=capacity,
        minutes=minutes,
        language=language,
    )


@transaction.atomic
def reception_schedule_publish(
    *,
    actor,
    head: Officer,
    first_start: dt.datetime,
    weeks: int,
    place: str,
    capacity: int = 5,
    minutes: int = 60,
    language: str = "ru",
) -> list[ReceptionSlot]:
    """A head's weekly reception: the same hour every week for ``weeks`` weeks."""
    if not 1 <= weeks <= 52:
        _refuse({"weeks": _("From 1 to 52 weeks.")})
    return [
        reception_slot_create(
            actor=actor,
            head=head,
            starts_at=first_start + dt.timedelta(weeks=k),
            place=place,
            capacity=capacity,
            minutes=minutes,
            language=language,
        )
        for k in range(weeks)
    ]


def _check_resident(*, name: str, phone: str, topic: str, errors: dict) -> None:
    """A booking names the resident, a phone to reach him and what he wants to discuss."""
    if not name.strip():
        errors["name"] = _("Give your name.")
    if not phone.strip():
        errors["phone"] = _("Give a phone number: the head's office may need to reach you.")
    elif not looks_like_phone(phone.strip()):
        errors["phone"] = _("Enter a phone number such as +7 701 234 56 78.")
    if not topic.strip():
        errors["topic"] = _("Say briefly what you want to discuss.")


@transaction.atomic
def booking_create(
    *, slot_id: int, name: str, phone: str, topic: str, now: dt.datetime | None = None
) -> Booking:
    """A resident books a place without an account and gets a confirmation code."""
    now = now or timezone.now()
    slot = ReceptionSlot.objects.select_for_update().filter(pk=slot_id, cancelled=False).first()
    errors: dict[str, str] = {}
    if slot is None or slot.starts_at <= now:
        errors["slot_id"] = _("This reception is not open for booking.")
    _check_resident(name=name, phone=phone, topic=topic, errors=errors)
    _refuse(errors)
    # The slot's row is locked (select_for_update; SQLite's IMMEDIATE transactions write
    # one at a time): two residents after the last place cannot both count it free.
    if slot.bookings.filter(state=Booking.State.BOOKED).count() >= slot.capacity:
        raise ReceptionInputError(
            _("This reception is fully booked."), field="slot_id", code="fully_booked", status=409
        )
    return Booking.objects.create(
        slot=slot,
        code=new_booking_code(),
        name=name.strip(),
        phone=phone.strip(),
        topic=topic.strip(),
        booked_at=now,
    )


def booking_cancel(*, code: str, client: str = "", now: dt.datetime | None = None) -> Booking:
    """The resident cancels with the confirmation code; no account is needed.

    A client with too many wrong codes in the last hour is refused before the code is
    even looked at; each wrong code counts (committed, though the refusal is raised).
    """
    now = now or timezone.now()
    client_hash = private_hash(client, purpose="reception-cancel") if client else ""
    if client_hash:
        _refuse_a_guesser(client_hash, now)
    booking = _cancel(code)
    if booking is None:
        if client_hash:
            _count_wrong_code(client_hash, now)
        _refuse({"code": _("No active booking with this code.")})
    return booking


@transaction.atomic
def _cancel(code: str) -> Booking | None:
    booking = Booking.objects.select_for_update().filter(code=normalized_code(code)).first()
    if booking is None or booking.state != Booking.State.BOOKED:
        return None
    booking.state = Booking.State.CANCELLED
    booking.save(update_fields=["state"])
    return booking


def _refuse_a_guesser(client_hash: str, now: dt.datetime) -> None:
    conf = settings.PRECINCT_RECEPTIONS
    since = now - dt.timedelta(hours=1)
    wrong = CancelAttempt.objects.filter(client_hash=client_hash, at__gte=since).count()
    if wrong >= conf["CANCEL_ATTEMPTS_PER_HOUR"]:
        raise CancelLimited(_("Too many wrong codes; try again in an hour."), field="code")


def _count_wrong_code(client_hash: str, now: dt.datetime) -> None:
    """Record a wrong code, and forget those older than the hour the limit looks at."""
    CancelAttempt.objects.create(client_hash=client_hash, at=now)
    CancelAttempt.objects.filter(at__lt=now - dt.timedelta(hours=1)).delete()


@transaction.atomic
def booking_record_outcome(
    *,
    actor,
    booking: Booking,
    attended: bool,
    outcome: str = "",
    register_appeal_type: str | None = None,
    register_category: str | None = None,
) -> Booking:
    """The head records what happened; optionally the topic becomes a registered appeal
    (of the category he chooses, so the theme counts among what residents raised)."""
    booking = Booking.objects.select_for_update().select_related("slot").get(pk=booking.pk)
    if not access.can_manage_receptions(actor, booking.slot.department):
        raise PermissionDenied
    if register_appeal_type and register_appeal_type not in AppealType.values:
        _refuse({"register_as": _("Choose one of the kinds of appeal.")})
    booking.state = Booking.State.ATTENDED if attended else Booking.State.NO_SHOW
    booking.outcome = outcome.strip()
    if register_appeal_type:
        booking.appeal = intake.appeal_register_from_reception(
            actor=actor,
            department_id=booking.slot.department_id,
            type=register_appeal_type,
            text=booking.topic,
            contact_name=booking.name,
            contact_phone=booking.phone,
            category_code=register_category or None,
        )
    booking.save(update_fields=["state", "outcome", "appeal"])
    audit_record(
        actor=actor,
        action="update",
        subject=booking,
        fields=["outcome"],
        context="reception outcome",
    )
    return booking
