"""What an intervention is measured on and over which months: the outcomes, the window
of an estimate, the pool of precincts, and the precincts a post brings within reach.

Kept apart from the adapter (``evaluation/interventions.py``) so that pages and services
that only read or record a change never load the numeric core.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from precinct.territory.models import Precinct

PRE_MONTHS = 12
POST_MONTHS = 12
# A comparison for every treated precinct, at most: the pool of a city is a few dozen.
PER_TREATED = 3
# Randomisation inference and the bootstrap draw this many times (seeded per intervention).
DRAWS = 999
# A post "brings" a precinct into reach when at least this share of its residents gain it.
REACH_SHARE = 0.05


@dataclass(frozen=True)
class Outcome:
    """An outcome an intervention's effect is estimated on."""

    code: str
    label: str
    unit: str  # how a page writes it (core.numbers' units)
    lower_is_better: bool
    per_precinct: bool = True


OUTCOMES = {
    o.code: o
    for o in (
        Outcome("arrival", _("102 arrival time (median)"), "min", True),
        Outcome("calls", _("102 calls per 1,000 residents"), "per_1000", True),
        Outcome("appeals", _("Appeals per 1,000 residents"), "per_1000", True),
        Outcome("records", _("Recorded offences per 1,000 residents"), "per_1000", True),
        Outcome("trust", _("Trust in the police (survey)"), "share", False, per_precinct=False),
        Outcome("safety", _("Feeling safe (survey)"), "share", False, per_precinct=False),
    )
}
NOT_MEASURED = "not_measured_per_precinct"
NO_DATA = "no_data"


def month_add(month: dt.date, n: int) -> dt.date:
    k = month.year * 12 + month.month - 1 + n
    return dt.date(k // 12, k % 12 + 1, 1)


def window(starts_on: dt.date, today: dt.date | None = None) -> tuple[list[dt.date], int]:
    """The months of the estimate and the position of the change's first month in them."""
    today = today or timezone.localdate()
    change = starts_on.replace(day=1)
    last = min(month_add(change, POST_MONTHS - 1), month_add(today.replace(day=1), -1))
    first = month_add(change, -PRE_MONTHS)
    months = []
    m = first
    while m <= last:
        months.append(m)
        m = month_add(m, 1)
    return months, PRE_MONTHS


def pool(department) -> dict[int, float]:
    """Residents of every inhabited precinct of the department's region: the treated ones
    and the candidates for comparison."""
    rows = Precinct.objects.filter(
        department__region_id=department.region_id, residents__gt=0
    ).values_list("id", "residents")
    return {pk: float(n) for pk, n in rows}


def reach_precincts(rows: list[dict] | None) -> tuple[list[int], dict[str, float]]:
    """The precincts a post brings within reach (at least REACH_SHARE of their residents)
    from ``planning.metrics.residents_brought_by_post``'s rows, and residents brought."""
    if not rows:
        return [], {}
    kept = [r for r in rows if (r["share"] or 0) >= REACH_SHARE]
    return [r["precinct_id"] for r in kept], {
        str(r["precinct_id"]): round(r["residents_brought"]) for r in kept
    }
