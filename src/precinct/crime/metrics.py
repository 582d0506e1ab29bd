"""The read surface of crime statistics: regional rates per 10,000, department counts and
regional population, and the street-level offence records the open data publishes (at
their anonymous map points: never a record's own position or source id), as plain rows.
Other apps (evaluation, opendata) read crime only through here."""

import datetime as dt
import math

import shapely
from django.db.models import Count, Max, Q
from django.utils.translation import gettext

from precinct.analytics import form1m

# The code lists of street-level records, read by the open data through this surface.
from precinct.crime.categories import ALL_CRIME, CATEGORIES, OUTCOMES, category_names  # noqa: F401
from precinct.crime.models import (
    DepartmentCount,
    MapPoint,
    OffenceRecord,
    RegionalCategoryCount,
    RegionPopulation,
    ReportingPeriod,
)
from precinct.crime.regions import region_name
from precinct.territory.models import Department


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


# --- street-level records: what the open data publishes ------------------------------------
# Rows as plain dicts: never a record's exact position, its source id or its source file.

RECORD_FIELDS = (
    "persistent_id", "month", "category", "outcome", "outcome_month", "provenance",
    "department__code", "department__name", "department__name_kk", "department__name_en",
    "location_id", "location__published", "location__lat", "location__lon", "location__street",
    "location__street_kk", "location__street_en",
)  # fmt: skip
EARTH_RADIUS_M = 6_371_008.8


def record_months() -> list[dt.date]:
    """The months with published records, newest first (first days of the months)."""
    months = OffenceRecord.objects.order_by("-month").values_list("month", flat=True)
    return list(months.distinct())


def last_record_month() -> dt.date | None:
    """The newest month with records, or None before any import."""
    return OffenceRecord.objects.aggregate(last=Max("month"))["last"]


def last_records_change() -> dt.datetime | None:
    """When records were last imported or changed (for the feed of releases)."""
    return OffenceRecord.objects.aggregate(last=Max("updated_at"))["last"]


def _records(qs) -> list[dict]:
    return [_row(r) for r in qs.order_by("id").values(*RECORD_FIELDS)]


def _row(r: dict) -> dict:
    location = None
    # Only a published point is ever shown (a record is moved to one at import and on
    # every rebuild; this holds even if a rebuild were interrupted).
    if r["location_id"] is not None and r["location__published"]:
        location = {
            "id": r["location_id"],
            "lat": r["location__lat"],
            "lon": r["location__lon"],
            "street": r["location__street"],
            "street_kk": r["location__street_kk"],
            "street_en": r["location__street_en"],
        }
    department = {
        "code": r["department__code"],
        "name": r["department__name"],
        "name_kk": r["department__name_kk"],
        "name_en": r["department__name_en"],
    }
    return {
        "persistent_id": r["persistent_id"],
        "month": r["month"],
        "category": r["category"],
        "outcome": r["outcome"],
        "outcome_month": r["outcome_month"],
        "provenance": r["provenance"],
        "department": department,
        "location": location,
    }


def _published(month: dt.date | None, category: str | None):
    qs = OffenceRecord.objects.all()
    if month is not None:
        qs = qs.filter(month=month)
    if category and category != "all-crime":
        qs = qs.filter(category=category)
    return qs


def records_near(
    *, lat: float, lon: float, radius_m: float, month: dt.date, category: str | None = None
) -> list[dict]:
    """Records of a month at map points within ``radius_m`` of a place."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    qs = _published(month, category).filter(
        location__published=True,
        location__lat__range=(lat - dlat, lat + dlat),
        location__lon__range=(lon - dlon, lon + dlon),
    )
    rows = _records(qs)
    return [
        r
        for r in rows
        if _distance_m(lat, lon, r["location"]["lat"], r["location"]["lon"]) <= radius_m
    ]


def records_in_area(
    *, polygon: list[tuple[float, float]], month: dt.date, category: str | None = None
) -> list[dict]:
    """Records of a month at map points inside a polygon of (lat, lon) vertices."""
    lats = [p[0] for p in polygon]
    lons = [p[1] for p in polygon]
    qs = _published(month, category).filter(
        location__published=True,
        location__lat__range=(min(lats), max(lats)),
        location__lon__range=(min(lons), max(lons)),
    )
    rows = _records(qs)
    if not rows:
        return []
    shape = shapely.Polygon([(x, y) for y, x in polygon])
    inside = shapely.contains_xy(
        shape, [r["location"]["lon"] for r in rows], [r["location"]["lat"] for r in rows]
    )
    return [r for r, keep in zip(rows, inside, strict=True) if keep]


def records_at_location(*, location_id: int, month: dt.date | None) -> list[dict]:
    """Records of a month at one published map point."""
    qs = _published(month, None).filter(location_id=location_id, location__published=True)
    return _records(qs)


def records_without_location(
    *, department_code: str, month: dt.date, category: str | None = None
) -> list[dict]:
    """Records of a month of a department (and the departments under it) with no location."""
    qs = _published(month, category).filter(Q(location=None) | Q(location__published=False))
    return _records(_in_department(qs, department_code))


def record(*, persistent_id: str) -> dict | None:
    """One record by its published id, or None."""
    rows = _records(OffenceRecord.objects.filter(persistent_id=persistent_id))
    return rows[0] if rows else None


def outcomes_at_location(*, location_id: int, month: dt.date | None) -> list[dict]:
    """Records at a published map point whose outcome is dated in ``month``."""
    qs = OffenceRecord.objects.filter(location_id=location_id, location__published=True)
    qs = qs.exclude(outcome="")
    if month is not None:
        qs = qs.filter(outcome_month=month)
    return _records(qs)


def map_point(*, location_id: int) -> dict | None:
    """A published map point, or None (unknown or standing for too few places)."""
    row = (
        MapPoint.objects.filter(pk=location_id, published=True)
        .values("id", "lat", "lon", "street", "street_kk", "street_en")
        .first()
    )
    return row


def records_of_month(*, month: dt.date, department_code: str | None = None) -> list[dict]:
    """Every record of a month (of a department and those under it, when given)."""
    qs = _published(month, None)
    if department_code:
        qs = _in_department(qs, department_code)
    return _records(qs)


def department_exists(*, code: str) -> bool:
    """Whether a department has this code."""
    return Department.objects.filter(code=code).exists()


def _in_department(qs, code: str):
    """Records of a department and of every department under it (its materialised path)."""
    path = Department.objects.filter(code=code).values_list("path", flat=True).first()
    if path is None:
        return qs.none()
    return qs.filter(department__path__startswith=path)


def monthly_counts() -> list[dict]:
    """Records per month and department (raw counts: suppress before publishing)."""
    rows = (
        OffenceRecord.objects.values("month", "department__code")
        .annotate(n=Count("id"), updated=Max("updated_at"))
        .order_by("-month", "department__code")
    )
    return [
        {"month": r["month"], "department": r["department__code"], "records": r["n"],
         "updated": r["updated"]}
        for r in rows
    ]  # fmt: skip


def records_by_precinct_month(
    *, start: dt.date, end: dt.date, categories: list[str] | None = None
) -> list[dict]:
    """Recorded offences per precinct and month, the months from ``start``'s to ``end``'s
    (a record has only a month, its first day), of ``categories`` (codes of
    ``crime.categories``; None: all): rows ``{"precinct_id", "month", "records"}`` sorted by
    precinct and month. Records without a precinct are left out; a precinct and month
    without records has no row. Counted by the database."""
    qs = OffenceRecord.objects.filter(
        month__gte=start.replace(day=1), month__lte=end, precinct__isnull=False
    )
    if categories is not None:
        qs = qs.filter(category__in=categories)
    rows = qs.values("precinct_id", "month").annotate(records=Count("id"))
    return list(rows.order_by("precinct_id", "month"))


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
