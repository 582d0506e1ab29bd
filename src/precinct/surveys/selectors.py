"""Readers of surveys: questionnaires, waves and (aggregate only) results."""

from django.utils.translation import get_language

from precinct.surveys.models import Question, Questionnaire, Survey

STANDARD_CODE = "police-trust"


def questionnaire_standard() -> Questionnaire:
    """The latest published version of the standard police-trust questionnaire."""
    return (
        Questionnaire.objects.filter(code=STANDARD_CODE, published=True)
        .order_by("-version")
        .first()
    )


def survey_questions(*, survey: Survey) -> list[Question]:
    """The questions of a survey's questionnaire version, in order, with the options'
    labels in the reader's language as ``labels`` [(value, label), …]."""
    lang = (get_language() or "ru")[:2]
    questions = list(survey.questionnaire.questions.all())
    for q in questions:
        q.labels = [
            (str(o["value"]), o.get(f"text_{lang}") or o.get("text", str(o["value"])))
            for o in q.options
        ]
    return questions


def surveys_answerable_on(*, day) -> list[Survey]:
    """Waves residents answer online on a day (field interviews are imported, not answered)."""
    return list(
        Survey.objects.filter(opens_on__lte=day, closes_on__gte=day)
        .exclude(mode=Survey.Mode.FIELD)
        .select_related("region", "questionnaire")
        .order_by("closes_on", "id")
    )
