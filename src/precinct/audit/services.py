"""The one writer of the audit log."""

from collections.abc import Iterable

from django.db import models

from precinct.audit.models import AuditEntry


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
