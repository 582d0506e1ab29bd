"""Privacy by construction (issue #14, item 5) on adversarial data: a lone house, a
one-record month in a small area, a record at a house's exact position, a point that
stopped qualifying; no person, phone, free text or address; no complaint category."""

import datetime as dt
import json
import math

import pytest

from precinct.crime import categories, importer
from precinct.crime.models import MapPoint, OffenceRecord
from precinct.opendata.downloads import COLUMNS
from tests.crime import world

pytestmark = pytest.mark.django_db

API = "/opendata/api/"


def _get(client, url, language="en", **params):
    response = client.get(url, params, headers={"accept-language": language})
    assert response.status_code == 200, (url, response.content[:300])
    return response


def _distance_m(lon1, lat1, lon2, lat2):
    return math.hypot(
        (lon1 - lon2) * 111_320 * math.cos(math.radians(lat1)), (lat1 - lat2) * 110_574
    )


def test_a_lone_house_is_never_a_published_location(opendata_records, client, settings):
    lone_point = MapPoint.objects.get(street="Тупик")
    assert lone_point.places == 1 and not lone_point.published
    lone = OffenceRecord.objects.get(source_ref="LONE")
    assert lone.location is None
    lon, lat = world.LONE_HOUSE
    near = _get(client, API + "crimes-street/all-crime", lat=lat, lng=lon, date="2026-02").json()
    assert lone.persistent_id not in {c["persistent_id"] for c in near}
    assert all(c["location"]["street"]["id"] != lone_point.id for c in near)
    assert client.get(API + "crimes-at-location", {"location_id": lone_point.id}).status_code == 404
    (crime,) = [
        c
        for c in _get(client, API + "crimes-no-location", force="up-almaly", date="2026-02").json()
        if c["persistent_id"] == lone.persistent_id
    ]
    assert crime["location"] is None and crime["category"] == "public-order"
    body = _get(client, "/opendata/downloads/2026-02.csv").content.decode()
    assert "Тупик" not in body and f"{lat:.6f}" not in body


def test_a_record_at_a_house_is_published_at_a_street_point_of_n_buildings(
    opendata_records, client, settings
):
    lon, lat = world.ABAY_HOUSES[0]  # record A-0 was imported at this house's exact position
    record = OffenceRecord.objects.get(source_ref="A-0")
    answer = _get(client, API + f"outcomes-for-crime/{record.persistent_id}").json()
    shown = answer["crime"]["location"]
    shown_lon, shown_lat = float(shown["longitude"]), float(shown["latitude"])
    assert _distance_m(lon, lat, shown_lon, shown_lat) >= 25
    point = MapPoint.objects.get(pk=shown["street"]["id"])
    assert point.published and point.places >= settings.PRECINCT_MAP_POINT_MIN_PLACES
    # The published point coincides with no house.
    for house_lon, house_lat in [*world.ABAY_HOUSES, *world.ZHIBEK_HOUSES, world.LONE_HOUSE]:
        assert _distance_m(house_lon, house_lat, shown_lon, shown_lat) > 10


def test_a_one_record_month_in_a_small_area_shows_no_small_count(opendata_records, client):
    rows = [{**world.record_rows()[-1], "id": "ONLY", "month": "06.2025"}]  # Zhibek, district B
    path = world.write_csv(opendata_records.csv.parent / "one.csv", rows)
    importer.offence_records_import(
        path=path, mapping=importer.read_mapping(opendata_records.mapping)
    )
    page = _get(client, "/opendata/downloads/").content.decode()
    row = page[page.index(">2025-06<") :].split("</tr>")[0]
    assert "fewer than 5" in row and ">1<" not in row
    feed = _get(client, "/opendata/releases.json").json()
    (item,) = [i for i in feed["items"] if i["id"].endswith(":2025-06")]
    assert "1 " not in item["content_text"].split(";")[0]
    atom = _get(client, "/opendata/releases.atom").content.decode()
    assert "2025-06" in atom
    # The record itself is still published, at a point that stands for N buildings.
    (crime,) = _get(
        client, API + "crimes-street/all-crime", lat=43.2503, lng=76.933, date="2025-06"
    ).json()
    assert MapPoint.objects.get(pk=crime["location"]["street"]["id"]).places >= 8


def test_a_point_that_stops_qualifying_is_not_shown_even_before_a_rebuild(opendata_records, client):
    record = OffenceRecord.objects.get(source_ref="B-1")
    MapPoint.objects.filter(pk=record.location_id).update(published=False)
    answer = _get(client, API + f"outcomes-for-crime/{record.persistent_id}").json()
    assert answer["crime"]["location"] is None
    lon, lat = world.ZHIBEK_HOUSES[3]
    near = _get(client, API + "crimes-street/all-crime", lat=lat, lng=lon, date="2026-03").json()
    assert record.persistent_id not in {c["persistent_id"] for c in near}
    no_location = _get(client, API + "crimes-no-location", force="up-medeu", date="2026-03").json()
    assert [c["persistent_id"] for c in no_location] == [record.persistent_id]


def test_no_person_phone_text_or_address_anywhere_published(opendata_records, client):
    bodies = [
        _get(client, f"/opendata/downloads/{m:%Y-%m}.{fmt}").content
        for m in world.MONTHS
        for fmt in ("csv", "parquet")
    ]
    area = "43.2,76.8:43.3,76.8:43.3,77:43.2,77"
    for month in world.MONTHS:
        url = API + "crimes-street/all-crime"
        bodies.append(_get(client, url, poly=area, date=f"{month:%Y-%m}").content)
    text = b"\n".join(bodies).decode("utf-8", errors="replace")
    assert not [s for s in world.SECRETS if s in text]
    assert "test-source" not in text and "A-0" not in text  # the source and its ids


def test_complaints_about_officers_are_no_category():
    codes = set(categories.CATEGORIES)
    assert not [c for c in codes if "complaint" in c or "officer" in c]
    police_uk = {
        "anti-social-behaviour", "bicycle-theft", "burglary", "criminal-damage-arson", "drugs",
        "other-theft", "possession-of-weapons", "public-order", "robbery", "shoplifting",
        "theft-from-the-person", "vehicle-crime", "violent-crime", "other-crime",
    }  # fmt: skip
    assert codes == police_uk
    names = json.dumps([(c.name, c.name_kk, c.name_en) for c in categories.CATEGORIES.values()])
    assert "жалоб" not in names.lower() and "шағым" not in names.lower()


def test_the_monthly_files_hold_only_the_dictionary_columns(opendata_records, client):
    header = _get(client, "/opendata/downloads/2026-01.csv").content.decode().splitlines()[0]
    assert header.split(",") == [name for name, _kind, _meaning in COLUMNS]
    assert dt.date(2026, 1, 1) in world.MONTHS


@pytest.mark.parametrize(
    "url",
    [
        API + "crimes-street/all-crime?lat=43.24&lng=76.9&date=0000-01",
        API + "crimes-street/all-crime?lat=nan&lng=76.9",
        API + "crimes-street/all-crime?lat=43.24&lng=inf",
        API + "crimes-street/all-crime?poly=43,76:44,nan:45,77",
        API + "crimes-at-location?location_id=99999999999999999999999",
        API + "crimes-at-location?location_id=%D9%A3",
        API + "crime-categories?date=2026-00",
        "/opendata/downloads/0000-01.csv",
    ],
)
def test_malformed_input_is_a_4xx_never_a_500(opendata_records, client, url):
    assert 400 <= client.get(url).status_code < 500
