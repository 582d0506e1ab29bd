"""Static files: hashed names, gzip and a year's caching after collectstatic; plain names
(and no error) before it; the map pages' scripts stay small."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

LEAFLET = "vendor/leaflet-1.9.4/leaflet.js"
HASHED = r"^/static/vendor/leaflet-1\.9\.4/leaflet\.[0-9a-f]{12}\.js$"


@pytest.fixture
def collected(settings, tmp_path):
    """collectstatic into a fresh STATIC_ROOT, as bin/serve does before gunicorn starts."""
    settings.STATIC_ROOT = tmp_path / "static"
    # Changing STATIC_ROOT makes Django build a new storage, which reads the new manifest.
    call_command("collectstatic", "--noinput", verbosity=0)
    return settings.STATIC_ROOT


def test_after_collectstatic__pages_link_hashed_names(collected, db):
    assert static(LEAFLET).startswith("/static/vendor/leaflet-1.9.4/leaflet.")
    html = Client().get("/territory/locate/").content.decode()
    links = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert links and all(re.search(r"\.[0-9a-f]{12}\.\w+$", url) for url in links), links
    assert any(re.match(HASHED, url) for url in links)


def test_after_collectstatic__served_gzipped_and_cached_for_a_year(collected, db):
    url = static(LEAFLET)
    response = Client().get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    raw = Path(finders.find(LEAFLET)).stat().st_size
    assert len(body) < raw / 2  # 147 KB of JavaScript travels as about 43 KB


def test_before_collectstatic__plain_names_served_from_the_apps(settings, tmp_path, db):
    settings.STATIC_ROOT = tmp_path / "empty"  # a fresh clone: no manifest
    assert static(LEAFLET) == "/static/" + LEAFLET
    assert Client().get("/territory/locate/").status_code == 200


def test_vendored_libraries_carry_their_licences():
    for directory in ("leaflet-1.9.4", "leaflet-textpath-1.3.0", "plotly-basic-4.1.1"):
        assert finders.find(f"vendor/{directory}/LICENSE"), directory


@pytest.mark.parametrize("page", ["/territory/locate/", "/appeals/new/"])
def test_map_pages_load_little_javascript(client, db, page):
    html = client.get(page).content.decode()
    scripts = re.findall(r'<script src="/static/([^"]+)"', html)
    size = sum(Path(finders.find(path)).stat().st_size for path in scripts)
    # Leaflet, its label plugin, htmx and the page's own code: far from plotly's 4.7 MB.
    assert size < 300_000, (size, scripts)
