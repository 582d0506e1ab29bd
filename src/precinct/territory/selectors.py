"""Readers of territory data for its views and API (other apps read ``metrics``)."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from precinct.accounts import access
from precinct.audit.services import audit_read_many
from precinct.territory.models import Department, Officer, Precinct, PrecinctAssignment


def inspectors_of_precinct(*, precinct: Precinct, on: dt.date | None = None) -> list[Officer]:
    """Active inspectors (and assistants) assigned to the precinct on a date."""
    day = on or timezone.localdate()
    return list(
        Officer.objects.filter(
            is_active=True,
            assignments__precinct=precinct,
            assignments__starts_on__lte=day,
        )
        .filter(Q(assignments__ends_on__isnull=True) | Q(assignments__ends_on__gt=day))
        .order_by("role", "last_name")
        .distinct()
    )


def heads_of_department(*, department: Department) -> list[Officer]:
    """The active heads of a department."""
    return list(department.officers.filter(role=Officer.Role.HEAD, is_active=True))


def roster_read(*, actor, department: Department) -> list[dict]:
    """Active officers of a department with contacts; reads of non-public ones are audited."""
    officers = list(department.officers.filter(is_active=True).order_by("role", "last_name"))
    serving = _current_precincts([o.id for o in officers])
    audit_read_many(
        actor=actor,
        objects=[o for o in officers if not access.has_public_contact(o)],
        fields=["phone", "email"],
        context=f"roster of department {department.pk}",
    )
    return [
        {
            "id": o.id,
            "name": o.full_name,
            "role": o.role,
            "rank": o.rank_display,
            "rank_code": o.rank,
            "phone": o.phone,
            "email": o.email,
            "precincts": serving.get(o.id, []),
        }
        for o in officers
    ]


def _current_precincts(officer_ids: list[int]) -> dict[int, list[int]]:
    today = timezone.localdate()
    rows = PrecinctAssignment.objects.filter(
        officer_id__in=officer_ids, starts_on__lte=today
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
    serving: dict[int, list[int]] = {}
    for officer_id, precinct_id in rows.values_list("officer_id", "precinct_id"):
        serving.setdefault(officer_id, []).append(precinct_id)
    return serving
