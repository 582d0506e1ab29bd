"""Writers of crime statistics: whole imports in one transaction, or nothing."""

import csv
import datetime as dt
import hashlib
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from precinct.analytics import form1m
from precinct.core.errors import DomainError
from precinct.crime import mappoints as crime_mappoints
from precinct.crime.models import (
    DepartmentCount,
    MapPoint,
    MapPointPlace,
    OffenceRecord,
    RecordBatch,
    RegionalCategoryCount,
    RegionalCount,
    RegionPopulation,
    ReportingPeriod,
)
from precinct.territory.models import Department, Region

# Stored in English and shown translated (``metrics.period_display``): msgids, not prose.
DEFAULT_PERIOD = gettext_noop("one reporting period")
FORM1M_SOURCE = gettext_noop(
    "Form No. 1-M, Committee on Legal Statistics and Special Accounts (qamqor.gov.kz), "
    "via open-data-kazakhstan/city-crime (ODC PDDL 1.0)"
)
PERIOD_NOTE = gettext_noop("The reporting period is not printed in the workbooks.")
POPULATION_SOURCE = gettext_noop("Bureau of National Statistics, population at 1 January 2023")
DEPARTMENT_COLUMNS = ["department_code", "period", "category", "registered", "cleared"]
DEPARTMENT_CATEGORIES = {*form1m.CATEGORIES, "total"}


class CrimeImportError(DomainError):
    """A file that cannot be imported; the message names the file, line or cell."""


def crime_import_form1m(*, directory: Path, period_label: str = DEFAULT_PERIOD) -> dict:
    """Import every region's workbook of a folder, replacing that period's figures."""
    try:
        sheets = form1m.read_form1m_dir(directory)
    except (form1m.Form1MLayoutError, ValueError, OSError) as exc:
        raise CrimeImportError(str(exc)) from None
    return crime_store_sheets(sheets=sheets, period_label=period_label)


def crime_store_sheets(*, sheets: list, period_label: str = DEFAULT_PERIOD) -> dict:
    """Store read Form 1-M sheets as one period's figures (replacing it), all or nothing."""
    try:
        keys = [form1m.region_key(s.region) for s in sheets]
    except ValueError as exc:
        raise CrimeImportError(str(exc)) from None
    with transaction.atomic():
        period, _ = ReportingPeriod.objects.update_or_create(
            label=period_label,
            defaults={
                "source": FORM1M_SOURCE,
                "note": PERIOD_NOTE,
            },
        )
        period.rows.all().delete()
        period.categories.all().delete()
        rows, categories = [], []
        for key, sheet in zip(keys, sheets, strict=True):
            for row in sheet.rows:
                rows.append(
                    RegionalCount(
                        period=period,
                        region_key=key,
                        region_name=sheet.region,
                        row_code=row.row_code,
                        indicator=row.indicator[:400],
                        article=row.article or "",
                        chapter=row.chapter,
                        category=(
                            form1m.category_of(row.article, row.chapter)
                            if row.chapter is not None
                            else ""
                        ),
                        registered=row.registered,
                    )
                )
            for category, count in form1m.categorise(sheet.rows).items():
                categories.append(
                    RegionalCategoryCount(
                        period=period, region_key=key, category=category, registered=count
                    )
                )
        RegionalCount.objects.bulk_create(rows, batch_size=2000)
        RegionalCategoryCount.objects.bulk_create(categories, batch_size=2000)
    return {"period": period.label, "regions": len(sheets), "rows": len(rows)}


def population_import(*, path: Path, as_of: dt.date = dt.date(2023, 1, 1)) -> int:
    """Import ``Region,Total,Males,Females`` (kz_population/city_population.csv)."""
    records = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    key = form1m.region_key(row["Region"])
                    total = int(row["Total"])
                    males, females = int(row["Males"]), int(row["Females"])
                except (KeyError, ValueError, TypeError) as exc:
                    raise CrimeImportError(f"{Path(path).name}, line {line}: {exc}") from None
                if males + females != total:
                    raise CrimeImportError(
                        f"{Path(path).name}, line {line}: males and females do not sum to the total"
                    )
                records.append((key, row["Region"], total, males, females))
    except OSError as exc:
        raise CrimeImportError(str(exc)) from None
    with transaction.atomic():
        for key, name, total, males, females in records:
            RegionPopulation.objects.update_or_create(
                region_key=key,
                defaults={
                    "name": name,
                    "population": total,
                    "males": males,
                    "females": females,
                    "as_of": as_of,
                    "source": POPULATION_SOURCE,
                },
            )
    return len(records)


def department_counts_import(*, path: Path) -> int:
    """Import department counts (docs/crime_statistics.md): all rows or none.

    Columns: ``department_code,period,category,registered,cleared`` (cleared may be empty).
    """
    errors, records, seen = [], [], {}
    departments = dict(Department.objects.values_list("code", "id"))
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            unknown = [c for c in header if c not in DEPARTMENT_COLUMNS]
            missing = [c for c in DEPARTMENT_COLUMNS if c not in header]
            if unknown or missing:
                raise CrimeImportError(
                    f"line 1: columns must be {','.join(DEPARTMENT_COLUMNS)}"
                    f" (unknown: {unknown or '-'}, missing: {missing or '-'})"
                )
            for row in reader:
                line = reader.line_num
                record = _department_row(row, line, departments, errors)
                if record is None:
                    continue
                key = record[:3]
                if key in seen:
                    errors.append(
                        f"line {line}: the same department, period and category as line {seen[key]}"
                    )
                    continue
                seen[key] = line
                records.append(record)
    except OSError as exc:
        raise CrimeImportError(str(exc)) from None
    if errors:
        raise CrimeImportError("; ".join(errors[:50]) + ("; …" if len(errors) > 50 else ""))
    with transaction.atomic():
        for dep_id, period, category, registered, cleared in records:
            DepartmentCount.objects.update_or_create(
                department_id=dep_id,
                period=period,
                category=category,
                defaults={"registered": registered, "cleared": cleared},
            )
    return len(records)


def _department_row(row, line, departments, errors):
    code = (row.get("department_code") or "").strip()
    if code not in departments:
        errors.append(f"line {line}: department_code: unknown department {code!r}")
        return None
    period = (row.get("period") or "").strip()
    if not period or len(period) > 20:
        errors.append(f"line {line}: period: empty or longer than 20 characters")
        return None
    category = (row.get("category") or "").strip()
    if category not in DEPARTMENT_CATEGORIES:
        errors.append(f"line {line}: category: unknown category {category!r}")
        return None
    try:
        registered = int(row["registered"])
        cleared = int(row["cleared"]) if (row.get("cleared") or "").strip() else None
    except (TypeError, ValueError):
        errors.append(f"line {line}: registered/cleared: not whole numbers")
        return None
    if registered < 0 or (cleared is not None and not 0 <= cleared <= registered):
        errors.append(f"line {line}: cleared must lie between 0 and registered")
        return None
    return (departments[code], period, category, registered, cleared)


@transaction.atomic
def department_counts_set(*, counts: list[tuple[Department, str, str, int, int | None]]) -> int:
    """Store (department, period, category, registered, cleared) counts, replacing old ones."""
    for department, period, category, registered, cleared in counts:
        if category not in DEPARTMENT_CATEGORIES:
            raise CrimeImportError(f"category: unknown category {category!r}")
        DepartmentCount.objects.update_or_create(
            department=department,
            period=period,
            category=category,
            defaults={"registered": registered, "cleared": cleared},
        )
    return len(counts)


# --- street-level offence records and their anonymous map points ---------------------------


def persistent_id(source: str, ref: str) -> str:
    """The published id of a record: a hash, so the source's own id (a case number) is
    never published, yet the same record keeps the same id across imports."""
    return hashlib.sha256(f"{source}:{ref}".encode()).hexdigest()


@transaction.atomic
def offence_records_write(
    *, rows: list, source: str, provenance: str, file_name: str = ""
) -> RecordBatch:
    """Store checked records (``crime.importer.Row``) of one source as one batch: a new id
    is created, an id the source already has is updated. Exact positions are snapped to
    the published map points here, once."""
    batch = RecordBatch.objects.create(source=source, file_name=file_name, provenance=provenance)
    existing = dict(OffenceRecord.objects.filter(source=source).values_list("source_ref", "id"))
    placed = [r for r in rows if r.lon is not None]
    points = dict(
        zip(
            (r.ref for r in placed),
            crime_mappoints.snap([r.lon for r in placed], [r.lat for r in placed]),
            strict=True,
        )
    )
    new, changed = [], []
    now = timezone.now()  # neither bulk_update nor a plain insert sets auto_now
    for r in rows:
        values = {
            "source": source, "source_ref": r.ref, "persistent_id": persistent_id(source, r.ref),
            "month": r.month, "category": r.category, "outcome": r.outcome,
            "outcome_month": r.outcome_month, "lon": r.lon, "lat": r.lat,
            "location_id": points.get(r.ref), "department_id": r.department_id,
            "precinct_id": r.precinct_id, "provenance": provenance, "batch_id": batch.pk,
            "updated_at": now,
        }  # fmt: skip
        if r.ref in existing:
            changed.append(OffenceRecord(id=existing[r.ref], **values))
        else:
            new.append(values)
    insert_rows(OffenceRecord, new)
    OffenceRecord.objects.bulk_update(changed, RECORD_FIELDS, batch_size=500)
    batch.created, batch.updated = len(new), len(changed)
    batch.save(update_fields=["created", "updated"])
    return batch


def insert_rows(model, rows: list[dict]) -> None:
    """Insert rows (``attname -> value``, every concrete field but the key) with one
    prepared statement (``executemany``): ``bulk_create`` spends nine tenths of its time
    building and preparing a model per row, and a city's records or places are tens of
    thousands. Values are plain (text, numbers, None) but for dates and times, adapted
    once per distinct value by the field for the database in use."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
    adapted: dict = {}

    def value(field, raw):
        if isinstance(raw, dt.date):  # dates and times
            key = (field.attname, raw)
            if key not in adapted:
                adapted[key] = field.get_db_prep_save(raw, connection)
            return adapted[key]
        return raw

    values = [tuple(value(f, row[f.attname]) for f in fields) for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(values), 5000):
            cursor.executemany(sql, values[start : start + 5000])


RECORD_FIELDS = [
    "month", "category", "outcome", "outcome_month", "lon", "lat", "location",
    "department", "precinct", "provenance", "batch", "updated_at",
]  # fmt: skip


@transaction.atomic
def map_points_rebuild(*, region: Region) -> dict:
    """Rebuild a region's anonymous map points from its streets and residential places
    (at ``PRECINCT_MAP_POINT_MIN_PLACES``), then move every record to its new point."""
    streets = crime_mappoints.street_lines(region.code)
    points, lon, lat = crime_mappoints.build(region.pk, streets)
    MapPointPlace.objects.filter(region=region).delete()
    MapPoint.objects.filter(region=region).delete()
    rows = [
        MapPoint(
            region=region,
            lon=float(points.lon[i]),
            lat=float(points.lat[i]),
            street=streets.name[s],
            street_kk=streets.name_kk[s],
            street_en=streets.name_en[s],
            places=int(points.places[i]),
            published=bool(points.eligible[i]),
        )
        for i, s in enumerate(points.street)
    ]
    created = MapPoint.objects.bulk_create(rows, batch_size=2000)
    ids = [p.pk for p in created]
    insert_rows(
        MapPointPlace,
        [
            {"region_id": region.pk, "lon": float(x), "lat": float(y),
             "point_id": ids[p] if p >= 0 else None}
            for x, y, p in zip(lon, lat, points.place_point, strict=True)
        ],
    )  # fmt: skip
    moved = offence_records_resnap()
    return {"points": len(rows), "published": int(points.eligible.sum()), "records": moved}


@transaction.atomic
def offence_records_resnap() -> int:
    """Move every record with a position to the published point of its nearest place."""
    rows = list(OffenceRecord.objects.exclude(lon=None).values_list("id", "lon", "lat"))
    if not rows:
        return 0
    ids, lon, lat = zip(*rows, strict=True)
    points = crime_mappoints.snap(lon, lat)
    records = [OffenceRecord(id=i, location_id=p) for i, p in zip(ids, points, strict=True)]
    OffenceRecord.objects.bulk_update(records, ["location"], batch_size=1000)
    return len(records)
