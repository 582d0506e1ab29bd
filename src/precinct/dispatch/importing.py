"""Import of historic 102 records from CSV, with a column mapping in TOML.

The shared importer (``core/importing.py``) reads the mapping and the file, numbers the
bad rows and keeps the import all or nothing; this module holds what is dispatch's own:
the mapping's keys, the checks of a call (times in order, category, priority,
coordinates, department) and the writers. On PostgreSQL checked rows stream into
``COPY`` as they are read; other databases get them from a spool file with
``bulk_create`` in batches. Memory stays flat for millions of rows.

Imported calls are closed, marked ``source=imported`` and carry their timestamps and
phase durations; they get no timeline events (their timestamps are the timeline).
See docs/dispatch-import.md for the mapping format.
"""

import datetime as dt
import math
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import connection
from django.db.models import Max

from precinct.core import importing
from precinct.core.importing import ImportReport, MappingFile, RowErrors, Table
from precinct.dispatch import rollups
from precinct.dispatch.models import Category, Incident
from precinct.territory.models import Department

STAGES = ("received", "dispatched", "en_route", "on_scene", "closed")
OPTIONAL = ("priority", "lat", "lon", "place", "department", *STAGES[1:])
# The incident table's columns written by an import, in COPY order.
COLUMNS = (
    "department_id", "category_id", "priority", "area_type", "state", "source", "lon", "lat",
    "place", "caller_phone", "text", "received_at", "dispatched_at", "en_route_at",
    "on_scene_at", "closed_at", "handling_seconds", "travel_seconds", "response_seconds",
)  # fmt: skip
BATCH = 5000


@dataclass
class Mapping:
    """Which CSV column holds each field, how times are written, how types map."""

    spec: MappingFile  # the file, to name the line of a later refusal
    columns: dict[str, str]
    csv: importing.CsvFormat = field(default_factory=lambda: importing.CsvFormat(delimiter=","))
    time_format: str = "iso"
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Almaty"))
    types: dict[str, str] = field(default_factory=dict)
    department: str | None = None
    area_type: str = "urban"


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file."""
    spec = importing.read_mapping(path)
    known = ("received", "type", *OPTIONAL)
    columns = spec.strings("columns", required=("received", "type"), known=known)
    time_opts = spec.table("time", known=("format", "timezone"))
    defaults = spec.table("defaults", known=("department", "area_type"))
    try:
        tz = ZoneInfo(time_opts.get("timezone", "Asia/Almaty"))
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        zone = time_opts.get("timezone")
        raise spec.error(f"unknown time zone {zone!r}.", table="time", key="timezone") from None
    mapping = Mapping(
        spec=spec, columns=columns, csv=importing.csv_format(spec, delimiter=","),
        time_format=str(time_opts.get("format", "iso")), timezone=tz,
        types=spec.strings("types"), department=defaults.get("department"),
        area_type=defaults.get("area_type", "urban"),
    )  # fmt: skip
    if "department" not in columns and not mapping.department:
        raise spec.error("give a department column or [defaults] department.", table="columns")
    if ("lat" in columns) != ("lon" in columns):
        raise spec.error("map both lat and lon, or neither.", table="columns")
    if mapping.area_type not in Incident.AreaType.values:
        raise spec.error("area_type must be urban or rural.", table="defaults", key="area_type")
    return mapping


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return str(value)


class _Reader:
    """Turns CSV rows into checked incident rows (COPY text), collecting errors by line."""

    def __init__(self, mapping: Mapping, table: Table):
        self.m = mapping
        self.idx = table.index(mapping.columns)
        self.categories = {c.code: (c.id, c.default_priority) for c in Category.objects.all()}
        self.departments = dict(Department.objects.values_list("code", "id"))
        self.default_department = None
        if mapping.department:
            if mapping.department not in self.departments:
                raise mapping.spec.error(
                    f"unknown default department {mapping.department!r}",
                    table="defaults",
                    key="department",
                )
            self.default_department = self.departments[mapping.department]
        self.errors = RowErrors()
        self._fail = self.errors.add
        self.width = len(table.header)
        self.mapped_stages = [
            (k, stage, self.idx[stage]) for k, stage in enumerate(STAGES) if stage in self.idx
        ]
        self.type_idx = self.idx["type"]
        self.priority_idx = self.idx.get("priority")
        self.lat_idx, self.lon_idx = self.idx.get("lat"), self.idx.get("lon")
        self.department_idx = self.idx.get("department")
        self.place_idx = self.idx.get("place")
        # area_type, state, source: the same for every imported row.
        self.fixed = f"{mapping.area_type}\t{Incident.State.CLOSED}\t{Incident.Source.IMPORTED}"
        self._parse = (
            dt.datetime.fromisoformat if mapping.time_format == "iso"
            else lambda text: dt.datetime.strptime(text, mapping.time_format)
        )  # fmt: skip

    def _stage_times(self, line: int, cells: list[str]):
        """Each stage's UTC epoch seconds (None if empty) and COPY text; None after an error.

        Epoch floats rather than datetimes: the order check and the phase durations are
        then plain subtractions (this runs a million times per import).
        """
        epochs, texts = [None] * len(STAGES), ["\\N"] * len(STAGES)
        previous, latest = None, -math.inf
        for k, stage, i in self.mapped_stages:
            text = cells[i].strip()
            if not text:
                if k == 0:
                    self._fail(line, "received: empty")
                    return None
                continue
            try:
                value = self._parse(text)
            except ValueError:
                self._fail(line, f"{stage}: {text!r} is not a time ({self.m.time_format})")
                return None
            if value.tzinfo is None:
                value = value.replace(tzinfo=self.m.timezone)
                text = value.isoformat()
            elif self.m.time_format != "iso":
                text = value.isoformat()
            # else: an ISO text with its offset is what PostgreSQL reads; keep it as given.
            epoch = value.timestamp()
            if epoch < latest:
                self._fail(line, f"{stage} is before {previous} (timestamps out of order)")
                return None
            previous, latest = stage, epoch
            epochs[k], texts[k] = epoch, text
        return epochs, texts

    def row(self, line: int, cells: list[str]) -> str | None:
        """One COPY line, or None after recording why the row is bad (hot path: ~1M rows)."""
        if len(cells) < self.width:
            self._fail(line, f"{len(cells)} columns, fewer than the header's")
            return None
        stages = self._stage_times(line, cells)
        if stages is None:
            return None
        (received, dispatched, _, on_scene, _), texts = stages
        raw_type = cells[self.type_idx].strip()
        category = self.categories.get(self.m.types.get(raw_type, raw_type))
        if category is None:
            self._fail(line, f"type: unknown {raw_type!r}")
            return None
        priority = category[1]
        text = cells[self.priority_idx].strip() if self.priority_idx is not None else ""
        if text:
            priority = int(text) if text.isdigit() else 0
            if not 1 <= priority <= 4:
                self._fail(line, f"priority: {text!r} is not 1-4")
                return None
        lon_text = lat_text = "\\N"
        if self.lat_idx is not None:
            lat_text, lon_text = cells[self.lat_idx].strip(), cells[self.lon_idx].strip()
            if lat_text or lon_text:
                try:
                    lat, lon = float(lat_text), float(lon_text)
                except ValueError:
                    self._fail(line, "lat/lon: not numbers")
                    return None
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # NaN fails too
                    self._fail(line, f"lat/lon: ({lat}, {lon}) is not on Earth")
                    return None
                lat_text, lon_text = repr(lat), repr(lon)
            else:
                lon_text = lat_text = "\\N"
        department = self.default_department
        if self.department_idx is not None and cells[self.department_idx].strip():
            code = cells[self.department_idx].strip()
            department = self.departments.get(code)
            if department is None:
                self._fail(line, f"department: unknown {code!r}")
                return None
        place = cells[self.place_idx].strip()[:300] if self.place_idx is not None else ""
        if place and any(c in place for c in "\\\t\n\r"):
            place = _copy_text(place)
        handling = _secs(received, dispatched)
        travel = _secs(dispatched, on_scene)
        response = _secs(received, on_scene)
        stamps = "\t".join(texts)
        return (
            f"{department}\t{category[0]}\t{priority}\t{self.fixed}\t{lon_text}\t{lat_text}\t"
            f"{place}\t\t\t{stamps}\t{handling}\t{travel}\t{response}\n"
        )


def _secs(a: float | None, b: float | None) -> str:
    return "\\N" if a is None or b is None else str(round(b - a))


def import_csv(*, path: Path, mapping: Mapping) -> ImportReport:
    """Check every row and write them in one transaction, or raise and write nothing."""
    with importing.open_table(path, mapping.csv) as table:
        reader = _Reader(mapping, table)
        write = _copy if connection.vendor == "postgresql" else _insert
        return importing.import_rows(table, reader.row, _marking(write), errors=reader.errors)


def _marking(write):
    """``write``, then the days of the calls it wrote marked for their rollups (in the
    import's transaction: a refused file marks nothing)."""

    def write_and_mark(lines: Iterable[str]) -> None:
        before = Incident.objects.aggregate(last=Max("id"))["last"] or 0
        write(lines)
        rollups.mark_calls(Incident.objects.filter(id__gt=before))

    return write_and_mark


def _copy(lines: Iterable[str]) -> None:
    """PostgreSQL: stream checked rows into ``COPY`` while reading the rest.

    The server inserts while Python checks the next rows (two processes, two cores). After
    the first bad row no more lines come, the reading goes on to report every bad row, and
    the refusal at the end rolls the transaction back: nothing of a bad file is stored.
    """
    table = connection.ops.quote_name(Incident._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    buffer, size = [], 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for text in lines:
            buffer.append(text)
            size += len(text)
            if size > 1 << 18:
                copy.write("".join(buffer))
                buffer, size = [], 0
        copy.write("".join(buffer))


def _insert(lines: Iterable[str]) -> None:
    """Other databases: spool every checked row first, then insert in batches.

    SQLite takes its write lock at the first insert, so other writers wait only for the
    inserts, not for the reading; a refused file raises before anything is inserted.
    """
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        spool.writelines(lines)
        spool.seek(0)
        _bulk(spool)


def _bulk(spool) -> None:
    batch = []
    for text in spool:
        values = [None if v == "\\N" else _unescape(v) for v in text.rstrip("\n").split("\t")]
        batch.append(Incident(**dict(zip(COLUMNS, values, strict=True))))
        if len(batch) >= BATCH:
            Incident.objects.bulk_create(batch)
            batch = []
    if batch:
        Incident.objects.bulk_create(batch)


def _unescape(value: str) -> str:
    if "\\" not in value:
        return value
    out, i = [], 0
    table = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            out.append(table.get(value[i + 1], value[i + 1]))
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)
