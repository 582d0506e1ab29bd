"""Reading a submitted questionnaire page into raw answers (no rules here: see answers.py)."""

from precinct.surveys.models import Question


def raw_answers(questions: list[Question], data) -> dict:
    """Raw answers by question key from POST data (``q-<key>`` fields)."""
    raw = {}
    for q in questions:
        name = f"q-{q.key}"
        if q.kind == Question.Kind.MULTIPLE:
            raw[q.key] = data.getlist(name)
        else:
            raw[q.key] = data.get(name, "")
    return raw
