"""The one writer of the audit log."""

from collections.abc import Iterable

from django.db import connection, models, transaction

from precinct.audit.models import AuditEntry, PurgeWindow


def audit_record(
    *,
    actor,
    action: str,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: str = "",
    fields: Iterable[str] = (),
    context: str = "",
) -> AuditEntry:
    """Append one entry; ``subject`` may be given as a model instance or as type and id."""
    if subject is not None:
        subject_type = subject._meta.label_lower
        subject_id = str(subject.pk)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_username=user.get_username() if user else "anonymous",
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        fields=sorted(fields),
        context=context[:200],
    )


def audit_read_many(*, actor, objects: Iterable[models.Model], fields: Iterable[str], context: str):
    """Record a read of personal fields of several objects in one insert."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    field_list = sorted(fields)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=user,
            actor_username=user.get_username() if user else "anonymous",
            action=AuditEntry.Action.READ,
            subject_type=obj._meta.label_lower,
            subject_id=str(obj.pk),
            fields=field_list,
            context=context[:200],
        )
        for obj in objects
    )


@transaction.atomic
def audit_purge(*, actor, before, reason: str) -> int:
    """Delete entries older than ``before`` (a retention rule), and log that it happened."""
    window = PurgeWindow.objects.create(reason=reason[:200])
    # QuerySet.delete() is refused by AuditQuerySet; the database checks the window.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE at < %s", [before])
        deleted = cursor.rowcount
    window.delete()
    audit_record(
        actor=actor,
        action=AuditEntry.Action.DELETE,
        subject_type="audit.auditentry",
        subject_id=f"before {before:%Y-%m-%d}",
        context=f"retention purge of {deleted} entries: {reason}"[:200],
    )
    return deleted
