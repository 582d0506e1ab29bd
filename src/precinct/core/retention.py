"""Retention of personal data: each app blanks what is past its period, one audited run.

The periods are ``PRECINCT_RETENTION_DAYS`` (settings, with each one's source), the steps
each app's ``retention.purge`` named in ``RETENTION_STEPS`` (dotted paths, as the demo's
steps: core imports no app). A run blanks contacts and phones in place, keeping the rows
and their figures (deadlines met, response times), deletes expired gateway files, then
purges the audit log's own expired entries, and records one audit entry with the counts
(never a name, phone or text). ``precinct worker`` runs it once every
``PRECINCT_RETENTION_PURGE_HOURS``; ``precinct purge_personal_data`` runs it now.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from precinct.audit.models import AuditEntry
from precinct.audit.services import audit_purge, audit_record

RETENTION_STEPS: list[str] = [
    "precinct.appeals.retention.purge",
    "precinct.dispatch.retention.purge",
    "precinct.receptions.retention.purge",
    "precinct.alerts.retention.purge",
]
AUDIT_SUBJECT = "retention"


def cutoff(kind: str, now: dt.datetime) -> dt.datetime:
    """Data of this kind from before the returned moment is past retention."""
    return now - dt.timedelta(days=settings.PRECINCT_RETENTION_DAYS[kind])


def personal_data_purge(*, now: dt.datetime | None = None, actor=None, how: str) -> dict:
    """Blank or delete what is past retention; the counts per kind (also in the audit log)."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    with transaction.atomic():
        for step in RETENTION_STEPS:
            counts.update(import_string(step)(now=now))
        counts["audit_entries"] = audit_purge(
            actor=actor, before=cutoff("audit_entries", now), reason="retention period"
        )
        summary = " ".join(f"{kind}={n}" for kind, n in sorted(counts.items()))
        audit_record(
            actor=actor,
            action=AuditEntry.Action.DELETE,
            subject_type=AUDIT_SUBJECT,
            subject_id=f"{now:%Y-%m-%d %H:%M}",
            fields=counts,
            context=f"{how}: {summary}",
        )
    return counts


def last_purge_at() -> dt.datetime | None:
    entry = AuditEntry.objects.filter(subject_type=AUDIT_SUBJECT).order_by("-at").first()
    return entry.at if entry else None


def personal_data_purge_if_due() -> dict | None:
    """The worker's periodic job: purge when the last audited run is old enough.

    The audit log is the schedule, so restarts and several workers do not purge more
    often than ``PRECINCT_RETENTION_PURGE_HOURS``.
    """
    now = timezone.now()
    last = last_purge_at()
    if last and now - last < dt.timedelta(hours=settings.PRECINCT_RETENTION_PURGE_HOURS):
        return None
    return personal_data_purge(now=now, how="scheduled")
