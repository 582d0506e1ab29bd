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

    [csv]                           # optional: the delimiter is sniffed when not given
    encoding = "utf-8"

Every column of the file must be mapped or ignored. Every bad row is reported by its line;
one bad row means nothing is imported. Reading the mapping and the file, the line numbers
and the all-or-nothing import are the shared importer's (``core/importing.py``); this
module checks a respondent's row; ``services.responses_import`` writes.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from precinct.core import importing
from precinct.core.importing import MappingFile, RowErrors, Table
from precinct.surveys.answers import clean_answers
from precinct.surveys.models import Question, Response, Survey
from precinct.territory.models import Department

RESPONDENT_FIELDS = ("id", "age", "age_group", "sex", "district", "submitted_at")
MAX_REPORTED = 200  # a row may have several reasons


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping: respondent columns, answer columns, value maps, ignored columns."""

    spec: MappingFile  # the file, to name the line of a later refusal
    respondent: dict[str, str]
    answers: dict[str, str]
    values: dict[str, dict[str, str]]
    ignore: frozenset[str]
    csv: importing.CsvFormat

    @property
    def columns(self) -> set[str]:
        return set(self.respondent.values()) | set(self.answers.values())


def read_mapping(path: Path) -> Mapping:
    """Parse and check the TOML mapping."""
    spec = importing.read_mapping(path)
    respondent = spec.strings(
        "respondent", required=("id", "sex", "district"), known=RESPONDENT_FIELDS
    )
    if not ("age" in respondent or "age_group" in respondent):
        raise spec.error("[respondent] needs 'age' or 'age_group'.", table="respondent")
    values = {}
    for name, table in spec.table("values").items():
        if not isinstance(table, dict):
            raise spec.error(f"[values.{name}] must be a table", table="values", key=name)
        values[str(name)] = {str(a): str(b) for a, b in table.items()}
    ignore = spec.table("ignore", known=("columns",)).get("columns", [])
    return Mapping(
        spec=spec,
        respondent=respondent,
        answers=spec.strings("answers"),
        values=values,
        ignore=frozenset(str(c) for c in ignore),
        csv=importing.csv_format(spec),
    )


def age_group_of(age: int) -> str:
    """The weighting age group of an age in years."""
    if age < 30:
        return Response.AgeGroup.A18
    if age < 45:
        return Response.AgeGroup.A30
    if age < 60:
        return Response.AgeGroup.A45
    return Response.AgeGroup.A60


class ResponseRows:
    """Checks a field file's rows into unsaved responses, every refusal by its line."""

    def __init__(self, *, survey: Survey, mapping: Mapping, table: Table):
        self.questions = list(survey.questionnaire.questions.all())
        unknown = sorted(set(mapping.answers) - {q.key for q in self.questions})
        if unknown:
            raise mapping.spec.error(
                f"[answers] names no question of the survey: {', '.join(unknown)}",
                table="answers",
                key=unknown[0],
            )
        table.index({c: c for c in sorted(mapping.columns)}, ignored=mapping.ignore)
        self.survey, self.mapping, self.header = survey, mapping, table.header
        self.departments = {d.code: d for d in Department.objects.filter(region=survey.region)}
        self.existing = set(
            survey.responses.exclude(respondent_ref="").values_list("respondent_ref", flat=True)
        )
        self.first_line: dict[str, int] = {}  # respondent id -> the line that had it first
        self.errors = RowErrors(limit=MAX_REPORTED)

    def row(self, line: int, cells: list[str]) -> Response | None:
        """The row's unsaved response, or None after adding its reasons to ``errors``."""
        before = self.errors.count
        row = dict(zip(self.header, cells, strict=False))
        column = self.mapping.respondent

        def cell(name: str) -> str:
            """The respondent's ``name`` as precinct stores it ([values.name] applied)."""
            return self._value(name, row.get(column[name], "").strip())

        def reject(name: str, reason: str) -> None:
            self.errors.add(line, reason, column[name])

        ref = self._respondent_ref(line, row.get(column["id"], "").strip(), reject)
        age_group = self._age_group(row, reject)
        sex = cell("sex").lower()
        if sex not in Response.Sex.values:
            reject("sex", f"unknown sex {sex!r} (map it to m or f)")
        department = self.departments.get(cell("district"))
        if department is None:
            reject("district", f"unknown district {cell('district')!r}")
        submitted = self._submitted_at(row, reject)
        answers = self._answers(line, row)
        if self.errors.count > before:
            return None
        return Response(
            survey=self.survey, department=department, age_group=age_group, sex=sex,
            answers=answers, source=Response.Source.IMPORT, respondent_ref=ref,
            submitted_at=submitted,
        )  # fmt: skip

    def _value(self, name: str, raw: str) -> str:
        table = self.mapping.values.get(name)
        return table.get(raw, raw) if table else raw

    def _respondent_ref(self, line: int, ref: str, reject) -> str:
        if not ref:
            reject("id", "respondent id is empty")
        elif ref in self.first_line:
            reject("id", f"duplicate respondent id {ref!r} (line {self.first_line[ref]})")
        elif ref in self.existing:
            reject("id", f"respondent id {ref!r} already imported")
        else:
            self.first_line[ref] = line
        return ref

    def _age_group(self, row: dict[str, str], reject) -> str:
        column = self.mapping.respondent
        if "age" not in column:
            group = self._value("age_group", row.get(column["age_group"], "").strip())
            if group not in Response.AgeGroup.values:
                reject("age_group", f"unknown age group {group!r}")
            return group
        raw = row.get(column["age"], "").strip()
        try:
            age = int(float(raw.replace(",", ".")))
        except ValueError:
            age = None
        low, high = settings.PRECINCT_SURVEY_MIN_AGE, 110
        if age is None or not low <= age <= high:
            reject("age", f"impossible age {raw!r} (expected {low}–{high})")
            return ""
        return age_group_of(age)

    def _submitted_at(self, row: dict[str, str], reject) -> dt.datetime:
        column = self.mapping.respondent
        raw = row.get(column["submitted_at"], "").strip() if "submitted_at" in column else ""
        if not raw:
            return timezone.now()
        parsed = parse_datetime(raw)
        if parsed is None and parse_date(raw):
            parsed = dt.datetime.combine(parse_date(raw), dt.time(12))
        if parsed is None:
            reject("submitted_at", f"not a date and time: {raw!r}")
            return timezone.now()
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)

    def _answers(self, line: int, row: dict[str, str]) -> dict:
        raw_answers = {}
        for key, col in self.mapping.answers.items():
            value = self._value(key, row.get(col, "").strip())
            question = next(q for q in self.questions if q.key == key)
            if question.kind == Question.Kind.MULTIPLE and value:
                value = value.replace(",", " ").replace(";", " ").split()
            raw_answers[key] = value
        clean, refusals = clean_answers(self.questions, raw_answers)
        for refusal in refusals:
            column = self.mapping.answers.get(refusal.key, refusal.key)
            self.errors.add(line, refusal.message, column)
        return clean
