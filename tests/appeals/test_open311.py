"""Open311 GeoReport v2: the unmodified PyPI ``georeport`` client on a live gunicorn, and
raw HTTP for every refusal (status, format and the field named)."""

import datetime as dt
import json
import os
import signal
import xml.etree.ElementTree as ET

import pytest
import requests as http
from django.core.management import call_command
from django.utils import timezone
from georeport import GeoReport

from precinct.appeals.models import Appeal, Category, Channel, Open311Key
from precinct.appeals.open311 import PAGE_SIZE_MAX, street_only
from precinct.territory.geocoding import address_key_fields
from precinct.territory.models import Address
from tests.appeals.builders import appeal_in_district_a, complaint_about
from tests.processes import free_port, start_gunicorn

POINT = {"lat": "43.24", "long": "76.90"}


def _many_requests(territory, n: int, *, code: str = "noise", start: int = 0) -> list[str]:
    """``n`` requests one minute apart over the last days, stored at once (the intake's own
    tests cover the service; here only their number matters)."""
    category = Category.objects.get(code=code)
    now = timezone.now().replace(microsecond=0)
    rows = [
        Appeal(
            registration_number=f"2026-{start + i:07d}",
            tracking_code=f"{code}-{start + i}",
            type="request",
            channel=Channel.WEB,
            category=category,
            text="Шумят",
            lat=43.24,
            lon=76.90,
            department=territory.district_a,
            registered_at=now - dt.timedelta(minutes=start + i + 1),
            due_date=now.date() + dt.timedelta(days=20),
        )
        for i in range(n)
    ]
    Appeal.objects.bulk_create(rows)
    return [r.registration_number for r in rows]


def _walk_by_dates(client: GeoReport) -> list[str]:
    """Every request of the last 90 days through the client's own parameters: each call
    ends where the previous page's oldest request was (ends are inclusive)."""
    end = timezone.now()
    start = (end - dt.timedelta(days=89)).isoformat()
    seen: dict[str, None] = {}
    while True:
        page = client.get_service_requests(start_date=start, end_date=end.isoformat())
        fresh = [r for r in page if r["service_request_id"] not in seen]
        seen.update((r["service_request_id"], None) for r in fresh)
        if len(page) < PAGE_SIZE_MAX or not fresh:
            return list(seen)
        end = dt.datetime.fromisoformat(page[-1]["requested_datetime"])


def _walk_by_links(url: str) -> tuple[list[str], int]:
    """Every request by following ``Link: rel="next"``; and how many pages it took."""
    ids, pages = [], 0
    while url:
        response = http.get(url, timeout=30)
        assert response.status_code == 200
        ids += [r["service_request_id"] for r in response.json()]
        pages += 1
        url = response.links.get("next", {}).get("url")
    return ids, pages


@pytest.fixture
def live_open311(transactional_db):
    port = free_port()
    server = start_gunicorn(port)
    yield f"http://127.0.0.1:{port}/open311/v2"
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_georeport_client_reads_services_definitions_and_requests(territory, capsys):
    call_command("open311-key", "create", "city app")
    key = capsys.readouterr().out.strip()
    assert key.startswith("o311_") and Open311Key.objects.get().key_hash != key
    shown = appeal_in_district_a("Шумят по ночам", address="ул. Абая 52, кв. 15")
    port = free_port()
    server = start_gunicorn(port)
    root = f"http://127.0.0.1:{port}/open311/v2"
    try:
        client = GeoReport(root)
        services = {s["service_code"]: s for s in client.get_service_list()}
        assert services["noise"]["metadata"] is True and services["traffic"]["metadata"] is True
        assert services["utilities"]["metadata"] is False
        noise = client.get_service_definition("noise")
        assert noise["service_code"] == "noise"
        (time_of_day,) = noise["attributes"]
        assert time_of_day["code"] == "time_of_day"
        assert time_of_day["datatype"] == "singlevaluelist" and time_of_day["required"] is True
        assert {v["key"] for v in time_of_day["values"]} == {"morning", "day", "evening", "night"}
        (vehicle,) = client.get_service_definition("traffic")["attributes"]
        assert (vehicle["code"], vehicle["datatype"], vehicle["required"]) == (
            "vehicle",
            "string",
            False,
        )
        assert client.get_service_definition("utilities")["attributes"] == []

        xml = GeoReport(root, output_format="xml")
        definition = xml.get_service_definition("noise")
        attribute = definition["attributes"]["attribute"]
        assert attribute["code"] == "time_of_day" and attribute["required"] == "true"
        assert next(v["key"] for v in attribute["values"]["value"]) == "morning"
        assert any(s["service_code"] == "noise" for s in xml.get_service_list())

        requests = client.get_service_requests(status="open")
        assert [r["service_request_id"] for r in requests] == [shown.registration_number]
        one = client.get_service_request(shown.registration_number)
        assert one["status"] == "open"
        assert one["expected_datetime"].startswith(shown.due_date.isoformat())
        assert one["address"] == "ул. Абая"  # the street, not the flat
        assert "Шумят" not in json.dumps(one, ensure_ascii=False)  # no resident text in public
        assert xml.get_service_request(shown.registration_number)["status"] == "open"

        created = http.post(
            f"{root}/requests.json",
            data={
                "api_key": key,
                "service_code": "noise",
                **POINT,
                "address_string": "пр. Достык 105",
                "media_url": "https://city.example.kz/photos/1.jpg",
                "attribute[time_of_day]": "night",
                "description": "Громкая музыка",
                "first_name": "Айдар",
                "phone": "+77010001122",
            },
            timeout=30,
        )
        assert created.status_code == 201, created.text
        new_id = created.json()[0]["service_request_id"]
        read = client.get_service_request(new_id)
        assert read["service_code"] == "noise"
        assert read["media_url"] == "https://city.example.kz/photos/1.jpg"
        assert read["address"] == "пр. Достык"
        stored = Appeal.objects.get(registration_number=new_id)
        assert stored.service_attributes == {"time_of_day": "night"}
        assert stored.address == "пр. Достык 105"  # staff see all of it
        token = http.get(f"{root}/tokens/{new_id}.json", timeout=30).json()
        assert token[0]["service_request_id"] == new_id
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_more_than_a_thousand_requests_are_all_reached(territory, live_open311):
    """2,500 public requests (and private ones that no page may show): the spec's first
    page of 1,000 says there is more, and both ways of paging reach every one once."""
    public = _many_requests(territory, 2500)
    _many_requests(territory, 40, code="officer-conduct", start=5000)
    client = GeoReport(live_open311)

    first = client.get_service_requests()
    assert len(first) == PAGE_SIZE_MAX
    assert [r["service_request_id"] for r in first] == public[:PAGE_SIZE_MAX]  # newest first
    assert sorted(_walk_by_dates(client)) == sorted(public)

    head = http.get(f"{live_open311}/requests.json", timeout=30)
    assert head.links["next"]["url"].endswith("page=2&page_size=1000")
    ids, pages = _walk_by_links(f"{live_open311}/requests.json?page_size=700")
    assert ids == public and pages == 4  # 700 + 700 + 700 + 400, in order, none twice
    last = http.get(f"{live_open311}/requests.json?page=4&page_size=700", timeout=30)
    assert len(last.json()) == 400 and "next" not in last.links
    beyond = http.get(f"{live_open311}/requests.json?page=9&page_size=700", timeout=30)
    assert beyond.status_code == 200 and beyond.json() == []
    xml_page = http.get(f"{live_open311}/requests.xml?page=2&page_size=1000", timeout=30)
    assert len(ET.fromstring(xml_page.content).findall("request")) == 1000
    assert "page=3" in xml_page.links["next"]["url"]


# --- raw HTTP: every refusal in the spec's format ------------------------------------------
def _spec_errors(response, status: int) -> list[str]:
    """The descriptions of a spec-format error answer, JSON or XML, checked for shape."""
    assert response.status_code == status, response.content
    if response["Content-Type"].startswith("text/xml"):
        root = ET.fromstring(response.content)
        assert root.tag == "errors"
        rows = [(e.findtext("code"), e.findtext("description")) for e in root.findall("error")]
        assert rows and all(code == str(status) for code, _ in rows)
        return [d for _, d in rows]
    body = response.json()
    assert isinstance(body, list) and body
    assert all(set(e) == {"code", "description"} and e["code"] == status for e in body)
    return [e["description"] for e in body]


@pytest.mark.parametrize(
    "path",
    [
        "/open311/v2/services/no-such-service.json",
        "/open311/v2/requests/2026-9999999.json",
        "/open311/v2/tokens/nothing.json",
        "/open311/v2/unknown",
        "/open311/v2/unknown.json",
        "/open311/v3/services.json",
        "/open311/",
        "/open311/v2/services.html",
        "/open311/v2/services/noise/",
    ],
)
@pytest.mark.django_db
def test_every_404_under_open311_is_a_spec_error_in_json(client, territory, path):
    assert _spec_errors(client.get(path), 404)


@pytest.mark.parametrize(
    "path",
    [
        "/open311/v2/services/no-such-service.xml",
        "/open311/v2/requests/2026-9999999.xml",
        "/open311/v2/tokens/nothing.xml",
        "/open311/v2/unknown.xml",
    ],
)
@pytest.mark.django_db
def test_every_404_asked_in_xml_is_a_spec_error_in_xml(client, territory, path):
    response = client.get(path)
    assert response["Content-Type"].startswith("text/xml")
    assert _spec_errors(response, 404)


@pytest.mark.django_db
def test_service_definition_in_xml_follows_the_spec(client, territory):
    root = ET.fromstring(client.get("/open311/v2/services/noise.xml").content)
    assert root.tag == "service_definition" and root.findtext("service_code") == "noise"
    attribute = root.find("attributes/attribute")
    assert attribute.findtext("variable") == "true"
    assert attribute.findtext("datatype") == "singlevaluelist"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == [
        "morning",
        "day",
        "evening",
        "night",
    ]


@pytest.mark.django_db
def test_a_nul_byte_asked_in_xml_is_refused_in_xml(client, territory):
    (description,) = _spec_errors(client.get("/open311/v2/requests.xml?status=open%00"), 400)
    assert description == "status: a NUL character is not allowed"


@pytest.mark.django_db
def test_a_wrong_method_is_a_spec_error(client, territory):
    response = client.put("/open311/v2/services.json")
    assert _spec_errors(response, 405) and response["Allow"] == "GET"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=maybe", "status"),
        ("start_date=yesterday", "start_date"),
        ("start_date=2025-02-30T00:00:00Z", "start_date"),
        ("start_date=2025-01-01T00:00:00Z&end_date=2025-12-31T00:00:00Z", "start_date/end_date"),
        ("page=0", "page"),
        ("page=two", "page"),
        ("page_size=1001", "page_size"),
        ("page_size=-5", "page_size"),
    ],
)
@pytest.mark.django_db
def test_bad_filters_are_400_naming_the_parameter(client, territory, query, field):
    for fmt in ("json", "xml"):
        (description,) = _spec_errors(client.get(f"/open311/v2/requests.{fmt}?{query}"), 400)
        assert description.startswith(f"{field}:")


@pytest.mark.django_db
def test_more_ids_than_a_page_are_refused_not_cut(client, territory):
    ids = ",".join(f"2026-{i:07d}" for i in range(PAGE_SIZE_MAX + 1))
    (description,) = _spec_errors(
        client.get(f"/open311/v2/requests.json?service_request_id={ids}"), 400
    )
    assert description.startswith("service_request_id:")


@pytest.fixture
def key(db):
    from precinct.appeals.open311 import key_create

    return key_create(name="test client")


def _post(client, key, fmt="json", **fields):
    data = {
        "api_key": key,
        "service_code": "traffic",
        **POINT,
        "description": "Машина стоит на тротуаре",
        "first_name": "Айдар",
        "phone": "+77010001122",
        **fields,
    }
    return client.post(
        f"/open311/v2/requests.{fmt}", {k: v for k, v in data.items() if v is not None}
    )


@pytest.mark.parametrize(
    ("fields", "status", "starts"),
    [
        ({"api_key": "wrong"}, 403, "api_key:"),
        ({"api_key": None}, 403, "api_key:"),
        ({"service_code": "no-such"}, 400, "service_code"),
        ({"lat": None, "long": None}, 400, "lat/long, address_string or address_id:"),
        ({"long": None}, 400, "lat/long:"),
        ({"lat": "north"}, 400, "lat:"),
        ({"lat": None, "long": None, "address_id": "17"}, 400, "address_id:"),
        ({"lat": "43.24", "long": "120.0"}, 400, "lat:"),  # outside the territory
        ({"description": ""}, 400, "description:"),
        ({"phone": None}, 400, "phone:"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url:"),
        ({"media_url": "https://x.kz/" + "a" * 500}, 400, "media_url:"),
        ({"attribute[vehicle]": "x" * 101}, 400, "attribute[vehicle]:"),
        ({"attribute[colour]": "red"}, 400, "attribute[colour]:"),
        ({"service_code": "noise"}, 400, "attribute[time_of_day]: required"),
        (
            {"service_code": "noise", "attribute[time_of_day]": "noon"},
            400,
            "attribute[time_of_day]: one of",
        ),
    ],
)
@pytest.mark.django_db
def test_a_refused_post_names_the_open311_field(client, territory, key, fields, status, starts):
    for fmt in ("json", "xml"):
        descriptions = _spec_errors(_post(client, key, fmt, **fields), status)
        assert any(d.startswith(starts) for d in descriptions), descriptions
    assert not Appeal.objects.exists()


@pytest.mark.django_db
def test_a_post_with_only_an_address_is_placed_by_it(client, territory, key):
    Address.objects.create(
        region=territory.region, street="улица Абая", housenumber="52", lon=76.90, lat=43.24,
        **address_key_fields("улица Абая", "52"),
    )  # fmt: skip
    response = _post(client, key, lat=None, long=None, address_string="ул. Абая 52")
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get()
    assert (appeal.lat, appeal.address, appeal.service_attributes) == (43.24, "ул. Абая 52", {})


@pytest.mark.django_db
def test_an_optional_attribute_and_the_media_url_are_kept(client, territory, key):
    response = _post(
        client, key, **{"attribute[vehicle]": "123ABC02", "media_url": "http://x.kz/p.png"}
    )
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get()
    assert appeal.service_attributes == {"vehicle": "123ABC02"}
    assert appeal.media_url == "http://x.kz/p.png"
    listed = client.get(f"/open311/v2/requests/{appeal.registration_number}.json").json()[0]
    assert listed["media_url"] == "http://x.kz/p.png"
    assert "123ABC02" not in json.dumps(listed)  # a plate is for the police, not the public


@pytest.mark.django_db
def test_requests_about_officers_and_offences_are_never_public(client, world, territory, key):
    named = complaint_about(world.inspector_officer)
    conduct = appeal_in_district_a("Грубил на посту", category_code="officer-conduct")
    offence = appeal_in_district_a("Продают наркотики", type="offence", category_code="drugs")
    posted = _post(client, key, service_code="officer-conduct")
    assert posted.status_code == 201
    assert "not listed publicly" in posted.json()[0]["service_notice"]
    private = [named, conduct, offence, Appeal.objects.get(channel=Channel.OPEN311)]
    shown = appeal_in_district_a()
    rows = client.get("/open311/v2/requests.json").json()
    assert [r["service_request_id"] for r in rows] == [shown.registration_number]
    for appeal in private:
        number = appeal.registration_number
        assert client.get(f"/open311/v2/requests/{number}.json").status_code == 404
        assert client.get(f"/open311/v2/tokens/{number}.json").status_code == 404
        by_id = client.get(f"/open311/v2/requests.json?service_request_id={number}").json()
        assert by_id == []


def test_the_public_address_is_the_street_without_numbers():
    assert street_only("ул. Абая 52, кв. 15") == "ул. Абая"
    assert street_only("Алматы, пр. Достык, д. 105, подъезд 2") == "Алматы пр. Достык"
    assert street_only("мкр Самал-2, 58") == "мкр"
    assert street_only("") == ""


@pytest.mark.django_db
def test_staff_read_the_answers_and_the_photo_address_in_their_language(client, world, key):
    response = _post(
        client,
        key,
        service_code="noise",
        **{"attribute[time_of_day]": "night", "media_url": "https://city.example.kz/p/7.jpg"},
    )
    assert response.status_code == 201, response.content
    appeal = Appeal.objects.get()
    client.force_login(world.p.head)
    page = client.get(f"/appeals/staff/{appeal.pk}/", HTTP_ACCEPT_LANGUAGE="ru")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Когда бывает шум?" in text and "Ночью" in text
    assert "https://city.example.kz/p/7.jpg" in text
    assert 'href="https://city.example.kz' not in text  # shown, never linked
    client.cookies.load({"django_language": "kk"})
    assert "Түнде" in client.get(f"/appeals/staff/{appeal.pk}/").content.decode()
