"""Web collection: one-time invitations and the open link with its abuse limit."""

import pytest

from precinct.surveys import services
from precinct.surveys.models import Response
from tests.surveys.conftest import GOOD_ANSWERS

pytestmark = pytest.mark.django_db


def _post(client, url, territory, answers=GOOD_ANSWERS, **fields):
    data = {"department": territory.district_a.pk, "age_group": "30-44", "sex": "f"}
    data.update(fields)
    for key, value in answers.items():
        data[f"q-{key}"] = value
    return client.post(url, data)


def test_invitation__answers_are_saved_then_thanked(client, territory, wave):
    [token] = services.invitations_issue(survey=wave, count=1)
    assert client.get(f"/surveys/i/{token}/").status_code == 200
    response = _post(client, f"/surveys/i/{token}/", territory)
    assert response.status_code == 302 and response.url == "/surveys/thanks/"
    saved = Response.objects.get()
    assert saved.answers["trust_local"] == 4 and saved.answers["knows_inspector"] is True
    assert saved.answers["concerns"] == ["roads", "theft"]
    assert (saved.department, saved.sex, saved.source) == (territory.district_a, "f", "invitation")


def test_invitation__works_only_once(client, territory, wave):
    [token] = services.invitations_issue(survey=wave, count=1)
    _post(client, f"/surveys/i/{token}/", territory)
    again = _post(client, f"/surveys/i/{token}/", territory)
    assert again.status_code == 410
    assert Response.objects.count() == 1


def test_invitation__only_the_hash_of_the_token_is_stored(wave):
    [token] = services.invitations_issue(survey=wave, count=1)
    assert not wave.invitations.filter(token_hash=token).exists()


def test_invitation__out_of_scale_answer_is_refused_by_question(client, territory, wave):
    [token] = services.invitations_issue(survey=wave, count=1)
    response = _post(client, f"/surveys/i/{token}/", territory, {**GOOD_ANSWERS, "fair": "9"})
    assert response.status_code == 400
    assert "out of the 1–5 scale" in response.content.decode()
    assert not Response.objects.exists()
    assert _post(client, f"/surveys/i/{token}/", territory).status_code == 302


def test_invitation__district_of_another_region_is_refused(territory, wave):
    [token] = services.invitations_issue(survey=wave, count=1)
    with pytest.raises(services.SurveyError) as err:
        services.response_submit_invitation(
            token=token, department_id=999999, age_group="18-29", sex="m", answers=GOOD_ANSWERS
        )
    assert err.value.field == "department"


def test_unknown_invitation__is_gone(client):
    assert client.get("/surveys/i/nonsense/").status_code == 410


def test_open_link__limits_answers_per_connection(client, territory, open_wave, settings):
    settings.PRECINCT_SURVEY_OPEN_PER_HOUR = 2
    url = f"/surveys/s/{open_wave.pk}/{open_wave.open_key}/"
    assert [_post(client, url, territory).status_code for _ in range(3)] == [302, 302, 429]
    assert Response.objects.filter(source="open").count() == 2
    assert all(len(r.client_hash) == 64 for r in Response.objects.all())


def test_open_link__wrong_key_is_not_found(client, open_wave):
    assert client.get(f"/surveys/s/{open_wave.pk}/wrong/").status_code == 404


def test_margins__must_sum_to_the_same_population(territory):
    services.margins_set(
        region=territory.region,
        dimension="age_sex",
        totals={"18-29:m": 60, "18-29:f": 40},
        source="test",
    )
    with pytest.raises(services.SurveyError) as err:
        services.margins_set(
            region=territory.region,
            dimension="district",
            totals={str(territory.district_a.pk): 70, str(territory.district_b.pk): 20},
            source="test",
        )
    assert err.value.code == "margins_mismatch" and "90" in str(err.value)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("analyst", 201), ("admin", 201), ("head", 403), ("inspector", 403), ("operator", 403)],
)
def test_api__invitations_for_analysts_and_admins(client, personas, wave, persona, status):
    client.force_login(getattr(personas, persona))
    response = client.post(
        f"/api/v1/surveys/{wave.pk}/invitations", {"count": 3}, "application/json"
    )
    assert response.status_code == status
    if status == 201:
        links = response.json()["links"]
        assert len(links) == 3 and client.get(links[0]).status_code == 200


def test_api__invitations_need_sign_in_and_a_sane_count(client, personas, wave):
    assert (
        client.post(
            f"/api/v1/surveys/{wave.pk}/invitations", {"count": 3}, "application/json"
        ).status_code
        == 401
    )
    client.force_login(personas.analyst)
    bad = client.post(f"/api/v1/surveys/{wave.pk}/invitations", {"count": 0}, "application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "count"


@pytest.mark.parametrize(
    ("lang", "question", "option"),
    [
        ("ru", "Насколько вы доверяете местной полиции?", "мошенничество"),
        ("kk", "Жергілікті полицияға қаншалықты сенесіз?", "алаяқтық"),
        ("en", "How much do you trust the local police?", "fraud"),
    ],
)
def test_page__questions_and_options_in_the_readers_language(client, wave, lang, question, option):
    [token] = services.invitations_issue(survey=wave, count=1)
    text = client.get(f"/surveys/i/{token}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert question in text and option in text


@pytest.mark.parametrize(
    ("lang", "age_refused", "sex_refused"),
    [
        ("ru", "Выберите возрастную группу.", "Укажите ваш пол."),
        ("kk", "Жас тобын таңдаңыз.", "Жынысыңызды көрсетіңіз."),
        ("en", "Choose an age group.", "Choose your sex."),
    ],
)
def test_page__refusals_in_the_readers_language(
    client, territory, wave, lang, age_refused, sex_refused
):
    [token] = services.invitations_issue(survey=wave, count=1)
    client.cookies["django_language"] = lang
    refused = _post(client, f"/surveys/i/{token}/", territory, age_group="")
    assert refused.status_code == 400 and age_refused in refused.content.decode()
    refused = _post(client, f"/surveys/i/{token}/", territory, sex="?")
    assert refused.status_code == 400 and sex_refused in refused.content.decode()
    assert not Response.objects.exists()
