"""Readers of the integrity registry: every read of individual records is audited.

Aggregate counts (for scorecards and the public) are the read surface, ``metrics``."""

import datetime as dt

from precinct.audit.services import audit_read_many
from precinct.integrity.models import Offence, Responsibility
from precinct.territory.models import Department, Officer

READ_FIELDS = ["officer", "kind", "article", "outcome", "summary"]


def offences_of_department(
    *, actor, department: Department, since: dt.date | None = None
) -> list[Offence]:
    """Offences in a department and below it, newest first (audited)."""
    qs = Offence.objects.filter(department__path__startswith=department.path).select_related(
        "officer", "department"
    )
    if since is not None:
        qs = qs.filter(occurred_on__gte=since)
    offences = list(qs.prefetch_related("responsible__head"))
    audit_read_many(
        actor=actor,
        objects=offences,
        fields=READ_FIELDS,
        context=f"integrity of department {department.pk}",
    )
    return offences


def head_record(*, actor, head: Officer) -> list[Responsibility]:
    """The offences a head answers for (his subordinates' on the dates he headed them)."""
    rows = list(
        Responsibility.objects.filter(head=head)
        .select_related("offence", "offence__officer", "offence__department", "department")
        .order_by("-offence__occurred_on")
    )
    audit_read_many(
        actor=actor,
        objects=[r.offence for r in rows],
        fields=READ_FIELDS,
        context=f"record of head {head.pk}",
    )
    return rows
