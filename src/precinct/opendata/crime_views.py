"""The street-level crime resources of the open-data API, shaped like data.police.uk's:
crime categories, last updated, the available months, crimes by point, custom area and
location, crimes without a location, and outcomes.

Records come from ``crime.metrics`` only; a record's place is the anonymous map point it
was moved to (or none), never its own position; its id is a hash, never the source's.
"""

import datetime as dt
import re

from django.utils.translation import gettext as _

from precinct.core.errors import DomainError
from precinct.crime import metrics
from precinct.opendata.frame import bad_parameter, not_found, resource
from precinct.territory.models import name_in_reader_language

ONE_MILE_M = 1609.344  # data.police.uk: "crimes within a 1 mile radius"
MAX_CRIMES = 10_000  # data.police.uk answers 503 above this, asking for a smaller area
MAX_POLY_POINTS = 100
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class _Named:
    """A trio of names (``street``, ``_kk``, ``_en``) for ``name_in_reader_language``."""

    def __init__(self, row: dict, field: str):
        for suffix in ("", "_kk", "_en"):
            setattr(self, field + suffix, row.get(field + suffix, ""))


def month_param(request, *, default_latest: bool = True) -> dt.date | None:
    """``?date=YYYY-MM`` as the first day of the month; the newest month when absent."""
    raw = request.GET.get("date") or request.POST.get("date")
    if not raw:
        return metrics.last_record_month() if default_latest else None
    match = _MONTH.match(raw)
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        raise bad_parameter("date", _("a month written YYYY-MM, e.g. 2026-01"))
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def category_param(category: str) -> str:
    if category != metrics.ALL_CRIME.code and category not in metrics.CATEGORIES:
        raise not_found()
    return category


def coordinate_param(request, name: str, low: float, high: float) -> float:
    raw = request.GET.get(name) or request.POST.get(name)
    if raw is None:
        raise bad_parameter(name, _("required"))
    try:
        value = float(raw)
    except ValueError:
        raise bad_parameter(name, _("not a number")) from None
    if not low <= value <= high:
        raise bad_parameter(name, _("not on Earth"))
    return value


def poly_param(raw: str) -> list[tuple[float, float]]:
    """``lat,lng:lat,lng:…`` (data.police.uk's custom area) as (lat, lng) vertices."""
    try:
        points = [tuple(float(v) for v in pair.split(",")) for pair in raw.split(":") if pair]
    except ValueError:
        raise bad_parameter("poly", _("write lat,lng pairs separated by colons")) from None
    if not 3 <= len(points) <= MAX_POLY_POINTS or any(len(p) != 2 for p in points):
        raise bad_parameter("poly", _("3 to 100 lat,lng pairs separated by colons"))
    if any(not (-90 <= lat <= 90 and -180 <= lng <= 180) for lat, lng in points):
        raise bad_parameter("poly", _("not on Earth"))
    return points


def month_text(month: dt.date | None) -> str | None:
    return f"{month:%Y-%m}" if month else None


def crime_id(persistent_id: str) -> int:
    """A number for data.police.uk's ``id`` field, from the published hash (row ids and
    counts of the database are not published)."""
    return int(persistent_id[:12], 16)


def location_json(location: dict | None) -> dict | None:
    if location is None:
        return None
    street = name_in_reader_language(_Named(location, "street"), "street")
    return {
        "latitude": f"{location['lat']:.6f}",
        "street": {"id": location["id"], "name": _("On or near %(street)s") % {"street": street}},
        "longitude": f"{location['lon']:.6f}",
    }


def outcome_status(record: dict) -> dict | None:
    if not record["outcome"]:
        return None
    return {
        "category": str(metrics.OUTCOMES[record["outcome"]]),
        "date": month_text(record["outcome_month"]),
    }


def crime_json(record: dict) -> dict:
    located = record["location"] is not None
    return {
        "category": record["category"],
        "location_type": "Force" if located else None,
        "location": location_json(record["location"]),
        "context": "",
        "outcome_status": outcome_status(record),
        "persistent_id": record["persistent_id"],
        "id": crime_id(record["persistent_id"]),
        "location_subtype": "",
        "month": month_text(record["month"]),
    }


def outcome_json(record: dict) -> dict:
    code = record["outcome"]
    return {
        "category": {"code": code, "name": str(metrics.OUTCOMES[code])},
        "date": month_text(record["outcome_month"]),
        "person_id": None,
    }


def _within_limit(rows: list[dict]) -> list[dict]:
    """The rows, or 503 above data.police.uk's limit of one answer."""
    if len(rows) > MAX_CRIMES:
        raise DomainError(
            _("More than 10,000 crimes: ask for a smaller area."), code="too_many", status=503
        )
    return rows


def _crimes(rows: list[dict]) -> list[dict]:
    return [crime_json(r) for r in _within_limit(rows)]


@resource()
def crime_categories(request):
    month_param(request, default_latest=False)  # checked, as police.uk does; same list
    return metrics.category_names()


@resource()
def crime_last_updated(request):
    last = metrics.last_record_month()
    return {"date": last.isoformat() if last else None}


@resource()
def crimes_street_dates(request):
    return [{"date": month_text(m), "stop-and-search": []} for m in metrics.record_months()]


@resource(methods=("GET", "POST"))
def crimes_street(request, category: str):
    category = category_param(category)
    month = month_param(request)
    poly = request.GET.get("poly") or request.POST.get("poly")
    if month is None:
        return []
    if poly:
        rows = metrics.records_in_area(polygon=poly_param(poly), month=month, category=category)
    else:
        lat = coordinate_param(request, "lat", -90, 90)
        lng = coordinate_param(request, "lng", -180, 180)
        rows = metrics.records_near(
            lat=lat, lon=lng, radius_m=ONE_MILE_M, month=month, category=category
        )
    return _crimes(rows)


def _location_id(request) -> int:
    raw = request.GET.get("location_id", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise bad_parameter("location_id", _("the number of a location"))
    location_id = int(raw)
    if metrics.map_point(location_id=location_id) is None:
        raise not_found()
    return location_id


@resource()
def crimes_at_location(request):
    location_id = _location_id(request)
    month = month_param(request)
    return _crimes(metrics.records_at_location(location_id=location_id, month=month))


@resource()
def crimes_no_location(request):
    category = category_param(request.GET.get("category") or metrics.ALL_CRIME.code)
    force = request.GET.get("force", "")
    if not force:
        raise bad_parameter("force", _("required"))
    if not metrics.department_exists(code=force):
        raise not_found()
    month = month_param(request)
    rows = metrics.records_without_location(department_code=force, month=month, category=category)
    return _crimes(rows)


@resource()
def outcomes_for_crime(request, persistent_id: str):
    record = metrics.record(persistent_id=persistent_id)
    if record is None:
        raise not_found()
    return {
        "outcomes": [outcome_json(record)] if record["outcome"] else [],
        "crime": crime_json(record),
    }


@resource()
def outcomes_at_location(request):
    location_id = _location_id(request)
    month = month_param(request)
    rows = metrics.outcomes_at_location(location_id=location_id, month=month)
    return [{**outcome_json(r), "crime": crime_json(r)} for r in _within_limit(rows)]
