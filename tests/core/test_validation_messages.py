"""ninja's input validation answers in the request's language (core/validation.py)."""

import pytest
from django.utils import translation
from pydantic import BaseModel, Field, ValidationError

from precinct.core import validation


class _Form(BaseModel):
    count: int
    share: float = Field(ge=0)
    code: str = Field(max_length=3)


def _errors(**values) -> dict[str, dict]:
    with pytest.raises(ValidationError) as refused:
        _Form(**values)
    return {e["loc"][0]: e for e in refused.value.errors()}


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ru", ["Введите целое число.", "не меньше 0", "не более 3 символов"]),
        ("kk", ["Бүтін сан енгізіңіз.", "Кемінде 0", "Ең көбі 3 таңба"]),
        ("en", ["Enter a whole number.", "at least 0", "at most 3 characters"]),
    ],
)
def test_each_error_type_reads_in_the_active_language(lang, words):
    errors = _errors(count="many", share=-1, code="long")
    with translation.override(lang):
        texts = [validation.message(errors[f]) for f in ("count", "share", "code")]
    for text, word in zip(texts, words, strict=True):
        assert word in text


def test_a_missing_field_and_an_unknown_type_have_plain_words():
    errors = _errors(share=1, code="ab")
    with translation.override("kk"):
        assert validation.message(errors["count"]) == "Бұл өріс міндетті."
        assert validation.message({"type": "something_new", "msg": "Input x"}) == "Жарамсыз мән."


def test_our_own_validator_words_are_kept_without_pydantic_prefix():
    error = {"type": "value_error", "msg": "Value error, не позже сегодняшнего дня"}
    assert validation.message(error) == "не позже сегодняшнего дня"


@pytest.mark.parametrize(
    ("lang", "text"),
    [("kk", "Сан енгізіңіз."), ("ru", "Введите число."), ("en", "Enter a number.")],
)
def test_the_api_refuses_a_bad_number_in_the_request_language(client, db, lang, text):
    response = client.get("/api/v1/locate?lat=abc&lon=76.9", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["errors"] == [{"field": "lat", "message": text}]
    assert "Input should" not in body["detail"]
