"""The read surface of crime statistics: regional rates per 10,000, department counts and
regional population, as plain rows. Other apps (evaluation) read crime only through here."""

from django.utils.translation import gettext

from precinct.analytics import form1m
from precinct.crime.models import (
    DepartmentCount,
    RegionalCategoryCount,
    RegionPopulation,
    ReportingPeriod,
)
from precinct.crime.regions import region_name


def latest_period() -> ReportingPeriod | None:
    """The most recently imported reporting period."""
    return ReportingPeriod.objects.order_by("-imported_at", "-id").first()


def regional_rates(*, period: ReportingPeriod) -> list[dict]:
    """Per region: registered offences by category, population, rates per 10,000."""
    counts: dict[str, dict[str, int]] = {}
    for key, category, n in RegionalCategoryCount.objects.filter(period=period).values_list(
        "region_key", "category", "registered"
    ):
        counts.setdefault(key, {})[category] = n
    population = {p.region_key: p for p in RegionPopulation.objects.all()}
    out = []
    for key in sorted(counts):
        cats = counts[key]
        total = sum(cats.values())
        pop = population.get(key)
        people = pop.population if pop else 0
        out.append(
            {
                "region_key": key,
                "name": region_name(key, pop.name if pop else key),
                "registered": total,
                "population": people or None,
                "rate": _rate(total, people),
                "categories": {
                    c: {"registered": cats.get(c, 0), "rate": _rate(cats.get(c, 0), people)}
                    for c in form1m.CATEGORIES
                },
            }
        )
    return out


def period_display(period: ReportingPeriod) -> dict:
    """A reporting period's label, source and note in the reader's language (the importer
    stores them as the English msgids of ``crime.services``; a label typed at import time
    is shown as typed)."""
    # gettext("") would be the catalog's header: an empty text stays empty.
    return {
        field: gettext(text) if text else ""
        for field, text in (
            ("label", period.label),
            ("source", period.source),
            ("note", period.note),
        )
    }


def _rate(count: int, population: int) -> float | None:
    value = float(form1m.rate_per_10k(count, population))
    return None if value != value else round(value, 2)


def department_counts(*, department_ids: list[int], period: str) -> dict[int, dict]:
    """Registered and cleared offences per department in a period ("total" or categories)."""
    out: dict[int, dict] = {}
    rows = DepartmentCount.objects.filter(department_id__in=department_ids, period=period)
    for dep_id, category, registered, cleared in rows.values_list(
        "department_id", "category", "registered", "cleared"
    ):
        out.setdefault(dep_id, {})[category] = (registered, cleared)
    result = {}
    for dep_id, cats in out.items():
        if "total" in cats:
            registered, cleared = cats["total"]
        else:
            registered = sum(v[0] for v in cats.values())
            known = [v[1] for v in cats.values() if v[1] is not None]
            cleared = sum(known) if len(known) == len(cats) else None
        result[dep_id] = {"registered": registered, "cleared": cleared}
    return result


def region_population(*, region_key: str) -> dict | None:
    """A region's official population and its men, or None when it was not imported."""
    row = RegionPopulation.objects.filter(region_key=region_key).first()
    if row is None:
        return None
    return {"name": row.name, "population": row.population, "males": row.males}
