"""The one way to import a table file described by a TOML mapping: all or nothing.

An importer (``dispatch/importing.py``, ``surveys/importer.py``) keeps only what is its
own: which mapping keys it knows, the types of its columns, its lookups and its writes.
This module does the rest the same way for every importer:

- ``read_mapping`` reads the TOML file; a wrong one is a ``MappingError`` naming the file,
  the line and the column (``MappingFile.error`` finds the line of a table or key);
- ``open_table`` reads a CSV (``[csv]`` encoding and delimiter, the delimiter sniffed when
  not given) or the first sheet of an XLSX file; ``Table.index`` places the mapped columns
  in the header and refuses a header that does not fit;
- ``RowErrors`` collects each bad row's reasons with its line (the first ``limit`` kept,
  the rest counted);
- ``import_rows`` checks every row and hands the good ones to the importer's writer in one
  transaction; one bad row (or an unreadable line) raises ``ImportRefused`` and nothing
  is written;
- ``refusals_as_command_errors`` turns both errors into the command's error message (file
  and line named), so the command exits non-zero.

Command output is English, as every management command's is.
"""

import codecs
import csv
import datetime as dt
import re
import time
import tomllib
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.core.management.base import CommandError
from django.db import transaction

from precinct.core.errors import DomainError

MAX_SHOWN = 50
SNIFFED_DELIMITERS = ",;\t"
XLSX_SUFFIXES = (".xlsx", ".xlsm")
Record = TypeVar("Record")


class MappingError(DomainError):
    """The mapping file is wrong, or names what the database does not hold."""

    code = "mapping_invalid"

    def __init__(
        self, reason: str, *, path: Path, line: int | None = None, column: int | None = None
    ):
        where = str(path)
        if line:
            where += f", line {line}"
        if line and column:
            where += f", column {column}"
        super().__init__(f"{where}: {reason}", field="mapping")
        self.path, self.line, self.column, self.reason = Path(path), line, column, reason


@dataclass(frozen=True)
class RowError:
    """One reason one line of the file is refused (line 0: the file as a whole)."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        if self.column:
            where += f": {self.column}"
        return f"{where}: {self.reason}"


class RowErrors:
    """Every bad row's reasons by line: the first ``limit`` kept, all of them counted.

    Rows are checked in file order, so a row's reasons come together; ``bad_rows`` counts
    the lines, ``count`` the reasons (a row may have several).
    """

    def __init__(self, limit: int = MAX_SHOWN):
        self.limit = limit
        self.shown: list[RowError] = []
        self.count = 0
        self.bad_rows = 0
        self._last_line = -1

    def add(self, line: int, reason: str, column: str = "") -> None:
        if line != self._last_line:
            self.bad_rows += 1
            self._last_line = line
        self.count += 1
        if len(self.shown) < self.limit:
            self.shown.append(RowError(line, column, reason))


class ImportRefused(DomainError):
    """The file was refused and nothing was imported; the message lists the bad lines."""

    code = "import_refused"

    def __init__(self, *, path: Path, errors: RowErrors, summary: str | None = None):
        summary = summary or f"{errors.bad_rows} bad rows, nothing imported"
        more = errors.count - len(errors.shown)
        if more:
            summary += f" (and {more} more)"
        text = "\n".join([f"{path}: {summary}:", *(f"  {e}" for e in errors.shown)])
        rows = [(e.column or None, str(e)) for e in errors.shown]
        super().__init__(text, field="file", errors=rows)
        self.path, self.rejections, self.bad_rows = Path(path), errors.shown, errors.bad_rows

    @property
    def rejected_lines(self) -> list[int]:
        """The refused lines among the reasons shown."""
        return sorted({e.line for e in self.rejections if e.line})


# --- the mapping ---------------------------------------------------------------------------

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


@dataclass(frozen=True)
class MappingFile:
    """A parsed TOML mapping and its text, to name the line of what is wrong in it."""

    path: Path
    data: dict[str, Any]
    text: str

    def error(self, reason: str, *, table: str | None = None, key: str | None = None):
        """A ``MappingError`` at the line of ``[table]`` (or of its ``key``), when found."""
        return MappingError(reason, path=self.path, line=self._line_of(table, key))

    def table(self, name: str, *, required=(), known=None) -> dict[str, Any]:
        """``[name]`` (empty when absent); refuses missing required and unknown keys."""
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise self.error(f"[{name}] must be a table", table=name)
        missing = [k for k in required if k not in value]
        if missing:
            names = ", ".join(f"'{k}'" for k in missing)
            raise self.error(f"[{name}] needs {names}.", table=name)
        unknown = sorted(set(value) - set(known)) if known is not None else []
        if unknown:
            raise self.error(
                f"unknown keys in [{name}]: {', '.join(unknown)}.", table=name, key=unknown[0]
            )
        return value

    def strings(self, name: str, **checks) -> dict[str, str]:
        """``[name]`` as text keys and values (a column name, a code, a value of the file)."""
        return {str(k): str(v) for k, v in self.table(name, **checks).items()}

    def _line_of(self, table: str | None, key: str | None) -> int | None:
        """The line of ``[table]``, or of ``key`` inside it (plain layouts; else None)."""
        if table is None:
            return None
        current, header = None, None
        key_pattern = key and re.compile(rf"""^["']?{re.escape(key)}["']?\s*=""")
        for number, raw in enumerate(self.text.splitlines(), start=1):
            text = raw.strip()
            if text.startswith("["):
                current = text.split("#", 1)[0].strip().strip("[]").strip()
                header = number if current == table else header
            elif key_pattern and current == table and key_pattern.match(text):
                return number
        return header


def read_mapping(path: Path) -> MappingFile:
    """Read a TOML mapping; a file that cannot be read or parsed is a ``MappingError``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"cannot read the mapping: {exc}", path=path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        if position is None:
            raise MappingError(message, path=path) from None
        line, column = (int(n) for n in position.groups())
        message = message[: position.start()]
        raise MappingError(message, path=path, line=line, column=column) from None
    return MappingFile(path=path, data=data, text=text)


@dataclass(frozen=True)
class CsvFormat:
    """How a CSV file is written; ``delimiter=None``: sniffed among , ; and tab."""

    encoding: str = "utf-8"
    delimiter: str | None = None


def csv_format(mapping: MappingFile, *, delimiter: str | None = None) -> CsvFormat:
    """The ``[csv]`` table of a mapping: ``encoding`` and ``delimiter`` (else the default)."""
    table = mapping.table("csv", known=("encoding", "delimiter"))
    encoding = str(table.get("encoding", "utf-8"))
    try:
        codecs.lookup(encoding)
    except LookupError:
        reason = f"unknown encoding {encoding!r}."
        raise mapping.error(reason, table="csv", key="encoding") from None
    delimiter = table.get("delimiter", delimiter)
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise mapping.error("delimiter must be one character.", table="csv", key="delimiter")
    return CsvFormat(encoding=encoding, delimiter=delimiter)


# --- the table -----------------------------------------------------------------------------


class Table:
    """A header and numbered rows of a CSV or XLSX file; open it with ``open_table``."""

    def __init__(self, path: Path, header: list[str], source, encoding: str = "utf-8"):
        self.path = path
        self.header = header
        self._source = source  # iterates over rows' cells; line_num: the last row's line
        self._encoding = encoding

    def index(self, columns: dict[str, str], *, ignored=None) -> dict[str, int]:
        """Each mapped field's position in the header.

        Refuses the file (line 1) when a mapped column is not in the header and, given
        ``ignored``, when a column of the header is neither mapped nor ignored.
        """
        errors = RowErrors()
        for column in dict.fromkeys(columns.values()):
            if column not in self.header:
                errors.add(1, "mapped column not in the file's header", column)
        if ignored is not None:
            known = set(columns.values()) | set(ignored)
            for column in self.header:
                if column and column not in known:
                    errors.add(1, "unknown column (map it or ignore it)", column)
        if errors.count:
            summary = "the header does not fit the mapping, nothing imported"
            raise ImportRefused(path=self.path, errors=errors, summary=summary)
        return {name: self.header.index(column) for name, column in columns.items()}

    def rows(self, errors: RowErrors) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) of every row that is not blank. A line that cannot be read is
        added to ``errors`` and ends the rows (hot path: a million rows per import)."""
        source = self._source
        try:
            for cells in source:
                # The first cell decides for almost every row; a blank row has none.
                if cells and (cells[0].strip() or any(map(str.strip, cells))):
                    yield source.line_num, cells
        except UnicodeDecodeError:
            errors.add(_undecodable_line(self.path, self._encoding), _not_text(self._encoding))
        except csv.Error as exc:
            errors.add(source.line_num + 1, f"not CSV: {exc}")


class _Unreadable(Exception):
    def __init__(self, line: int, reason: str):
        self.line, self.reason = line, reason


@contextmanager
def open_table(path: Path, fmt: CsvFormat = CsvFormat()) -> Iterator[Table]:
    """The file as a ``Table`` (an XLSX file's first sheet); refused when unreadable."""
    path = Path(path)
    try:
        if path.suffix.lower() in XLSX_SUFFIXES:
            with _xlsx_table(path) as table:
                yield table
        else:
            with _csv_table(path, fmt) as table:
                yield table
    except _Unreadable as exc:
        errors = RowErrors()
        errors.add(exc.line, exc.reason)
        raise ImportRefused(path=path, errors=errors, summary="cannot read the file") from None


def _utf8_with_bom(encoding: str) -> str:
    """UTF-8 files from Excel start with a byte-order mark; read it as such, not as text."""
    return "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding


@contextmanager
def _csv_table(path: Path, fmt: CsvFormat) -> Iterator[Table]:
    encoding = _utf8_with_bom(fmt.encoding)
    try:
        handle = open(path, newline="", encoding=encoding)  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise _Unreadable(0, exc.strerror or str(exc)) from None
    with handle:
        try:
            dialect = _dialect(handle, fmt.delimiter)
            reader = csv.reader(handle, dialect)
            header = [h.strip() for h in next(reader, [])]
        except UnicodeDecodeError:
            line = _undecodable_line(path, fmt.encoding)
            raise _Unreadable(line, _not_text(fmt.encoding)) from None
        except csv.Error as exc:
            raise _Unreadable(1, f"not CSV: {exc}") from None
        yield Table(path, header, reader, fmt.encoding)


def _dialect(handle, delimiter: str | None):
    if delimiter is not None:
        return type("Given", (csv.excel,), {"delimiter": delimiter})
    sample = handle.read(4096)
    handle.seek(0)
    try:
        return csv.Sniffer().sniff(sample, delimiters=SNIFFED_DELIMITERS)
    except csv.Error:
        return csv.excel


def _not_text(encoding: str) -> str:
    return f"not {encoding} text (name the file's encoding in [csv] encoding, e.g. 'cp1251')"


def _undecodable_line(path: Path, encoding: str) -> int:
    """The first line that does not decode (the reader decodes ahead, in blocks)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError:
                return number
    return 0


class _SheetRows:
    """A sheet's rows as text cells, numbered as the spreadsheet numbers them."""

    def __init__(self, rows):
        self._rows = rows
        self.line_num = 1

    def __iter__(self) -> Iterator[list[str]]:
        for cells in self._rows:
            self.line_num += 1
            yield [_cell_text(c) for c in cells]


@contextmanager
def _xlsx_table(path: Path) -> Iterator[Table]:
    from openpyxl import load_workbook  # only XLSX files need it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        raise _Unreadable(0, exc.strerror or str(exc)) from None
    except (ValueError, KeyError, zipfile.BadZipFile) as exc:  # openpyxl's refusals
        raise _Unreadable(0, f"not an XLSX workbook: {exc}") from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [_cell_text(h) for h in next(rows, ())]
        yield Table(path, header, _SheetRows(rows))
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).strip()


# --- all or nothing ------------------------------------------------------------------------


@dataclass
class ImportReport:
    """An import that was written: how many rows, and where the time went."""

    rows: int
    seconds: float = 0.0
    check_seconds: float = 0.0  # reading and checking every row (writes may run alongside)
    write_seconds: float = 0.0  # what the writer did after the last row, and the commit


def import_rows(
    table: Table,
    check: Callable[[int, list[str]], Record | None],
    write: Callable[[Iterable[Record]], object],
    *,
    errors: RowErrors,
) -> ImportReport:
    """Check every row of ``table`` and write the good ones in one transaction, or none.

    ``check(line, cells)`` returns the row's record, or ``None`` after adding its reasons
    to ``errors``. ``write(records)`` must consume the whole iterable: it may stream the
    records into the database as they come, or gather them first. After a bad row the
    iterable yields no more records but checks on, and at its end raises
    ``ImportRefused`` with every bad line; the transaction is then rolled back.
    """
    start = time.perf_counter()
    written, checked = 0, None

    def records() -> Iterator[Record]:
        nonlocal written, checked
        for line, cells in table.rows(errors):
            record = check(line, cells)
            if record is not None and not errors.count:
                written += 1
                yield record
        checked = time.perf_counter()
        if errors.count:
            raise ImportRefused(path=table.path, errors=errors)

    with transaction.atomic():
        write(records())
        if checked is None:
            raise RuntimeError("the writer stopped before the last row")
    end = time.perf_counter()
    return ImportReport(
        rows=written,
        seconds=end - start,
        check_seconds=checked - start,
        write_seconds=end - checked,
    )


@contextmanager
def refusals_as_command_errors() -> Iterator[None]:
    """In a management command: a refused mapping or file is the command's error (its
    message names the file and each bad line; the command exits with status 1)."""
    try:
        yield
    except (MappingError, ImportRefused) as exc:
        raise CommandError(exc.message) from None
