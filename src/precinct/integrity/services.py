"""Writers of the integrity registry; every write is audited."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from precinct.audit.models import AuditEntry
from precinct.audit.services import audit_record
from precinct.core.errors import DomainError
from precinct.integrity.models import HeadTerm, Offence, Responsibility
from precinct.territory.models import Department, Officer


class IntegrityRuleError(DomainError):
    """A registry write that breaks a rule; ``field`` names what is wrong."""


@transaction.atomic
def head_term_start(
    *, officer: Officer, department: Department, starts_on: dt.date, actor=None
) -> HeadTerm:
    """Make an officer the head of a department from a date, ending the previous term."""
    if officer.role != Officer.Role.HEAD:
        raise IntegrityRuleError(
            _("Only an officer with the head role heads a department."), field="officer"
        )
    HeadTerm.objects.filter(department=department, ends_on__isnull=True).exclude(
        officer=officer
    ).update(ends_on=starts_on - dt.timedelta(days=1))
    term = HeadTerm.objects.create(officer=officer, department=department, starts_on=starts_on)
    if actor is not None:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, subject=term)
    return term


def heads_on(*, department: Department, on: dt.date) -> list[tuple[int, Department, Officer]]:
    """(level, department, head) up the chain of command from a unit on a date."""
    ids = [int(p) for p in department.path.strip("/").split("/") if p]
    chain = {d.pk: d for d in Department.objects.filter(pk__in=ids)}
    terms = (
        HeadTerm.objects.filter(department_id__in=ids, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .select_related("officer")
    )
    by_department: dict[int, list[Officer]] = {}
    for term in terms:
        by_department.setdefault(term.department_id, []).append(term.officer)
    out = []
    for level, dep_id in enumerate(reversed(ids)):
        for head in by_department.get(dep_id, []):
            out.append((level, chain[dep_id], head))
    return out


@transaction.atomic
def offence_record(
    *,
    actor,
    officer: Officer,
    occurred_on: dt.date,
    kind: str,
    article: str,
    outcome: str = Offence.Outcome.PENDING,
    summary: str = "",
    department: Department | None = None,
) -> Offence:
    """Register an offence and link it to the heads of the chain of command that day."""
    if kind not in Offence.Kind.values:
        raise IntegrityRuleError(_("Unknown kind “%(kind)s”.") % {"kind": kind}, field="kind")
    if outcome not in Offence.Outcome.values:
        raise IntegrityRuleError(
            _("Unknown outcome “%(outcome)s”.") % {"outcome": outcome}, field="outcome"
        )
    if not article.strip():
        raise IntegrityRuleError(_("Name the type of offence or the article."), field="article")
    if occurred_on > dt.date.today():
        raise IntegrityRuleError(_("The offence date lies in the future."), field="occurred_on")
    unit = department or officer.department
    offence = Offence.objects.create(
        officer=officer,
        department=unit,
        occurred_on=occurred_on,
        kind=kind,
        article=article.strip(),
        outcome=outcome,
        summary=summary,
    )
    Responsibility.objects.bulk_create(
        Responsibility(offence=offence, head=head, department=dep, level=level)
        for level, dep, head in heads_on(department=unit, on=occurred_on)
        if head.pk != officer.pk
    )
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        subject=offence,
        fields=["officer", "kind", "article", "outcome"],
        context="integrity registry",
    )
    return offence


@transaction.atomic
def offence_set_outcome(*, actor, offence: Offence, outcome: str) -> Offence:
    """Record the outcome of the review of an offence."""
    if outcome not in Offence.Outcome.values:
        raise IntegrityRuleError(
            _("Unknown outcome “%(outcome)s”.") % {"outcome": outcome}, field="outcome"
        )
    offence.outcome = outcome
    offence.save(update_fields=["outcome"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, subject=offence, fields=["outcome"])
    return offence
