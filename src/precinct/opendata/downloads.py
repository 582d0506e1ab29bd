"""Monthly bulk downloads of the street-level records (CSV and Parquet), their index, the
data dictionary and the licence notes.

A month's file holds every record of that month (of one department and those under it
with ``?department=CODE``), with the same fields the API publishes: the anonymous map
point (or none), never a record's own position or source id. Counts shown on the pages
go through ``analytics.disclosure`` (``frame.published_count``).
"""

import csv
import datetime as dt
import io
import re

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from precinct.core.replica import reads_from_replica
from precinct.crime import metrics
from precinct.opendata.frame import published_count
from precinct.territory import metrics as territory_metrics

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
FORMATS = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}

# Names that stay as they are in every language (not translated, marked so).
NAMES = {
    "police_uk": mark_safe('<span translate="no">data.police.uk</span>'),
    "odbl": mark_safe('<span translate="no">Open Database License (ODbL 1.0)</span>'),
    "cc_by": mark_safe('<span translate="no">Creative Commons Attribution 4.0 (CC BY 4.0)</span>'),
    "ogl": mark_safe('<span translate="no">Open Government Licence</span>'),
}
PROVENANCE = [
    ("real", _("Imported from a source (a statistics office's or a force's file)")),
    ("generated", _("Generated for the demo")),
]

# The columns of every bulk file, in order, with their meaning (the data dictionary).
COLUMNS: list[tuple[str, pa.DataType, object]] = [
    ("crime_id", pa.string(), _("The record's persistent id (a hash; the same in the API)")),
    ("month", pa.string(), _("The month the offence was registered, YYYY-MM")),
    ("department", pa.string(), _("The code of the police department that recorded it")),
    ("longitude", pa.float64(), _("Longitude of the anonymous map point; empty: no location")),
    ("latitude", pa.float64(), _("Latitude of the anonymous map point; empty: no location")),
    ("location_id", pa.int64(), _("The map point's id (the API's location id); empty: none")),
    ("street", pa.string(), _("The street the map point lies on (as named in OpenStreetMap)")),
    ("category", pa.string(), _("The offence category code (see the table below)")),
    ("last_outcome", pa.string(), _("The last outcome's code (see the table below); empty: none")),
    ("last_outcome_month", pa.string(), _("The month of the last outcome, YYYY-MM")),
    ("provenance", pa.string(), _("Where the record comes from (see the table below)")),
]
SCHEMA = pa.schema([(name, kind) for name, kind, _meaning in COLUMNS])


def month_rows(month: dt.date, department: str | None = None) -> list[dict]:
    """The month's records as the bulk files' rows (one dict per record)."""
    out = []
    for r in metrics.records_of_month(month=month, department_code=department):
        loc = r["location"] or {}
        out.append(
            {
                "crime_id": r["persistent_id"],
                "month": f"{r['month']:%Y-%m}",
                "department": r["department"]["code"],
                "longitude": round(loc["lon"], 6) if loc else None,
                "latitude": round(loc["lat"], 6) if loc else None,
                "location_id": loc.get("id"),
                "street": loc.get("street", ""),
                "category": r["category"],
                "last_outcome": r["outcome"],
                "last_outcome_month": f"{r['outcome_month']:%Y-%m}" if r["outcome_month"] else "",
                "provenance": r["provenance"],
            }
        )
    return out


def csv_bytes(rows: list[dict]) -> bytes:
    """The rows as UTF-8 CSV with a header (empty cells for missing values)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _kind, _meaning in COLUMNS])
    for row in rows:
        writer.writerow(["" if row[n] is None else row[n] for n, _k, _m in COLUMNS])
    return buffer.getvalue().encode("utf-8")


def parquet_bytes(rows: list[dict]) -> bytes:
    """The rows as one Parquet file (nulls for missing values)."""
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def parse_month(text: str) -> dt.date | None:
    match = _MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        return None
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


@reads_from_replica
def month_file(request, month: str, fmt: str):
    """``/opendata/downloads/2026-01.csv`` (or ``.parquet``), ``?department=CODE``."""
    when = parse_month(month)
    if fmt not in FORMATS or when is None or when not in metrics.record_months():
        raise Http404
    department = request.GET.get("department") or None
    if department and not metrics.department_exists(code=department):
        raise Http404
    rows = month_rows(when, department)
    body = csv_bytes(rows) if fmt == "csv" else parquet_bytes(rows)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    name = f"precinct-records-{month}" + (f"-{department}" if department else "")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def releases() -> list[dict]:
    """Each released month, newest first: its departments and counts as published
    (small counts suppressed), and when it last changed."""
    months: dict[dt.date, dict] = {}
    names = {f["code"]: f["name"] for f in territory_metrics.public_forces()}
    for row in metrics.monthly_counts():
        entry = months.setdefault(
            row["month"], {"month": row["month"], "raw": 0, "departments": [], "updated": None}
        )
        entry["raw"] += row["records"]
        entry["departments"].append(
            {
                "code": row["department"],
                "name": names.get(row["department"], row["department"]),
                "records": published_count(row["records"]),
            }
        )
        entry["updated"] = max(filter(None, [entry["updated"], row["updated"]]))
    out = []
    for month in sorted(months, reverse=True):
        entry = months.pop(month)
        entry["records"] = published_count(entry.pop("raw"))
        entry["slug"] = f"{month:%Y-%m}"
        out.append(entry)
    return out


@reads_from_replica
def index(request):
    """The page of available months with their downloads."""
    context = {
        "releases": releases(),
        "min_count": settings.PRECINCT_DISCLOSURE_MIN_COUNT,
        "names": NAMES,
    }
    return render(request, "opendata/downloads.html", context)


@reads_from_replica
def dictionary(request):
    """The data dictionary of the bulk files and the API, and the licence notes."""
    context = {
        "columns": [(name, meaning) for name, _kind, meaning in COLUMNS],
        "categories": list(metrics.CATEGORIES.values()),
        "outcomes": list(metrics.OUTCOMES.values()),
        "provenance": PROVENANCE,
        "names": NAMES,
        "min_places": settings.PRECINCT_MAP_POINT_MIN_PLACES,
        "min_count": settings.PRECINCT_DISCLOSURE_MIN_COUNT,
    }
    return render(request, "opendata/dictionary.html", context)
