"""Import of historic 102 records from CSV, with a column mapping in TOML.

All or nothing: every row is read and checked (errors name the line and the reason), and
all rows are written in one transaction that is rolled back if any row was bad. On
PostgreSQL checked rows stream into ``COPY`` as they are read; other databases get them
from a spool file with ``bulk_create`` in batches. Memory stays flat for millions of rows.

Imported calls are closed, marked ``source=imported`` and carry their timestamps and
phase durations; they get no timeline events (their timestamps are the timeline).
See docs/dispatch-import.md for the mapping format.
"""

import csv
import datetime as dt
import math
import tempfile
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import connection, transaction

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
MAX_REPORTED_ERRORS = 50
BATCH = 5000


class MappingError(ValueError):
    """The mapping file itself is wrong."""


class ImportFailed(ValueError):
    """Bad rows: nothing was imported. ``errors`` are "line N: reason" strings."""

    def __init__(self, errors: list[str], total: int):
        self.errors = errors
        self.total = total
        more = f" (and {total - len(errors)} more)" if total > len(errors) else ""
        super().__init__(f"{total} bad rows, nothing imported{more}:\n" + "\n".join(errors))


@dataclass
class Mapping:
    """Which CSV column holds each field, how times are written, how types map."""

    columns: dict[str, str]
    delimiter: str = ","
    encoding: str = "utf-8"
    time_format: str = "iso"
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Almaty"))
    types: dict[str, str] = field(default_factory=dict)
    department: str | None = None
    area_type: str = "urban"


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"{path}: {exc}") from None
    columns = data.get("columns", {})
    for required in ("received", "type"):
        if required not in columns:
            raise MappingError(f"{path}: [columns] needs '{required}'.")
    unknown = set(columns) - {"received", "type", *OPTIONAL}
    if unknown:
        raise MappingError(f"{path}: unknown fields in [columns]: {', '.join(sorted(unknown))}.")
    csv_opts, time_opts, defaults = (
        data.get("csv", {}),
        data.get("time", {}),
        data.get("defaults", {}),
    )
    try:
        tz = ZoneInfo(time_opts.get("timezone", "Asia/Almaty"))
    except (ZoneInfoNotFoundError, ValueError):
        raise MappingError(f"{path}: unknown time zone {time_opts.get('timezone')!r}.") from None
    mapping = Mapping(
        columns=dict(columns), delimiter=csv_opts.get("delimiter", ","),
        encoding=csv_opts.get("encoding", "utf-8"), time_format=time_opts.get("format", "iso"),
        timezone=tz, types={str(k): str(v) for k, v in data.get("types", {}).items()},
        department=defaults.get("department"), area_type=defaults.get("area_type", "urban"),
    )  # fmt: skip
    if "department" not in columns and not mapping.department:
        raise MappingError(f"{path}: give a department column or [defaults] department.")
    if ("lat" in columns) != ("lon" in columns):
        raise MappingError(f"{path}: map both lat and lon, or neither.")
    if mapping.area_type not in Incident.AreaType.values:
        raise MappingError(f"{path}: area_type must be urban or rural.")
    return mapping


@dataclass
class ImportReport:
    rows: int
    seconds: float = 0.0
    check_seconds: float = 0.0  # reading and checking every row
    write_seconds: float = 0.0  # COPY (or inserts) and commit


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

    def __init__(self, mapping: Mapping, header: list[str]):
        self.m = mapping
        missing = [c for c in mapping.columns.values() if c not in header]
        if missing:
            raise MappingError(f"columns not in the file's header: {', '.join(missing)}")
        self.idx = {name: header.index(col) for name, col in mapping.columns.items()}
        self.categories = {c.code: (c.id, c.default_priority) for c in Category.objects.all()}
        self.departments = dict(Department.objects.values_list("code", "id"))
        self.default_department = None
        if mapping.department:
            if mapping.department not in self.departments:
                raise MappingError(f"unknown default department {mapping.department!r}")
            self.default_department = self.departments[mapping.department]
        self.errors: list[str] = []
        self.error_count = 0
        self.width = len(header)
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

    def _fail(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(f"line {line}: {message}")

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


def _csv_rows(path: Path, mapping: Mapping) -> Iterator[tuple[int, list[str]]]:
    with open(path, newline="", encoding=mapping.encoding) as handle:
        reader = csv.reader(handle, delimiter=mapping.delimiter)
        yield 1, next(reader, [])
        for cells in reader:
            if cells:
                yield reader.line_num, cells


def import_csv(*, path: Path, mapping: Mapping) -> ImportReport:
    """Check every row and write them in one transaction, or raise and write nothing."""
    start = time.perf_counter()
    try:
        rows = _csv_rows(Path(path), mapping)
        _, header = next(rows)
        try:
            reader = _Reader(mapping, [h.strip().lstrip("\ufeff") for h in header])
        except MappingError as exc:  # the file does not fit the mapping: say which file
            raise MappingError(f"{path}: {exc}") from None
        if connection.vendor == "postgresql":
            count, checked = _check_and_copy(reader, rows)
        else:
            count, checked = _check_and_insert(reader, rows)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise MappingError(f"{path}: cannot read the file: {exc}") from None
    end = time.perf_counter()
    return ImportReport(
        rows=count, seconds=end - start, check_seconds=checked - start, write_seconds=end - checked
    )


def _check_and_copy(reader: "_Reader", rows) -> tuple[int, float]:
    """PostgreSQL: stream checked rows into ``COPY`` while reading the rest.

    The server inserts while Python checks the next rows (two processes, two cores). The
    first bad row stops the writing, the reading goes on to report every bad row, and the
    transaction is rolled back: nothing of a bad file is stored.
    """
    table = connection.ops.quote_name(Incident._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    count, buffer, size = 0, [], 0
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for line, cells in rows:
            text = reader.row(line, cells)
            if text is None or reader.error_count:
                continue
            buffer.append(text)
            size += len(text)
            count += 1
            if size > 1 << 18:
                copy.write("".join(buffer))
                buffer, size = [], 0
        checked = time.perf_counter()
        if reader.error_count:
            raise ImportFailed(reader.errors, reader.error_count)
        copy.write("".join(buffer))
    return count, checked


def _check_and_insert(reader: "_Reader", rows) -> tuple[int, float]:
    """Other databases: check everything into a spool file, then insert in batches."""
    count = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        for line, cells in rows:
            text = reader.row(line, cells)
            if text is not None:
                spool.write(text)
                count += 1
        if reader.error_count:
            raise ImportFailed(reader.errors, reader.error_count)
        spool.seek(0)
        checked = time.perf_counter()
        with transaction.atomic():
            _bulk(spool)
    return count, checked


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
