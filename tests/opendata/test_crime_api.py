"""data.police.uk's own client (``police-api-client`` 1.2.2, unmodified) reads the street-
level crime resources from the real server (gunicorn); the bulk downloads read back with
the csv module and pyarrow agree with the API; nothing private reaches any answer."""

import csv
import io

import pyarrow.parquet as pq
import pytest
import requests
from police_api import PoliceAPI
from police_api.exceptions import APIError

from precinct.crime.models import OffenceRecord
from precinct.opendata.crime_views import crime_id
from tests.crime import world

ABAY_POINT = (43.2403, 76.9)
CITY_AREA = [(43.23, 76.88), (43.23, 76.95), (43.26, 76.95), (43.26, 76.88)]
HOUSE_LATS = {f"{lat:.6f}" for _lon, lat in [*world.ABAY_HOUSES, world.LONE_HOUSE]}


@pytest.mark.django_db(transaction=True)
def test_the_police_uk_client_reads_every_crime_resource(opendata_records, live_opendata):
    api = PoliceAPI(base_url=live_opendata, timeout=30)
    ids = dict(OffenceRecord.objects.values_list("source_ref", "persistent_id"))

    assert api.get_dates() == ["2026-03", "2026-02", "2026-01"]
    assert api.get_latest_date() == "2026-03"
    assert requests.get(live_opendata + "crime-last-updated").json() == {"date": "2026-03-01"}
    categories = {c.id: c.name for c in api.get_crime_categories(date="2026-02")}
    assert "all-crime" not in categories and len(categories) == 14
    assert categories["robbery"] == "Грабёж и разбой"
    english = requests.get(live_opendata + "crime-categories?lang=en").json()
    assert english[0] == {"url": "all-crime", "name": "All crime"}

    january = api.get_crimes_point(*ABAY_POINT, date="2026-01")
    assert sorted(c.persistent_id for c in january) == sorted(ids[f"A-{i}"] for i in (0, 3, 6, 9))
    crime = next(c for c in january if c.persistent_id == ids["A-0"])
    assert crime.category.id == "other-theft" and crime.month == "2026-01"
    assert crime.location.name == "Рядом с: проспект Абая"
    assert crime.location.latitude == "43.240000"  # on the street, not at the house
    assert crime.outcome_status.category.name == "Дело направлено в суд"
    assert crime.outcome_status.date == "2026-04"
    (outcome,) = crime.outcomes
    assert outcome.category.id == "awaiting-court-outcome"
    robbery = api.get_crimes_point(*ABAY_POINT, date="2026-01", category="robbery")
    assert sorted(c.persistent_id for c in robbery) == sorted([ids["A-3"], ids["A-9"]])

    march = api.get_crimes_area(CITY_AREA, date="2026-03")
    assert sorted(c.persistent_id for c in march) == sorted(
        [ids["A-2"], ids["A-5"], ids["A-8"], ids["A-11"], ids["B-1"]]
    )
    latest = api.get_crimes_area(CITY_AREA)  # no date: the latest month
    assert sorted(c.persistent_id for c in latest) == sorted(c.persistent_id for c in march)
    zhibek = next(c for c in march if c.persistent_id == ids["B-1"])
    at_point = api.get_crimes_location(zhibek.location.id, date="2026-03")
    assert [c.persistent_id for c in at_point] == [ids["B-1"]]

    no_location = api.get_crimes_no_location("up-almaly", date="2026-02")
    # A crime without location has data.police.uk's numeric id only.
    assert sorted(c.id for c in no_location) == sorted(
        crime_id(ids[ref]) for ref in ("LONE", "NOWHERE")
    )
    assert len(api.get_crimes_no_location("dp-almaty", date="2026-02")) == 2
    assert (
        len(api.get_crimes_no_location("up-almaly", date="2026-02", category="public-order")) == 1
    )

    whole = api.get_crime(ids["NOWHERE"])
    assert whole.location.id is None and whole.month == "2026-02"
    assert [o.category.id for o in whole.outcomes] == [
        "investigation-complete-no-suspect-identified"
    ]

    outcomes = requests.get(
        live_opendata + "outcomes-at-location",
        params={"location_id": crime.location.id, "date": "2026-04"},
    ).json()
    assert outcomes and all(o["category"]["code"] == "awaiting-court-outcome" for o in outcomes)
    assert ids["A-0"] in {o["crime"]["persistent_id"] for o in outcomes}

    with pytest.raises(APIError) as unknown:
        api.get_crimes_point(*ABAY_POINT, category="complaints-about-officers")
    assert unknown.value.status_code == 404
    with pytest.raises(APIError) as unknown:
        api.get_crime("0" * 64)
    assert unknown.value.status_code == 404
    for path, status in [
        ("crimes-street/all-crime", 400),
        ("crimes-street/all-crime?lat=43.24&lng=76.9&date=2026-13", 400),
        ("crimes-street/all-crime?poly=43,76:44", 400),
        ("crimes-at-location?location_id=abc", 400),
        ("crimes-at-location?location_id=999999", 404),
        ("crimes-no-location?force=up-nowhere", 404),
    ]:
        assert requests.get(live_opendata + path).status_code == status, path

    _bulk_downloads_agree_with_the_api(api, live_opendata.replace("/api/", "/"))
    _nothing_private_in_any_answer(live_opendata, crime.location.id)


def _bulk_downloads_agree_with_the_api(api, site: str) -> None:
    for month in ("2026-01", "2026-02", "2026-03"):
        text = requests.get(f"{site}downloads/{month}.csv").content.decode("utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        table = pq.read_table(io.BytesIO(requests.get(f"{site}downloads/{month}.parquet").content))
        assert table.to_pylist() == [_typed(r) for r in rows]
        located = {c.persistent_id for c in api.get_crimes_area(CITY_AREA, date=month)}
        unlocated = {c.id for c in api.get_crimes_no_location("dp-almaty", date=month)}
        assert {r["crime_id"] for r in rows if r["location_id"]} == located
        assert {crime_id(r["crime_id"]) for r in rows if not r["location_id"]} == unlocated
        for row in rows:
            crime = api.get_crime(row["crime_id"])
            assert (crime.category.id, crime.month) == (row["category"], row["month"])
            if row["location_id"]:
                assert crime.location.id == int(row["location_id"])
                assert crime.location.latitude == f"{float(row['latitude']):.6f}"
                assert crime.location.longitude == f"{float(row['longitude']):.6f}"
            else:
                assert crime.location.id is None and row["latitude"] == ""
            assert [o.category.id for o in crime.outcomes] == (
                [row["last_outcome"]] if row["last_outcome"] else []
            )
    medeu = requests.get(f"{site}downloads/2026-03.csv?department=up-medeu").text
    assert len(list(csv.DictReader(io.StringIO(medeu)))) == 1
    assert requests.get(f"{site}downloads/2025-01.csv").status_code == 404
    assert requests.get(f"{site}downloads/2026-03.xlsx").status_code == 404


def _typed(row: dict) -> dict:
    def number(text, kind):
        return kind(text) if text else None

    return {
        **row,
        "longitude": number(row["longitude"], float),
        "latitude": number(row["latitude"], float),
        "location_id": number(row["location_id"], int),
    }


def _nothing_private_in_any_answer(api_url: str, location_id: int) -> None:
    site = api_url.replace("/api/", "/")
    paths = [
        f"{api_url}crimes-street/all-crime?lat=43.2403&lng=76.9&date={m}"
        for m in ("2026-01", "2026-02", "2026-03")
    ] + [
        f"{api_url}crimes-no-location?force=dp-almaty&date=2026-02",
        f"{api_url}crimes-at-location?location_id={location_id}&date=2026-01",
        f"{site}downloads/2026-02.csv",
        f"{site}downloads/",
        f"{site}downloads/dictionary/",
        f"{site}releases.atom",
        f"{site}releases.json",
    ]
    for url in paths:
        body = requests.get(url).text
        assert not [s for s in world.SECRETS if s in body], url
        assert not [lat for lat in HOUSE_LATS if lat in body], url
        assert "test-source" not in body and "A-0" not in body, url
