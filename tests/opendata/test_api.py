"""The open-data API's frame and its resources over HTTP (Django's client): languages,
CORS, caching, refusals (400 naming the parameter, 404 in JSON, never a 500) and what the
resources choose to publish."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from shapely.geometry import MultiPolygon, box

from precinct.opendata.frame import accepted_languages
from precinct.priorities.models import Priority, PriorityAction
from precinct.territory import services
from precinct.territory.models import Precinct, Provenance

API = "/opendata/api/"


@pytest.fixture
def world(opendata_world):
    return opendata_world


def _get(client, path, **headers):
    return client.get(API + path, headers=headers)


def test_the_language_is_asked_by_lang_or_accept_language(client, world):
    assert _get(client, "forces").json()[0]["name"] == "УП Алмалинского района"
    english = _get(client, "forces?lang=en")
    assert english["Content-Language"] == "en"
    assert english.json()[0]["name"] == "Almaly District Police"
    assert _get(client, "forces", **{"Accept-Language": "de-DE, en;q=0.4"}).json()[0]["name"] == (
        "Almaly District Police"
    )
    kazakh = _get(client, "forces", **{"Accept-Language": "en;q=0.2, kk-KZ"})
    assert kazakh["Content-Language"] == "kk"
    # ?lang= wins over the header; the language cookie is not read at all.
    client.cookies["django_language"] = "en"
    assert _get(client, "forces?lang=ru", **{"Accept-Language": "en"})["Content-Language"] == "ru"
    assert _get(client, "forces")["Content-Language"] == "ru"


def test_an_unknown_lang_is_a_400_naming_it(client, world):
    refused = _get(client, "forces?lang=de")
    assert refused.status_code == 400
    (error,) = refused.json()["errors"]
    assert error["field"] == "lang" and error["message"].endswith("ru, kk, en")


@pytest.mark.parametrize(
    ("header", "tags"),
    [
        ("", []),
        ("kk", ["kk"]),
        ("en;q=0.3, kk;q=0.9, ru", ["ru", "kk", "en"]),
        ("*, en;q=0, ru;q=x, <script>, kk", ["kk"]),
        ("en-GB,en;q=0.9", ["en-gb", "en"]),
    ],
)
def test_accept_language_is_read_by_preference(header, tags):
    assert accepted_languages(header) == tags


def test_every_answer_is_open_to_any_origin_and_cacheable(client, world):
    ok = _get(client, "up-almaly/1")
    assert ok["Access-Control-Allow-Origin"] == "*"
    assert ok["Cache-Control"] == "public, max-age=900"
    assert "Accept-Language" in ok["Vary"]
    assert _get(client, "forces/nope")["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(API + "forces", headers={"Origin": "https://example.org"})
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    with override_settings(PRECINCT_OPENDATA_MAX_AGE_SECONDS=60):
        assert _get(client, "forces")["Cache-Control"] == "public, max-age=60"


def test_an_unchanged_answer_is_a_304_by_its_etag(client, world):
    first = _get(client, "up-almaly/1/priorities")
    again = _get(client, "up-almaly/1/priorities", **{"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    english = _get(client, "up-almaly/1/priorities?lang=en")
    assert english["ETag"] != first["ETag"]
    PriorityAction.objects.create(priority=world.priority, done_on=timezone.localdate(), text="Ещё")
    changed = _get(client, "up-almaly/1/priorities", **{"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and "Ещё" in changed.content.decode()


def test_only_reading_is_allowed(client, world):
    refused = client.post(API + "forces")
    assert refused.status_code == 405
    assert refused["Allow"] == "GET, HEAD, OPTIONS"
    assert refused.json()["code"] == "method_not_allowed"
    assert client.head(API + "forces").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "forces/nope",
        "forces/dp-almaty",  # the city department holds no precinct of its own
        "forces/dp-almaty/people",
        "dp-almaty/neighbourhoods",
        "up-almaly/99",
        "up-almaly/07",
        "up-almaly/-1",
        "up-almaly/1.0",
        "up-almaly/١",  # an Arabic-Indic digit one
        "up-almaly/99999999999999999999999",
        "up-medeu/1",  # precinct 1 is district A's
        "up-almaly/99/boundary",
        "up-almaly/99/people",
        "up-almaly/99/events",
        "up-almaly/99/priorities",
        "up-almaly/1/nothing",
        "nothing",
        "forces/up-almaly/people/extra",
    ],
)
def test_unknown_ids_are_a_404_in_json(client, world, path):
    answer = _get(client, path)
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("q", "field"),
    [
        (None, "q"),
        ("", "q"),
        ("43.24", "q"),
        ("43.24,76.9,1", "q"),
        ("north,east", "q"),
        ("nan,76.9", None),
        ("91,76.9", "lat"),
        ("43.24,181", "lon"),
    ],
)
def test_a_malformed_point_is_a_400(client, world, q, field):
    path = "locate-neighbourhood" if q is None else f"locate-neighbourhood?q={q}"
    answer = _get(client, path)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == field


def test_a_nul_byte_is_refused_in_the_api_json(client, world):
    answer = _get(client, "locate-neighbourhood?q=43.24%00,76.9")
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_input"


def test_a_point_finds_its_neighbourhood_or_none(client, world):
    assert _get(client, "locate-neighbourhood?q=43.275,76.91").json() == {
        "force": "up-almaly",
        "neighbourhood": "2",
    }
    assert _get(client, "locate-neighbourhood?q=43.24,76.95").json() == {
        "force": "up-medeu",
        "neighbourhood": "7",
    }
    assert _get(client, "locate-neighbourhood?q=0,0").status_code == 404


def test_the_boundary_is_the_largest_part_of_a_split_precinct(client, world):
    services.precinct_create(
        department=world.territory.district_b,
        number=8,
        geometry=MultiPolygon([box(76.97, 43.22, 76.98, 43.23), box(76.99, 43.22, 77.05, 43.27)]),
        residents=100,
        source=Provenance.DERIVED,
    )
    points = _get(client, "up-medeu/8/boundary").json()
    assert {p["longitude"] for p in points} == {"76.990000", "77.050000"}
    centre = _get(client, "up-medeu/8").json()["centre"]
    assert centre == {"latitude": "43.245000", "longitude": "77.020000"}


def test_priorities_keep_those_closed_within_the_review_period(client, world):
    today = timezone.localdate()
    closed = Priority.objects.create(
        precinct=world.precinct_a,
        issue="Граффити на гаражах",
        since=today - dt.timedelta(days=120),
        reviewed_on=today - dt.timedelta(days=40),
        state=Priority.State.CLOSED,
        closed_on=today - dt.timedelta(days=30),
    )
    PriorityAction.objects.create(priority=closed, done_on=closed.closed_on, text="Закрасили")
    rows = _get(client, "up-almaly/1/priorities").json()
    issues = [r["issue"] for r in rows]
    assert any("Граффити" in i for i in issues) and not any("Закрыт давно" in i for i in issues)
    graffiti = next(r for r in rows if "Граффити" in r["issue"])
    assert graffiti["action"] == "<p>Закрасили</p>"
    assert graffiti["action-date"] == f"{closed.closed_on.isoformat()}T00:00:00"
    bare = Priority.objects.create(
        precinct=world.precinct_b, issue="Без действий", since=today, reviewed_on=today
    )
    (row,) = _get(client, "up-medeu/7/priorities").json()
    assert row == {
        "issue": "<p>Без действий</p>",
        "issue-date": f"{bare.since.isoformat()}T00:00:00",
        "action": None,
        "action-date": None,
    }


def test_the_names_follow_the_language(client, world):
    english = _get(client, "up-almaly/1?lang=en").json()
    assert english["name"] == "Almaly District Police · precinct 1"
    assert english["locations"][0]["name"] == "Police post 1"
    assert english["locations"][0]["description"] == "Mon–Fri 09:00–18:00"
    (event,) = _get(client, "up-almaly/1/events?lang=en").json()
    assert event["address"] == "10 Abay St, room 5"
    assert event["title"] == "Reception of residents by the head of the department"
    assert "police colonel Нурланов Серик" in event["description"]
    assert "Kazakh" in event["description"]
    (event_kk,) = _get(client, "up-almaly/1/events?lang=kk").json()
    assert event_kk["title"] != event["title"]
    assert _get(client, "forces/up-almaly/people?lang=en").json()[0]["rank"] == "police colonel"


def test_a_precinct_without_a_boundary_has_no_centre_and_no_outline(client, world):
    Precinct.objects.create(department=world.territory.district_b, number=9, residents=700)
    one = _get(client, "up-medeu/9").json()
    assert (one["centre"], one["population"]) == (None, "700")
    assert _get(client, "up-medeu/9/boundary").json() == []
    assert [n["id"] for n in _get(client, "up-medeu/neighbourhoods").json()] == ["7", "9"]


def test_a_name_ending_in_a_point_ends_the_description_once(client, world):
    world.territory.region.name_kk = "Алматы қ."
    world.territory.region.save(update_fields=["name_kk"])
    force = _get(client, "forces/up-almaly?lang=kk").json()
    assert force["description"].endswith("Алматы қ.</p>")
    assert _get(client, "up-almaly/1?lang=kk").json()["description"].endswith("Алматы қ.</p>")
