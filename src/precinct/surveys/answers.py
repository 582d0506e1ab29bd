"""Checking answers against a questionnaire: one rule per question type."""

from dataclasses import dataclass

from precinct.surveys.models import Question

SCALES = {Question.Kind.LIKERT5: (1, 5), Question.Kind.SCALE10: (0, 10)}
YES = {"1", "yes", "y", "true", "да", "иә", "ia"}
NO = {"0", "no", "n", "false", "нет", "жоқ", "zhoq"}
TEXT_MAX = 2000


@dataclass(frozen=True)
class AnswerError:
    """What is wrong with the answer to one question."""

    key: str
    message: str


def _choice_values(question: Question) -> set[str]:
    return {str(o["value"]) for o in question.options}


def clean_answer(question: Question, raw) -> tuple[object, str | None]:
    """The stored form of one answer (int, bool, str, list) or the reason it is refused."""
    kind = question.kind
    if raw is None or raw == "" or raw == []:
        return None, ("an answer is required" if question.required else None)
    if kind in SCALES:
        low, high = SCALES[kind]
        try:
            number = float(str(raw).strip().replace(",", "."))
        except ValueError:
            return None, f"not a number on the {low}–{high} scale: {raw!r}"
        if not number.is_integer() or not low <= number <= high:
            return None, f"out of the {low}–{high} scale: {raw!r}"
        return int(number), None
    if kind == Question.Kind.YESNO:
        text = str(raw).strip().lower()
        if text in YES:
            return True, None
        if text in NO:
            return False, None
        return None, f"not yes or no: {raw!r}"
    if kind == Question.Kind.SINGLE:
        value = str(raw).strip()
        if value not in _choice_values(question):
            return None, f"not one of the options: {raw!r}"
        return value, None
    if kind == Question.Kind.MULTIPLE:
        values = raw if isinstance(raw, list) else str(raw).split()
        values = [str(v).strip() for v in values if str(v).strip()]
        unknown = [v for v in values if v not in _choice_values(question)]
        if unknown:
            return None, f"not among the options: {', '.join(unknown)}"
        return sorted(set(values)), None
    text = str(raw).strip()
    if len(text) > TEXT_MAX:
        return None, f"longer than {TEXT_MAX} characters"
    return text, None


def clean_answers(questions: list[Question], raw: dict) -> tuple[dict, list[AnswerError]]:
    """All answers of one respondent: the clean dict and every refusal, by question key."""
    clean: dict = {}
    errors: list[AnswerError] = []
    known = {q.key for q in questions}
    for key in sorted(set(raw) - known):
        errors.append(AnswerError(key, "not a question of this questionnaire"))
    for question in questions:
        value, error = clean_answer(question, raw.get(question.key))
        if error:
            errors.append(AnswerError(question.key, error))
        elif value is not None:
            clean[question.key] = value
    return clean, errors
