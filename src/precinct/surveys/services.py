"""Writers of surveys: questionnaires, waves, invitations and responses.

A resident's answers are committed before the page thanks him (the service returns only
after the transaction commits).
"""

import datetime as dt
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from precinct.audit.models import AuditEntry
from precinct.audit.services import audit_record
from precinct.core import importing, numbers
from precinct.core.errors import DomainError
from precinct.core.hashing import private_hash, token_hash
from precinct.surveys import importer
from precinct.surveys.answers import clean_answers
from precinct.surveys.models import (
    Invitation,
    PopulationMargin,
    Question,
    Questionnaire,
    Response,
    Survey,
)
from precinct.territory.models import Department, Region

STANDARD_QUESTIONNAIRE = Path(__file__).parent / "data" / "police_trust_v1.json"


class SurveyError(DomainError):
    """A survey write that breaks a rule; ``field`` names what is wrong."""


class AnswersRefused(SurveyError):
    """Answers that do not fit the questionnaire, every refusal in ``errors`` by question key."""

    code = "answers"


def questionnaire_load(*, data: dict, models=None) -> Questionnaire:
    """Create a questionnaire version from its data (the JSON of ``data/``); published.

    ``models`` lets a data migration pass its historical (Questionnaire, Question).
    """
    questionnaire_model, question_model = models or (Questionnaire, Question)
    with transaction.atomic():
        questionnaire = questionnaire_model.objects.create(
            code=data["code"],
            version=data["version"],
            text=data["text"],
            text_kk=data.get("text_kk", ""),
            text_en=data.get("text_en", ""),
            published=True,
        )
        question_model.objects.bulk_create(
            question_model(
                questionnaire=questionnaire,
                position=position,
                key=q["key"],
                kind=q["kind"],
                required=q.get("required", False),
                text=q["text"],
                text_kk=q.get("text_kk", ""),
                text_en=q.get("text_en", ""),
                options=q.get("options", []),
            )
            for position, q in enumerate(data["questions"], start=1)
        )
    return questionnaire


def questionnaire_standard_ensure() -> Questionnaire:
    """The standard questionnaire, loaded from the shipped data if the database lacks it
    (a database flushed after its migrations ran)."""
    import json

    data = json.loads(STANDARD_QUESTIONNAIRE.read_text(encoding="utf-8"))
    found = Questionnaire.objects.filter(code=data["code"], version=data["version"]).first()
    return found or questionnaire_load(data=data)


@transaction.atomic
def questionnaire_new_version(*, questionnaire: Questionnaire) -> Questionnaire:
    """A draft copy of a version, to edit; published versions stay as they were answered."""
    latest = Questionnaire.objects.filter(code=questionnaire.code).order_by("-version").first()
    questions = list(questionnaire.questions.all())
    copy = Questionnaire.objects.create(
        code=questionnaire.code,
        version=latest.version + 1,
        text=questionnaire.text,
        text_kk=questionnaire.text_kk,
        text_en=questionnaire.text_en,
        published=False,
    )
    for q in questions:
        q.pk = None
        q.questionnaire = copy
    Question.objects.bulk_create(questions)
    return copy


def survey_create(
    *,
    questionnaire: Questionnaire,
    region: Region,
    period: str,
    opens_on: dt.date,
    closes_on: dt.date,
    mode: str = Survey.Mode.INVITATION,
    text: str = "",
    text_en: str = "",
    text_kk: str = "",
) -> Survey:
    """A survey wave; an open-link wave gets its secret link key."""
    if not questionnaire.published:
        raise SurveyError(
            _("Only a published questionnaire can be fielded."), field="questionnaire"
        )
    if closes_on < opens_on:
        raise SurveyError(_("The survey closes before it opens."), field="closes_on")
    return Survey.objects.create(
        questionnaire=questionnaire,
        region=region,
        period=period,
        opens_on=opens_on,
        closes_on=closes_on,
        mode=mode,
        open_key=secrets.token_urlsafe(16) if mode == Survey.Mode.OPEN else "",
        text=text or questionnaire.text,
        text_en=text_en or questionnaire.text_en,
        text_kk=text_kk or questionnaire.text_kk,
    )


@transaction.atomic
def invitations_issue(
    *, survey: Survey, count: int, department: Department | None = None
) -> list[str]:
    """``count`` one-time tokens; the raw tokens are returned only here."""
    if count < 1 or count > 100_000:
        raise SurveyError(_("Issue between 1 and 100,000 invitations at a time."), field="count")
    tokens = [secrets.token_urlsafe(18) for _ in range(count)]
    Invitation.objects.bulk_create(
        Invitation(survey=survey, token_hash=token_hash(t), department=department) for t in tokens
    )
    return tokens


def invitation_find(*, token: str) -> Invitation | None:
    """The unused invitation of a token, or None."""
    return (
        Invitation.objects.select_related("survey", "survey__questionnaire")
        .filter(token_hash=token_hash(token), used_at__isnull=True)
        .first()
    )


def _check_open(survey: Survey, now) -> None:
    today = timezone.localdate(now)
    if not survey.opens_on <= today <= survey.closes_on:
        raise SurveyError(_("This survey is not open now."), code="closed", status=410)


def _demographics(survey: Survey, department_id, age_group: str, sex: str) -> Department:
    if age_group not in Response.AgeGroup.values:
        raise SurveyError(_("Choose an age group."), field="age_group")
    if sex not in Response.Sex.values:
        raise SurveyError(_("Choose your sex."), field="sex")
    department = Department.objects.filter(pk=department_id, region=survey.region).first()
    if department is None:
        raise SurveyError(_("Choose your district."), field="department")
    return department


def _questions(survey: Survey) -> list[Question]:
    return list(survey.questionnaire.questions.all())


def response_submit_invitation(
    *, token: str, department_id: int, age_group: str, sex: str, answers: dict
) -> Response:
    """Record the answers of an invited respondent; the token works exactly once."""
    now = timezone.now()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("survey", "survey__questionnaire", "survey__region")
            .filter(token_hash=token_hash(token))
            .first()
        )
        if invitation is None:
            raise SurveyError(_("This invitation link is not valid."), code="not_found", status=404)
        if invitation.used_at is not None:
            raise SurveyError(_("This invitation has already been used."), code="used", status=410)
        survey = invitation.survey
        _check_open(survey, now)
        response = _response_create(
            survey, now, Response.Source.INVITATION, department_id, age_group, sex, answers
        )
        invitation.used_at = now
        invitation.save(update_fields=["used_at"])
        return response


def response_submit_open(
    *,
    survey: Survey,
    key: str,
    client: str,
    department_id: int,
    age_group: str,
    sex: str,
    answers: dict,
) -> Response:
    """Record answers through the open link, at most N per client address and hour."""
    now = timezone.now()
    if survey.mode != Survey.Mode.OPEN or not secrets.compare_digest(survey.open_key, key):
        raise SurveyError(_("This survey link is not valid."), code="not_found", status=404)
    _check_open(survey, now)
    client_hash = private_hash(client, purpose="survey-client")
    since = now - dt.timedelta(hours=1)
    with transaction.atomic():
        recent = Response.objects.filter(
            survey=survey, client_hash=client_hash, submitted_at__gte=since
        ).count()
        if recent >= settings.PRECINCT_SURVEY_OPEN_PER_HOUR:
            raise SurveyError(
                _("Too many answers from this connection; try again later."),
                code="limited",
                status=429,
            )
        return _response_create(
            survey,
            now,
            Response.Source.OPEN,
            department_id,
            age_group,
            sex,
            answers,
            client_hash=client_hash,
        )


def _response_create(survey, now, source, department_id, age_group, sex, answers, **extra):
    """Check demographics and answers against the questionnaire, then store the response."""
    department = _demographics(survey, department_id, age_group, sex)
    clean, errors = clean_answers(_questions(survey), answers)
    if errors:
        raise AnswersRefused.of_fields([(e.key, e.message) for e in errors])
    return Response.objects.create(
        survey=survey,
        department=department,
        age_group=age_group,
        sex=sex,
        answers=clean,
        source=source,
        submitted_at=now,
        **extra,
    )


@transaction.atomic
def margins_set(
    *, region: Region, dimension: str, totals: dict[str, int], source: str, actor=None
) -> int:
    """Replace one weighting margin of a region; its categories must sum to the population."""
    if dimension not in PopulationMargin.Dimension.values:
        raise SurveyError(
            _("Unknown margin “%(margin)s”.") % {"margin": dimension}, field="dimension"
        )
    if any(v < 0 for v in totals.values()):
        raise SurveyError(_("A margin total cannot be negative."), field="totals")
    total = sum(totals.values())
    other = (
        PopulationMargin.objects.filter(region=region)
        .exclude(dimension=dimension)
        .values_list("dimension", "population")
    )
    sums: dict[str, int] = {}
    for dim, population in other:
        sums[dim] = sums.get(dim, 0) + population
    for dim, other_total in sums.items():
        if other_total != total:
            raise SurveyError(
                _(
                    "The %(margin)s margin sums to %(total)s but the %(other)s margin to "
                    "%(other_total)s: margins must sum to the same population."
                )
                % {
                    "margin": dimension,
                    "total": numbers.number(total),
                    "other": dim,
                    "other_total": numbers.number(other_total),
                },
                field="totals",
                code="margins_mismatch",
            )
    PopulationMargin.objects.filter(region=region, dimension=dimension).delete()
    PopulationMargin.objects.bulk_create(
        PopulationMargin(
            region=region, dimension=dimension, category=c, population=p, source=source
        )
        for c, p in totals.items()
    )
    if actor is not None:
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            subject_type="surveys.populationmargin",
            subject_id=f"{region.pk}:{dimension}",
            context="weighting margins",
        )
    return len(totals)


def responses_import(
    *, survey: Survey, path: Path, mapping_path: Path, actor=None
) -> importing.ImportReport:
    """Import a whole field file or nothing (``ImportRefused`` names every bad line)."""
    mapping = importer.read_mapping(mapping_path)

    def write(responses) -> None:
        created = Response.objects.bulk_create(responses, batch_size=1000)
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            subject_type="surveys.survey",
            subject_id=str(survey.pk),
            fields=["answers", "age_group", "sex", "department"],
            context=f"imported {len(created)} responses from {Path(path).name}",
        )

    with importing.open_table(path, mapping.csv) as table:
        rows = importer.ResponseRows(survey=survey, mapping=mapping, table=table)
        return importing.import_rows(table, rows.row, write, errors=rows.errors)
