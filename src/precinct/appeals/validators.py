"""Checks of what residents send, each a named rule returning field errors."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from precinct.core.errors import DomainError
from precinct.core.phones import looks_like_phone

MAX_TEXT = 10_000

# File signatures: the type is decided by the first bytes, never by the name.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)


class AppealInputError(DomainError):
    """Bad input: ``errors`` holds a message per field (``of_fields`` for a whole form)."""


def sniff_content_type(head: bytes) -> str | None:
    """The content type from the file's first bytes (JPEG, PNG, GIF, WebP, PDF) or None."""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_text(text: str, errors: dict) -> None:
    if not text or not text.strip():
        errors["text"] = _("Describe what happened or what you ask for.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("The text is longer than %(n)s characters.") % {"n": MAX_TEXT}


def check_contact(*, anonymous_allowed: bool, name: str, phone: str, email: str, errors: dict):
    """Contacts are required, except for reports of offences or threats."""
    if phone and not looks_like_phone(phone):
        errors["contact.phone"] = _("Enter a phone number such as +7 701 234 56 78.")
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors["contact.email"] = _("Enter a valid e-mail address.")
    if anonymous_allowed:
        return
    if not name.strip():
        errors["contact.name"] = _(
            "Your name is required (only reports of offences may be anonymous)."
        )
    if not phone and not email:
        errors["contact.phone"] = errors.get("contact.phone") or _(
            "Give a phone number or an e-mail address for the answer."
        )


def check_place(*, lat, lon, department_id, errors: dict) -> None:
    if (lat is None) != (lon is None):
        errors["lat" if lat is None else "lon"] = _("Give both latitude and longitude.")
        return
    if lat is not None and not (-90 <= lat <= 90):
        errors["lat"] = _("Latitude must lie between -90 and 90.")
    if lon is not None and not (-180 <= lon <= 180):
        errors["lon"] = _("Longitude must lie between -180 and 180.")
    if lat is None and department_id is None:
        errors["department_id"] = _("Give the place on the map or choose a department.")


def check_attachments(files, *, max_bytes: int, max_count: int, errors: dict) -> list:
    """(name, bytes) pairs → (bytes, content type); the type is read from the content."""
    checked = []
    if len(files) > max_count:
        errors["attachments"] = _("At most %(n)s files.") % {"n": max_count}
        return checked
    for i, (_name, data) in enumerate(files):
        field = f"attachments.{i}"
        if len(data) > max_bytes:
            errors[field] = _("The file is larger than %(mb)s MB.") % {"mb": max_bytes // 2**20}
            continue
        content_type = sniff_content_type(data[:16])
        if content_type is None:
            errors[field] = _("Only images (JPEG, PNG, GIF, WebP) and PDF files are accepted.")
            continue
        checked.append((data, content_type))
    return checked
