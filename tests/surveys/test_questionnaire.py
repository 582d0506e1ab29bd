"""The standard questionnaire ships as data; answers are checked question by question."""

import pytest

from precinct.surveys import selectors, services
from precinct.surveys.answers import clean_answer
from precinct.surveys.models import Question

pytestmark = pytest.mark.django_db

TOPICS = {
    "trust_local",
    "fair",
    "listen",
    "rely",
    "safe_dark",
    "knows_inspector",
    "heard_service_model",
    "contact_satisfaction",
}


def test_standard_questionnaire__loaded_by_the_migration_in_three_languages():
    q = selectors.questionnaire_standard()
    questions = list(q.questions.all())
    assert q.published and q.version == 1
    assert {x.key for x in questions} >= TOPICS
    assert all(x.text and x.text_kk and x.text_en for x in questions)
    assert {x.kind for x in questions} == set(Question.Kind.values)


def test_new_version__is_a_draft_copy_and_leaves_the_published_one_alone():
    published = selectors.questionnaire_standard()
    draft = services.questionnaire_new_version(questionnaire=published)
    assert (draft.version, draft.published) == (2, False)
    assert draft.questions.count() == published.questions.count()
    assert selectors.questionnaire_standard() == published


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("likert5", "5", 5),
        ("scale10", "0", 0),
        ("yesno", "да", True),
        ("yesno", "0", False),
        ("single", "b", "b"),
        ("multiple", ["b", "a", "b"], ["a", "b"]),
        ("text", "  hello ", "hello"),
    ],
)
def test_clean_answer__accepts_each_type(kind, raw, expected):
    q = Question(key="x", kind=kind, options=[{"value": "a"}, {"value": "b"}])
    assert clean_answer(q, raw) == (expected, None)


@pytest.mark.parametrize(
    ("kind", "raw", "message"),
    [
        ("likert5", "6", "out of the 1–5 scale"),
        ("likert5", "0", "out of the 1–5 scale"),
        ("scale10", "11", "out of the 0–10 scale"),
        ("scale10", "2.5", "out of the 0–10 scale"),
        ("likert5", "many", "not a number"),
        ("yesno", "maybe", "not yes or no"),
        ("single", "c", "not one of the options"),
        ("multiple", ["a", "z"], "not among the options: z"),
    ],
)
def test_clean_answer__refuses_out_of_scale_and_unknown(kind, raw, message):
    q = Question(key="x", kind=kind, options=[{"value": "a"}, {"value": "b"}])
    value, error = clean_answer(q, raw)
    assert value is None and message in error


def test_clean_answer__required_question_left_empty():
    q = Question(key="x", kind="likert5", required=True)
    assert clean_answer(q, "") == (None, "an answer is required")


def test_standard_questionnaire__restored_from_the_shipped_data_after_a_flush():
    from precinct.surveys.models import Questionnaire

    Questionnaire.objects.all().delete()
    restored = services.questionnaire_standard_ensure()
    assert restored.code == "police-trust" and restored.questions.count() == 11
    assert services.questionnaire_standard_ensure() == restored
