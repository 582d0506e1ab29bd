"""Import of street-level offence records from CSV (or XLSX), with a TOML mapping.

The shared importer (``core/importing.py``) reads the mapping and the file, numbers the
bad rows and keeps the import all or nothing; this module checks an offence record's row
(``OffenceRows.row``); ``services.offence_records_write`` writes them. A record already
imported from the same source with the same id is updated, so importing a file twice
changes nothing. Every column of the file must be mapped or listed in ``[ignore]``: a name,
a phone or a description column can only be ignored, never stored. See
docs/open-data.md, "Importing records", for the mapping format and the reasons a row is
refused.
"""

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from precinct.core import importing
from precinct.core.importing import ImportReport, MappingFile, RowErrors, Table
from precinct.crime import services
from precinct.crime.categories import CATEGORIES, OUTCOMES
from precinct.territory import geo
from precinct.territory.models import Department, Precinct, Provenance

REQUIRED = ("id", "month", "category")
OPTIONAL = ("outcome", "outcome_date", "lat", "lon", "department")
PROVENANCES = (Provenance.REAL, Provenance.GENERATED)
MAX_REF = 100


@dataclass(frozen=True)
class Mapping:
    """Which column holds each field, how months are written, how codes map."""

    spec: MappingFile
    source: str
    provenance: str
    columns: dict[str, str]
    month_format: str
    categories: dict[str, str]
    outcomes: dict[str, str]
    department: str | None
    ignore: frozenset[str]
    csv: importing.CsvFormat


def read_mapping(path: Path) -> Mapping:
    """Read and check a mapping file (docs/open-data.md, "Importing records")."""
    spec = importing.read_mapping(path)
    source = spec.table("source", required=("name",), known=("name", "provenance"))
    columns = spec.strings("columns", required=REQUIRED, known=(*REQUIRED, *OPTIONAL))
    dates = spec.table("dates", known=("format",))
    defaults = spec.table("defaults", known=("department",))
    name = str(source["name"]).strip()
    if not name or len(name) > 60:
        raise spec.error("[source] name must be 1–60 characters.", table="source", key="name")
    provenance = str(source.get("provenance", Provenance.REAL))
    if provenance not in PROVENANCES:
        raise spec.error(
            "provenance must be 'real' or 'generated'.", table="source", key="provenance"
        )
    if ("lat" in columns) != ("lon" in columns):
        raise spec.error("map both lat and lon, or neither.", table="columns")
    categories = spec.strings("categories")
    outcomes = spec.strings("outcomes")
    _known_codes(spec, "categories", categories, CATEGORIES)
    _known_codes(spec, "outcomes", outcomes, OUTCOMES)
    ignore = spec.table("ignore", known=("columns",)).get("columns", [])
    return Mapping(
        spec=spec, source=name, provenance=provenance, columns=columns,
        month_format=str(dates.get("format", "%Y-%m")), categories=categories,
        outcomes=outcomes, department=defaults.get("department"),
        ignore=frozenset(str(c) for c in ignore), csv=importing.csv_format(spec),
    )  # fmt: skip


def _known_codes(spec, table: str, mapping: dict[str, str], codes: dict) -> None:
    for value, code in mapping.items():
        if code not in codes:
            raise spec.error(
                f"[{table}] maps {value!r} to {code!r}, which is not a code of precinct.",
                table=table,
                key=value,
            )


@dataclass(frozen=True)
class Row:
    """A checked row, ready for the writer."""

    ref: str
    month: dt.date
    category: str
    outcome: str
    outcome_month: dt.date | None
    lon: float | None
    lat: float | None
    department_id: int
    precinct_id: int | None


class OffenceRows:
    """Checks a file's rows into ``Row``s, every refusal by its line (no query per row)."""

    def __init__(self, *, mapping: Mapping, table: Table):
        self.mapping = mapping
        self.index = table.index(mapping.columns, ignored=mapping.ignore)
        self.departments = dict(Department.objects.values_list("code", "id"))
        self.precinct_department = geo_departments()
        self.default_department = None
        if mapping.department:
            if mapping.department not in self.departments:
                raise mapping.spec.error(
                    f"unknown department {mapping.department!r}.",
                    table="defaults",
                    key="department",
                )
            self.default_department = self.departments[mapping.department]
        self.first_line: dict[str, int] = {}
        self.errors = RowErrors()

    def cell(self, cells: list[str], name: str) -> str:
        i = self.index.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def row(self, line: int, cells: list[str]) -> Row | None:
        before = self.errors.count
        columns = self.mapping.columns

        def reject(name: str, reason: str) -> None:
            self.errors.add(line, reason, columns.get(name, name))

        if len(cells) < len(self.index) and max(self.index.values()) >= len(cells):
            reject("id", "the row has fewer columns than the header")
            return None
        ref = self._ref(line, self.cell(cells, "id"), reject)
        month = self._month(self.cell(cells, "month"), "month", reject)
        raw = self.cell(cells, "category")
        category = self.mapping.categories.get(raw, raw)
        if category not in CATEGORIES:
            reject("category", f"unknown category {raw!r} (map it in [categories])")
        outcome, outcome_month = self._outcome(cells, month, reject)
        lon, lat = self._position(cells, reject)
        precinct_id = None
        if lon is not None:
            found = geo.precinct_id_at(lon, lat)
            precinct_id = found if found is not None and found > 0 else None
        department_id = self._department(cells, precinct_id, reject)
        if self.errors.count > before:
            return None
        return Row(
            ref, month, category, outcome, outcome_month, lon, lat, department_id, precinct_id
        )

    def _ref(self, line: int, ref: str, reject) -> str:
        if not ref:
            reject("id", "the record's id is empty")
        elif len(ref) > MAX_REF:
            reject("id", f"the record's id is longer than {MAX_REF} characters")
        elif ref in self.first_line:
            reject("id", f"duplicate id {ref!r} (line {self.first_line[ref]})")
        else:
            self.first_line[ref] = line
        return ref

    def _month(self, raw: str, name: str, reject) -> dt.date | None:
        try:
            return dt.datetime.strptime(raw, self.mapping.month_format).date().replace(day=1)
        except ValueError:
            reject(name, f"{raw!r} is not a date in the format {self.mapping.month_format!r}")
            return None

    def _outcome(self, cells, month, reject) -> tuple[str, dt.date | None]:
        raw = self.cell(cells, "outcome")
        if not raw:
            return "", None
        outcome = self.mapping.outcomes.get(raw, raw)
        if outcome not in OUTCOMES:
            reject("outcome", f"unknown outcome {raw!r} (map it in [outcomes])")
        when_raw = self.cell(cells, "outcome_date")
        when = self._month(when_raw, "outcome_date", reject) if when_raw else month
        if when and month and when < month:
            reject("outcome_date", "the outcome is dated before the record's month")
        return outcome, when

    def _position(self, cells, reject) -> tuple[float | None, float | None]:
        raw_lon, raw_lat = self.cell(cells, "lon"), self.cell(cells, "lat")
        if not raw_lon and not raw_lat:
            return None, None
        try:
            lon, lat = float(raw_lon.replace(",", ".")), float(raw_lat.replace(",", "."))
        except ValueError:
            reject("lat", f"coordinates {raw_lat!r}, {raw_lon!r} are not numbers")
            return None, None
        if not (
            math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90
        ):
            reject("lat", f"coordinates {raw_lat!r}, {raw_lon!r} are not on Earth")
            return None, None
        return lon, lat

    def _department(self, cells, precinct_id, reject) -> int | None:
        code = self.cell(cells, "department")
        if code:
            if code not in self.departments:
                reject("department", f"unknown department {code!r}")
            return self.departments.get(code)
        if self.default_department is not None:
            return self.default_department
        if precinct_id is not None:
            return self.precinct_department[precinct_id]
        reject("department", "no department: give a code, a default or a place inside a precinct")
        return None


def geo_departments() -> dict[int, int]:
    """Each precinct's department, read once."""
    return dict(Precinct.objects.values_list("id", "department_id"))


def offence_records_import(*, path: Path, mapping: Mapping) -> ImportReport:
    """Import a file of offence records, all or nothing; same ids of the source update."""
    with importing.open_table(path, mapping.csv) as table:
        rows = OffenceRows(mapping=mapping, table=table)

        def write(records) -> None:
            services.offence_records_write(
                rows=list(records), source=mapping.source, provenance=mapping.provenance,
                file_name=Path(path).name,
            )  # fmt: skip

        return importing.import_rows(table, rows.row, write, errors=rows.errors)
