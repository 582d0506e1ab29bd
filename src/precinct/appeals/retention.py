"""What appeals keeps past its retention period, blanked (core/retention.py runs it).

Contacts of finished appeals, the client's keyed address hash, the recipient and text of
finished notifications, and the files the file gateways wrote. Appeals themselves stay,
with their text, answer and dates: the register and its figures outlive the contacts.
"""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce

from precinct.appeals.models import OPEN_STATUSES, Appeal, Notification
from precinct.core.retention import cutoff


def purge(*, now: dt.datetime) -> dict[str, int]:
    finished = Appeal.objects.exclude(status__in=OPEN_STATUSES).alias(
        finished_at=Coalesce("closed_at", "answered_at", "registered_at")
    )
    contacts = finished.filter(finished_at__lt=cutoff("appeal_contacts", now)).exclude(
        contact_name="", contact_phone="", contact_email=""
    )
    hashes = Appeal.objects.filter(registered_at__lt=cutoff("appeal_client_hashes", now))
    notes = Notification.objects.filter(
        ~Q(state=Notification.State.PENDING),
        created_at__lt=cutoff("notification_bodies", now),
    ).exclude(recipient="", subject="", body="")
    return {
        "appeal_contacts": contacts.update(contact_name="", contact_phone="", contact_email=""),
        "appeal_client_hashes": hashes.exclude(client_hash="").update(client_hash=""),
        "notification_bodies": notes.update(recipient="", subject="", body=""),
        "gateway_files": _delete_files_before(
            [Path(settings.PRECINCT_SMS_DIR), Path(settings.EMAIL_FILE_PATH)],
            cutoff("gateway_files", now),
        ),
    }


def _delete_files_before(directories: list[Path], before: dt.datetime) -> int:
    """Delete the message files last written before ``before`` (partial ones included)."""
    deleted = 0
    limit = before.timestamp()
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in directory.iterdir():
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
                deleted += 1
    return deleted
