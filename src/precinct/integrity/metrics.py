"""The read surface of the integrity registry: aggregate counts only, never a person.

Counts of confirmed offences are not personal data, so reading them is not audited;
individual records are read through ``selectors`` (audited) inside this app only.
"""

import datetime as dt

from django.db.models import Count, Q

from precinct.integrity import recording
from precinct.integrity.models import Offence


def offence_counts(
    *, department_ids: list[int], starts_on: dt.date, ends_on: dt.date
) -> dict[int, dict[str, int]]:
    """Confirmed offences per department (own unit only) and kind in a period; aggregate."""
    confirmed = ~Q(outcome__in=[Offence.Outcome.PENDING, Offence.Outcome.CLEARED])
    rows = (
        Offence.objects.filter(
            confirmed,
            department_id__in=department_ids,
            occurred_on__gte=starts_on,
            occurred_on__lte=ends_on,
        )
        .values("department_id", "kind")
        .annotate(n=Count("id"))
    )
    out: dict[int, dict[str, int]] = {d: {} for d in department_ids}
    for row in rows:
        out[row["department_id"]][row["kind"]] = row["n"]
    return out


def recording_definition() -> dict:
    """The recording integrity indicator as the methodology shows it (reader's language):
    code, group, name, definition, least data, source, direction, unit, weight (0: it is
    monitored for internal security, not scored in the index)."""
    return recording.definition_in_reader_language()
