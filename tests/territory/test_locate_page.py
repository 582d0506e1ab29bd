"""The resident's locate page, its htmx fragments and the base-map tiles."""

import gzip
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from django.urls import reverse

from precinct.analytics.network import import_networks
from precinct.territory import mapdata
from tests.territory.builders import FAR_PRECINCT, INSIDE, INSPECTOR

RESULT = reverse("territory:locate-result")
SEARCH = reverse("territory:address-search")
CUT = Path(__file__).resolve().parents[1] / "fixtures" / "almaty_cut.osm.pbf"


def tile_url(lang: str, z: int, lon: float, lat: float) -> str:
    """The URL of the base-map tile holding (lon, lat) at tile zoom z."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return reverse("territory:basemap-tile", args=[lang, z, x, y])


def test_locate_page__has_map_search_and_provenance(client, db):
    response = client.get(reverse("territory:locate"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="map"' in html and 'id="address"' in html and 'id="result"' in html
    assert "vendor/leaflet-1.9.4/leaflet.js" in html and 'id="map-config"' in html
    assert "plotly" not in html
    assert "OpenStreetMap" in html and reverse("data-sources") in html
    assert "htmx-config" in html
    config = response.context["map_config"]
    assert config["basemapUrl"] == "/territory/basemap/ru/{z}/{x}/{y}.json"
    assert config["zoom"] == 14 and config["bounds"] is None  # no region: central Almaty


def test_locate_page__tiles_in_the_page_language(client, db):
    client.cookies["django_language"] = "kk"
    config = client.get(reverse("territory:locate")).context["map_config"]
    assert config["basemapUrl"].startswith("/territory/basemap/kk/")
    # Leaflet's zoom buttons are titled by the page, not in Leaflet's English.
    assert (config["zoomInTitle"], config["zoomOutTitle"]) == ("Жақындату", "Алыстату")


def test_result__shows_precinct_inspector_and_walk(client, locate_territory):
    response = client.get(RESULT, {"lon": INSIDE[0], "lat": INSIDE[1]})
    assert response.status_code == 200
    html = response.content.decode()
    assert " ".join(INSPECTOR) in html and "+7 727 000 00 07" in html
    assert "УПП «Самал»" in html and 'class="walk"' in html
    assert "Ахметов Данияр" in html  # the head
    assert "badge generated" in html and "badge derived" in html
    assert "УПП «План»" not in html  # planned posts are not offered
    data = response.context["result"]
    assert data["precinct"]["number"] == 7 and data["posts"][0]["walk_seconds"] > 0
    assert 'id="locate-data"' in html
    assert re.search(r"\d+ минут\w* пешком, \d+ м", html)  # Russian plural forms


@pytest.mark.parametrize(
    ("language", "rank", "hours"),
    [
        ("ru", "капитан полиции", "Пн–Пт 09:00–18:00; Сб 10:00–14:00"),
        ("kk", "полиция капитаны", "Дс–Жм 09:00–18:00; Сб 10:00–14:00"),
        ("en", "police captain", "Mon–Fri 09:00–18:00; Sat 10:00–14:00"),
    ],
)
def test_result__rank_and_opening_hours_in_the_reader_language(
    client, locate_territory, language, rank, hours
):
    client.cookies["django_language"] = language
    html = client.get(RESULT, {"lon": INSIDE[0], "lat": INSIDE[1]}).content.decode()
    assert f", {rank}</" in html or f", {rank}" in html
    assert hours in html
    if language == "en":
        assert re.search(r"\d+ minutes? walk, \d+ m\b", html)


@pytest.mark.parametrize(
    "params",
    [{}, {"lon": "x", "lat": "43.2"}, {"lon": "76.9"}, {"lon": "76.9", "lat": "100"},
     {"lon": "nan", "lat": "43.2"}],
)  # fmt: skip
def test_result__invalid_coordinates_400(client, locate_territory, params):
    response = client.get(RESULT, params)
    assert response.status_code == 400
    assert 'data-error="invalid_coordinates"' in response.content.decode()


def test_result__outside_every_precinct_404(client, locate_territory):
    response = client.get(RESULT, {"lon": 10.0, "lat": 10.0})
    assert response.status_code == 404
    assert 'data-error="outside_precincts"' in response.content.decode()


def test_result__off_network_404(client, locate_territory):
    center = FAR_PRECINCT.centroid
    response = client.get(RESULT, {"lon": center.x, "lat": center.y})
    assert response.status_code == 404
    assert 'data-error="off_network"' in response.content.decode()


def test_result__network_missing_503(client, locate_territory, network_dir):
    (network_dir / "walk.npz").unlink()
    response = client.get(RESULT, {"lon": INSIDE[0], "lat": INSIDE[1]})
    assert response.status_code == 503
    assert 'data-error="network_missing"' in response.content.decode()


def test_search__candidates_are_buttons_that_locate(client, addresses):
    response = client.get(SEARCH, {"q": "Абая 52"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "проспект Абая, 52" in html and 'data-exact="true"' in html
    assert f'hx-get="{RESULT}?lon=' in html and 'hx-target="#result"' in html


def test_search__unknown_address_404_with_message(client, addresses):
    response = client.get(SEARCH, {"q": "Несуществующая 5"})
    assert response.status_code == 404
    assert 'role="alert"' in response.content.decode()


def test_search__too_short_is_not_an_error(client, addresses):
    response = client.get(SEARCH, {"q": "а"})
    assert response.status_code == 200 and b"candidate" not in response.content


def test_basemap_tile__streets_names_and_buildings_of_the_import(client, db, network_dir):
    import_networks(CUT, network_dir)
    response = client.get(tile_url("ru", 15, 76.945, 43.238))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age=86400" in response["Cache-Control"] and response["ETag"]
    features = json.loads(response.content)["features"]
    names = {f["properties"].get("n") for f in features} - {None}
    assert names and all(re.search("[а-яА-ЯәғқңөұүһіӘҒҚҢӨҰҮҺІ]", n) for n in names)
    assert any(f["properties"].get("b") for f in features)  # buildings at street zoom
    coords = [c for f in features if f["geometry"]["type"] == "LineString"
              for c in f["geometry"]["coordinates"]]  # fmt: skip
    assert all(round(c[0], 5) == c[0] and round(c[1], 5) == c[1] for c in coords)


def test_basemap_tile__gzip_and_not_modified(client, locate_territory):
    url = tile_url("ru", 15, *INSIDE)
    response = client.get(url, headers={"accept-encoding": "gzip, br"})
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["type"] == "FeatureCollection"
    again = client.get(url, headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


def test_basemap_tile__without_a_basemap_file_draws_the_walking_network(client, locate_territory):
    features = client.get(tile_url("ru", 15, *INSIDE)).json()["features"]
    assert features and all(f["properties"] == {"k": "residential"} for f in features)


@pytest.mark.parametrize(
    "args", [("de", 15, 0, 0), ("ru", 17, 0, 0), ("ru", 3, 8, 0), ("ru", 3, 0, 8)]
)
def test_basemap_tile__unknown_language_zoom_or_tile_is_404(client, locate_territory, args):
    assert client.get(reverse("territory:basemap-tile", args=args)).status_code == 404


def test_basemap_tile__503_without_network(client, db, network_dir):
    response = client.get(tile_url("ru", 15, *INSIDE))
    assert response.status_code == 503 and response.json()["code"] == "network_missing"


def test_street_lines__joins_edges_through_pass_through_nodes():
    # A T junction at node 1: 0-1-2-3 and 1-4, stored once per direction like a walk graph.
    edges = [(0, 1), (1, 2), (2, 3), (1, 4)]
    tails = np.array([u for u, v in edges] + [v for u, v in edges])
    heads = np.array([v for u, v in edges] + [u for u, v in edges])
    order = np.argsort(tails, kind="stable")
    indptr = np.r_[0, np.cumsum(np.bincount(tails, minlength=5))]
    lon, lat = np.arange(5.0), np.zeros(5)
    lines = mapdata.street_lines(indptr, heads[order], lon, lat)
    assert sorted(sorted(line[:, 0].tolist()) for line in lines) == [[0, 1], [1, 2, 3], [1, 4]]


def test_street_lines__closed_ring_is_kept():
    tails, heads = np.array([0, 1, 1, 2, 2, 0]), np.array([1, 0, 2, 1, 0, 2])
    order = np.argsort(tails, kind="stable")
    indptr = np.r_[0, np.cumsum(np.bincount(tails, minlength=3))]
    lines = mapdata.street_lines(indptr, heads[order], np.arange(3.0), np.zeros(3))
    assert len(lines) == 1 and len(lines[0]) == 4


def test_language__russian_by_default(client, db):
    html = client.get(reverse("territory:locate")).content.decode()
    assert "Найти своего участкового инспектора" in html and 'lang="ru"' in html


def test_language__switcher_sets_kazakh(client, db):
    locate = reverse("territory:locate")
    response = client.post(reverse("set_language"), {"language": "kk", "next": locate})
    assert response.status_code == 302 and response["Location"] == locate
    html = client.get(locate).content.decode()
    assert 'lang="kk"' in html and "Учаскелік инспекторымды табу" in html
    assert "Басты бет" in client.get(reverse("home")).content.decode()  # the home page title


def test_language__kazakh_result_fragment(client, locate_territory):
    client.cookies["django_language"] = "kk"
    html = client.get(RESULT, {"lon": INSIDE[0], "lat": INSIDE[1]}).content.decode()
    assert "Сіздің учаскелік инспекторыңыз" in html and "жаяу" in html


def test_language__english_from_the_browser(client, db):
    html = client.get(reverse("data-sources"), headers={"accept-language": "en"}).content
    assert "Which data are real" in html.decode()


def test_result__offers_writing_to_this_precinct_and_the_heads_reception(client, locate_territory):
    response = client.get(RESULT, {"lon": INSIDE[0], "lat": INSIDE[1]})
    html = response.content.decode()
    data = response.context["result"]
    department = data["department"]["id"]
    write = f"{reverse('appeals:new')}?lat={data['lat']:.6f}&amp;lon={data['lon']:.6f}"
    assert f'href="{write}&amp;department_id={department}"' in html
    assert f'href="{reverse("receptions:list")}?department={department}"' in html


def test_locate_page__result_panel_asks_for_the_scroll_cue(client, db):
    html = client.get(reverse("territory:locate")).content.decode()
    assert re.search(r'<div id="result"[^>]*data-scroll-cue', html)
