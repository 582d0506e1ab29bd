"""data.police.uk's own Python client (``police-api-client`` 1.2.2 from PyPI, unmodified)
reads every force and neighbourhood resource from the real server (gunicorn)."""

import datetime as dt

import pytest
import requests
from django.utils import timezone
from police_api.exceptions import APIError

from tests.opendata.conftest import DEPARTMENT_PHONE, POST_PHONE, SECRETS, build_opendata_world


@pytest.mark.django_db(transaction=True)
def test_the_police_uk_client_reads_forces_and_neighbourhoods(live_opendata, police_api):
    world = build_opendata_world()
    api = police_api

    forces = {f.id: f for f in api.get_forces()}
    assert set(forces) == {"up-almaly", "up-medeu"}  # the city department holds no precinct
    assert forces["up-almaly"].name == "УП Алмалинского района"

    force = api.get_force("up-almaly")
    assert force.name == "УП Алмалинского района"
    assert force.telephone == DEPARTMENT_PHONE
    assert force.description.startswith("<p>") and "Алматы" in force.description
    assert force.url == live_opendata.replace("/opendata/api/", "/neighbourhoods/up-almaly/")
    assert requests.get(force.url, timeout=30).status_code == 200
    methods = {m["type"]: m for m in force.engagement_methods}
    assert set(methods) == {"locate", "appeal", "reception"}
    assert methods["appeal"]["url"].endswith("/appeals/new/")
    reception = f"/receptions/?department={world.territory.district_a.id}"
    assert methods["reception"]["url"].endswith(reception)

    (head,) = force.senior_officers
    assert (head.name, head.rank, head.bio) == ("Нурланов Серик", "полковник полиции", None)
    assert head.contact_details == {}

    assert [n.id for n in force.neighbourhoods] == ["1", "2"]
    one = force.get_neighbourhood("1")
    assert one.name == "УП Алмалинского района · участок № 1"
    assert one.url_force == force.url + "1/"
    assert requests.get(one.url_force, timeout=30).status_code == 200  # the page itself
    assert one.contact_details == {"telephone": POST_PHONE, "web": one.url_force}
    assert one.population == 5000
    assert one.centre == {"latitude": "43.245000", "longitude": "76.900000"}
    (post,) = one.locations  # the post being built is not a place to go yet
    assert (post["name"], post["address"], post["type"]) == ("УПП №1", "ул. Абая, 10", "station")
    assert (post["latitude"], post["longitude"]) == ("43.240000", "76.900000")
    assert post["description"] == "Пн–Пт 09:00–18:00"
    assert one.links[0]["url"] == one.url_force

    assert sorted(one.boundary) == sorted(
        [(43.22, 76.92), (43.27, 76.92), (43.27, 76.88), (43.22, 76.88)]
    )
    (officer,) = one.officers
    assert (officer.name, officer.rank, officer.contact_details) == (
        "Ахметов Серик",
        "капитан полиции",
        {},
    )

    (event,) = one.events
    # Local time without a zone, as police.uk writes it (Asia/Almaty here).
    assert event.start_date == timezone.localtime(world.slot.starts_at).replace(tzinfo=None)
    assert event.type == "meeting" and event.address == "ул. Абая, 10, каб. 5"
    assert "Нурланов Серик" in event.description and "<p>" in event.description
    assert event.contact_details["web"].endswith(f"/receptions/{world.slot.id}/book/")

    (priority,) = one.priorities  # the priority closed long ago is no longer listed
    assert priority.issue.startswith("<p>Мотоциклы гоняют по ночам</p>")
    assert "&lt;у школы&gt;" in priority.issue  # staff text is escaped, never markup
    assert priority.issue_date == dt.datetime.combine(world.priority.since, dt.time())
    assert priority.action.startswith("<p>Поставили камеры</p>")  # newest action first
    assert priority.action_date.date() == max(a.done_on for a in world.priority.actions.all())

    found = api.locate_neighbourhood(43.24, 76.90)
    assert (found.force.id, found.id) == ("up-almaly", "1")
    assert found.name == one.name
    assert api.locate_neighbourhood(51.5, -0.12) is None  # London: outside every precinct

    medeu = api.get_force("up-medeu")
    assert medeu.senior_officers == [] and [n.id for n in medeu.neighbourhoods] == ["7"]
    assert [o.name for o in medeu.get_neighbourhood("7").officers] == ["Сейтказин Серик"]
    assert medeu.get_neighbourhood("7").events == []  # district B's heads hold none

    with pytest.raises(APIError) as unknown:
        _ = api.get_force("up-nowhere").name
    assert unknown.value.status_code == 404
    with pytest.raises(APIError) as unknown:
        _ = api.get_neighbourhood("up-almaly", "99").name
    assert unknown.value.status_code == 404

    # Through the real server too: open to any origin, and a 304 while unchanged.
    first = requests.get(live_opendata + "up-almaly/1/priorities", timeout=30)
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    again = requests.get(
        live_opendata + "up-almaly/1/priorities",
        headers={"If-None-Match": first.headers["ETag"]},
        timeout=30,
    )
    assert again.status_code == 304

    # Nothing that is not public appears in any answer the client read.
    published = {"up-almaly": ["1", "2"], "up-medeu": ["7"]}
    for path in _every_path(published):
        body = requests.get(live_opendata + path, timeout=30).text
        assert not [s for s in SECRETS if s in body], path


def _every_path(neighbourhoods: dict[str, list[str]]):
    yield "forces"
    for force, ids in neighbourhoods.items():
        yield from (f"forces/{force}", f"forces/{force}/people", f"{force}/neighbourhoods")
        for n in ids:
            yield from (f"{force}/{n}", *(f"{force}/{n}/{r}" for r in RESOURCES))


RESOURCES = ("boundary", "people", "events", "priorities")
