"""Import of field-survey files (CSV or XLSX exports of KoboToolbox, LimeSurvey …).

A TOML mapping names which column holds what::

    [respondent]
    id = "_uuid"                    # unique per survey: duplicates are refused
    age = "age"                     # years (or age_group = "column" with 18-29 … 60+)
    sex = "sex"
    district = "district"
    submitted_at = "_submission_time"   # optional, ISO 8601

    [answers]                       # question key = column
    trust_local = "q1"

    [values.sex]                    # a value in the file = the value precinct stores
    "1" = "m"
    "2" = "f"

    [values.district]               # a value in the file = a department code
    "Алмалинский" = "up-almaly"

    [ignore]
    columns = ["_id", "start", "end"]

Every column of the file must be mapped or ignored. Every bad row is reported by its line;
one bad row means nothing is imported.
"""

import csv
import datetime as dt
import io
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from precinct.surveys.answers import clean_answers
from precinct.surveys.models import Question, Response, Survey
from precinct.territory.models import Department

RESPONDENT_FIELDS = {"id", "age", "age_group", "sex", "district", "submitted_at"}
MAX_REPORTED = 200


class MappingError(ValueError):
    """The mapping file itself is wrong."""


@dataclass(frozen=True)
class Rejection:
    """One reason one line of the file is refused (line 0: the file as a whole)."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return (
            f"{where}: {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"
        )


@dataclass
class ImportReport:
    """What a file holds: rows that would be imported, and every refusal by line."""

    rows: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejections

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({r.line for r in self.rejections if r.line})

    def summary(self) -> str:
        if self.ok:
            return f"{self.rows} rows, all valid"
        lines = [f"{self.rows} rows, {len(self.rejected_lines)} rejected; nothing imported:"]
        lines += [f"  {r}" for r in self.rejections[:MAX_REPORTED]]
        if len(self.rejections) > MAX_REPORTED:
            lines.append(f"  … and {len(self.rejections) - MAX_REPORTED} more")
        return "\n".join(lines)


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping: respondent columns, answer columns, value maps, ignored columns."""

    respondent: dict[str, str]
    answers: dict[str, str]
    values: dict[str, dict[str, str]]
    ignore: frozenset[str]

    @property
    def columns(self) -> set[str]:
        return set(self.respondent.values()) | set(self.answers.values())


def read_mapping(path: Path) -> Mapping:
    """Parse and check the TOML mapping."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"{path}: {exc}") from None
    respondent = {str(k): str(v) for k, v in data.get("respondent", {}).items()}
    unknown = set(respondent) - RESPONDENT_FIELDS
    if unknown:
        raise MappingError(f"[respondent] has unknown keys: {', '.join(sorted(unknown))}")
    missing = {"id", "sex", "district"} - set(respondent)
    if not ("age" in respondent or "age_group" in respondent):
        missing.add("age")
    if missing:
        raise MappingError(f"[respondent] must name the columns of: {', '.join(sorted(missing))}")
    values = {
        str(k): {str(a): str(b) for a, b in v.items()} for k, v in data.get("values", {}).items()
    }
    return Mapping(
        respondent=respondent,
        answers={str(k): str(v) for k, v in data.get("answers", {}).items()},
        values=values,
        ignore=frozenset(str(c) for c in data.get("ignore", {}).get("columns", [])),
    )


def read_table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (line number, row) pairs of a CSV or XLSX file; cells as text."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raw = path.read_bytes().decode("utf-8-sig")
    try:
        dialect = csv.Sniffer().sniff(raw[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(raw), dialect)
    header = [h.strip() for h in next(reader, [])]
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        rows.append((reader.line_num, dict(zip(header, cells, strict=False))))
    return header, rows


def _read_xlsx(path: Path):
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows_iter, ())]
        rows = []
        for number, cells in enumerate(rows_iter, start=2):
            texts = [_cell_text(c) for c in cells]
            if not any(texts):
                continue
            rows.append((number, dict(zip(header, texts, strict=False))))
    finally:
        workbook.close()
    return header, rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).strip()


def age_group_of(age: int) -> str:
    """The weighting age group of an age in years."""
    if age < 30:
        return Response.AgeGroup.A18
    if age < 45:
        return Response.AgeGroup.A30
    if age < 60:
        return Response.AgeGroup.A45
    return Response.AgeGroup.A60


def check_file(*, survey: Survey, path: Path, mapping: Mapping) -> ImportReport:
    """Read and check a whole file; the report holds unsaved responses or the refusals."""
    report = ImportReport()
    try:
        header, rows = read_table(path)
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        report.rejections.append(Rejection(0, "", f"cannot read the file: {exc}"))
        return report
    questions = list(survey.questionnaire.questions.all())
    keys = {q.key for q in questions}
    for key in sorted(set(mapping.answers) - keys):
        report.rejections.append(Rejection(0, key, "[answers] names no question of the survey"))
    unknown = [c for c in header if c and c not in mapping.columns and c not in mapping.ignore]
    for column in unknown:
        report.rejections.append(Rejection(1, column, "unknown column (map it or ignore it)"))
    for column in sorted(mapping.columns - set(header)):
        report.rejections.append(Rejection(1, column, "mapped column missing from the file"))
    if report.rejections:
        return report
    departments = {d.code: d for d in Department.objects.filter(region=survey.region)}
    existing = set(
        survey.responses.exclude(respondent_ref="").values_list("respondent_ref", flat=True)
    )
    first_line: dict[str, int] = {}
    report.rows = len(rows)
    for line, row in rows:
        response = _check_row(
            survey, line, row, mapping, questions, departments, existing, first_line, report
        )
        if response is not None:
            report.responses.append(response)
    if report.rejections:
        report.responses = []
    return report


def _value(mapping: Mapping, name: str, raw: str) -> str:
    table = mapping.values.get(name)
    return table.get(raw, raw) if table else raw


def _check_row(survey, line, row, mapping, questions, departments, existing, first_line, report):
    reject = report.rejections.append
    column = mapping.respondent
    before = len(report.rejections)
    ref = row.get(column["id"], "").strip()
    if not ref:
        reject(Rejection(line, column["id"], "respondent id is empty"))
    elif ref in first_line:
        reject(
            Rejection(
                line, column["id"], f"duplicate respondent id {ref!r} (line {first_line[ref]})"
            )
        )
    elif ref in existing:
        reject(Rejection(line, column["id"], f"respondent id {ref!r} already imported"))
    else:
        first_line[ref] = line
    age_group = ""
    if "age" in column:
        raw = row.get(column["age"], "").strip()
        try:
            age = int(float(raw.replace(",", ".")))
        except ValueError:
            age = None
        low, high = settings.PRECINCT_SURVEY_MIN_AGE, 110
        if age is None or not low <= age <= high:
            reject(
                Rejection(line, column["age"], f"impossible age {raw!r} (expected {low}–{high})")
            )
        else:
            age_group = age_group_of(age)
    else:
        age_group = _value(mapping, "age_group", row.get(column["age_group"], "").strip())
        if age_group not in Response.AgeGroup.values:
            reject(Rejection(line, column["age_group"], f"unknown age group {age_group!r}"))
    sex = _value(mapping, "sex", row.get(column["sex"], "").strip()).lower()
    if sex not in Response.Sex.values:
        reject(Rejection(line, column["sex"], f"unknown sex {sex!r} (map it to m or f)"))
    code = _value(mapping, "district", row.get(column["district"], "").strip())
    department = departments.get(code)
    if department is None:
        reject(Rejection(line, column["district"], f"unknown district {code!r}"))
    submitted = timezone.now()
    if "submitted_at" in column:
        raw = row.get(column["submitted_at"], "").strip()
        parsed = parse_datetime(raw) if raw else None
        if parsed is None and raw and parse_date(raw):
            parsed = dt.datetime.combine(parse_date(raw), dt.time(12))
        if raw and parsed is None:
            reject(Rejection(line, column["submitted_at"], f"not a date and time: {raw!r}"))
        elif parsed is not None:
            submitted = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    raw_answers = {}
    for key, col in mapping.answers.items():
        value = _value(mapping, key, row.get(col, "").strip())
        question = next(q for q in questions if q.key == key)
        if question.kind == Question.Kind.MULTIPLE and value:
            value = value.replace(",", " ").replace(";", " ").split()
        raw_answers[key] = value
    clean, errors = clean_answers(questions, raw_answers)
    for error in errors:
        reject(Rejection(line, mapping.answers.get(error.key, error.key), error.message))
    if len(report.rejections) > before:
        return None
    return Response(
        survey=survey,
        department=department,
        age_group=age_group,
        sex=sex,
        answers=clean,
        source=Response.Source.IMPORT,
        respondent_ref=ref,
        submitted_at=submitted,
    )
