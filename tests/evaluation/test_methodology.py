"""The methodology: a versioned catalog, published as a page generated from itself."""

import pytest

from precinct.evaluation.catalog import CatalogError, read_catalog
from precinct.evaluation.models import Indicator, Methodology

pytestmark = pytest.mark.django_db

GROUPS = {"crime", "response", "appeals", "surveys", "integrity", "staffing", "coverage"}


def test_catalog__shipped_by_migration_with_every_group_and_weights_summing_to_one():
    m = Methodology.objects.get(version=1)
    indicators = list(m.indicators.all())
    assert {i.group for i in indicators} == GROUPS
    assert sum(i.weight for i in indicators) == pytest.approx(1.0)
    assert all(i.definition and i.source and i.unit and i.min_data for i in indicators)


def test_catalog__version_2_adds_the_review_of_priorities_and_keeps_version_1():
    v1, v2 = Methodology.objects.get(version=1), Methodology.objects.get(version=2)
    assert not v1.indicators.filter(code="priorities_reviewed").exists()
    indicators = list(v2.indicators.all())
    assert {i.group for i in indicators} == GROUPS | {"priorities"}
    assert sum(i.weight for i in indicators) == pytest.approx(1.0)
    reviewed = v2.indicators.get(code="priorities_reviewed")
    assert reviewed.direction == "higher" and reviewed.unit == "share" and reviewed.min_n == 5
    assert reviewed.definition_kk and reviewed.definition_en and reviewed.min_data_kk


def test_api__methodology_is_public(client):
    response = client.get("/api/v1/evaluation/methodology")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2
    codes = {i["code"] for i in body["indicators"]}
    assert {"crime_rate", "clearance", "response_p90", "appeals_on_time", "trust"} <= codes
    trust = next(i for i in body["indicators"] if i["code"] == "trust")
    assert trust["survey_based"] and trust["direction"] == "higher"


def test_page__is_generated_from_the_catalog(client):
    Indicator.objects.filter(code="trust").update(name_en="Trust as edited in the catalog")
    page = client.get("/evaluation/methodology/", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Trust as edited in the catalog" in text
    # Each source is reported as it is: every app is installed; coverage needs a network.
    assert text.count("connected") >= 2
    reach = text.split('id="source-walking-reach">')[1].split("</li>")[0]
    assert "no road network imported yet" in reach


def test_page__walking_reach_connected_once_a_network_is_imported(client, settings, tmp_path):
    settings.PRECINCT_NETWORK_DIR = tmp_path
    (tmp_path / "walk.npz").touch()
    text = client.get("/evaluation/methodology/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    reach = text.split('id="source-walking-reach">')[1].split("</li>")[0]
    assert "connected" in reach and "no road network" not in reach


def test_catalog__weights_not_summing_to_one_are_refused(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text(
        'version = 9\n[[indicator]]\ncode = "a"\ndirection = "higher"\nweight = 0.5\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match=r"weights sum to 0\.5000"):
        read_catalog(path)


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("ru", "Как оценивается работа полиции"), ("kk", "Полиция жұмысы қалай бағаланады")],
)
def test_page__translated_from_the_apps_catalogs(client, lang, heading):
    page = client.get("/evaluation/methodology/", HTTP_ACCEPT_LANGUAGE=lang)
    text = page.content.decode()
    assert heading in text
    assert {"ru": "Оценка", "kk": "Бағалау"}[lang] in text  # the navigation link


def test_catalog__restored_from_the_shipped_data_after_a_flush(client):
    Methodology.objects.all().delete()
    assert client.get("/api/v1/evaluation/methodology").json()["version"] == 2
