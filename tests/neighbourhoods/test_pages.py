"""The public neighbourhood pages: what they show, to anyone, in the reader's language;
where they are linked from; ``neighbourhood_url`` in the locate API."""

import json
import re

import pytest
from django.test import Client

from tests.neighbourhoods.builders import ACTION_TEXT, COMPLAINT_TEXT, PRIORITY_ISSUE
from tests.territory.builders import INSIDE, INSPECTOR
from tests.workspace.builders import CALL_PLACE, RECEPTION_PLACE

pytestmark = pytest.mark.django_db

PRECINCT_URL = "/neighbourhoods/almalinsky/7/"


def page(url: str, language: str = "ru", **params) -> tuple[int, str]:
    client = Client()
    client.cookies["django_language"] = language
    response = client.get(url, params)
    return response.status_code, response.content.decode()


def test_precinct__team_posts_receptions_priorities_and_figures_for_anyone(hood):
    status, html = page(PRECINCT_URL)
    assert status == 200
    assert " ".join(INSPECTOR) in html and "капитан полиции" in html
    assert 'class="nb-photo"' in html
    assert 'href="tel:+7 727 000 00 07"' in html  # the inspector's work phone
    assert "УПП «Самал»" in html and "Пн–Пт 09:00–18:00" in html
    unpublished = re.search(r'<li data-post="\d+"><strong>УПП «План»</strong>.*?</li>', html, re.S)
    assert "Часы работы: не опубликованы" in unpublished.group(0)
    assert RECEPTION_PLACE in html and "/receptions/" in html
    assert PRIORITY_ISSUE in html and ACTION_TEXT in html
    # What residents raised lately: the precinct's noise appeals (the complaint left out).
    assert '<tr data-theme="noise">' in html
    assert 'id="nb-map-data"' in html and '"Polygon"' in html
    # News of the precinct by e-mail (the alerts app's subscription, for this precinct).
    assert re.search(r'href="/alerts/subscribe/\?precinct=\d+"', html)
    # Figures: the precinct's six answers beside the city's; the median arrival in minutes.
    assert '<tr data-figure="answered">' in html
    assert "8,5\xa0мин" in html
    # Never a resident's data, a caller's place or phone, or a complaint about the officer.
    for private in (CALL_PLACE, "+7 705 999 88 77", "+7 701 234 56 78", COMPLAINT_TEXT):
        assert private not in html


@pytest.mark.parametrize("language, words", [
    ("ru", ["Участок № 7", "Ваш участковый инспектор", "капитан полиции", "Парковка во дворах"]),
    ("kk", ["№ 7 учаске", "Сіздің учаскелік инспекторыңыз", "полиция капитаны",
            "Аулалардағы тұрақ"]),
    ("en", ["Precinct 7", "Your district inspector", "police captain", "Parking in the yards"]),
])  # fmt: skip
def test_precinct__in_the_readers_language(hood, language, words):
    status, html = page(PRECINCT_URL, language)
    assert status == 200 and f'<html lang="{language}">' in html
    for word in words:
        assert word in html


def test_small_counts__read_fewer_than_five(hood):
    _, html = page("/neighbourhoods/almalinsky/8/", "en")
    assert "fewer than 5" in html and "too few to publish" in html


def test_unknown_places__404_in_the_site(hood):
    for url in (
        "/neighbourhoods/almalinsky/99/",
        "/neighbourhoods/nowhere/7/",
        "/neighbourhoods/nowhere/",
        "/neighbourhoods/regions/nowhere/",
    ):
        status, html = page(url)
        assert status == 404, url
        assert 'class="site-header"' in html


def test_department__figures_receptions_and_its_precincts(hood):
    status, html = page("/neighbourhoods/almalinsky/")
    assert status == 200
    assert 'href="/neighbourhoods/almalinsky/7/"' in html
    assert 'href="/neighbourhoods/almalinsky/8/"' in html
    assert RECEPTION_PLACE in html
    assert '<tr data-figure="calls">' in html
    _, found = page("/neighbourhoods/almalinsky/", q="8")
    assert 'data-precinct="8"' in found and 'data-precinct="7"' not in found


def test_region_and_country__side_by_side(hood):
    status, html = page("/neighbourhoods/regions/almaty/")
    assert status == 200 and 'href="/neighbourhoods/almalinsky/"' in html
    status, html = page("/neighbourhoods/")
    assert status == 200 and 'href="/neighbourhoods/regions/almaty/"' in html


def test_home_menu_receptions_and_statistics__link_the_pages(hood):
    _, home = page("/")
    assert 'href="/neighbourhoods/"' in home
    _, receptions = page("/receptions/")
    assert 'href="/neighbourhoods/almalinsky/"' in receptions
    _, statistics = page("/appeals/statistics/")
    assert 'href="/neighbourhoods/almalinsky/"' in statistics


def test_locate__api_answers_the_neighbourhood_url_and_the_result_links_it(hood):
    lon, lat = INSIDE
    body = Client().get("/api/v1/locate", {"lat": lat, "lon": lon}).json()
    assert body["neighbourhood_url"] == f"http://testserver{PRECINCT_URL}"
    assert Client().get(body["neighbourhood_url"]).status_code == 200
    _, fragment = page("/territory/locate/result/", lat=lat, lon=lon)
    assert f'href="{PRECINCT_URL}"' in fragment
    data = json.loads(fragment.split('id="locate-data" type="application/json">')[1].split("<")[0])
    assert data["neighbourhood_url"] == PRECINCT_URL


def test_openapi__documents_neighbourhood_url():
    schema = Client().get("/api/v1/openapi.json").json()
    locate = schema["components"]["schemas"]["LocateOut"]
    assert "neighbourhood_url" in locate["required"]
    assert "neighbourhood" in locate["properties"]["neighbourhood_url"]["description"]
