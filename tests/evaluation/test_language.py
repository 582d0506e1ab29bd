"""Evaluation in the reader's language: the methodology for residents, scorecard figures
with the locale's decimal mark, the Form 1-M regions and citation translated."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from precinct.crime import metrics as crime
from precinct.evaluation import display
from precinct.evaluation.models import Methodology
from tests.core.test_one_language import english_words

pytestmark = pytest.mark.django_db

XLSX = settings.SHARED_DATA_DIR / "kz_crime" / "xlsx"
POPULATION = settings.SHARED_DATA_DIR / "kz_population" / "city_population.csv"
INTERNAL = ("dispatch.metrics", "PRECINCT_", "appeals.metrics", "minmax")


def _resident_part(html: str) -> str:
    return html.split('id="technical-appendix"')[0]


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_methodology__readable_without_a_word_of_english(client, language):
    html = client.get("/evaluation/methodology/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert english_words(html) == set()
    assert not any(name in _resident_part(html) for name in INTERNAL)


def test_methodology__internal_names_only_in_the_technical_appendix(client):
    html = client.get("/evaluation/methodology/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    appendix = html.split('id="technical-appendix"')[1]
    assert "dispatch.metrics.response_measures" in appendix
    assert "PRECINCT_EVAL_WALK_MINUTES" in appendix and "PRECINCT_SURVEY_MIN_N_EFF" in appendix


def test_methodology__definitions_carry_the_settings_values(client, settings):
    settings.PRECINCT_EVAL_WALK_MINUTES = 12.0
    html = client.get("/evaluation/methodology/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "within 12 minutes along streets" in html
    assert "at least 30 respondents after weighting" in html
    assert "{walk_minutes}" not in html


@pytest.mark.parametrize("version", [1, 2])
def test_methodology__every_text_in_three_languages(version):
    m = Methodology.objects.get(version=version)
    assert m.title.startswith("Критерии") and m.notes_kk and m.notes_en
    for i in m.indicators.all():
        assert i.definition and i.definition_kk and i.definition_en, i.code
        assert i.min_data and i.min_data_kk and i.min_data_en, i.code
        assert re.search("[а-яА-Я]", i.definition), i.code  # Russian, not the old English


@pytest.mark.parametrize(
    ("language", "value", "interval", "trend"),
    [
        ("ru", "150,02\xa0на 10 000 жителей", "40,5\xa0% – 60,0\xa0%", "▼ −1,50 с 2023"),
        ("kk", "150,02\xa010 000 тұрғынға", "40,5\xa0% – 60,0\xa0%", "▼ −1,50"),
        ("en", "150.02\xa0per 10,000 residents", "40.5\xa0% – 60.0\xa0%", "▼ −1.50 since 2023"),
    ],
)
def test_scorecard_figures__locale_decimal_mark_and_units(language, value, interval, trend):
    rate = {"unit": "per 10,000", "value": 150.02, "lower": None, "upper": None,
            "trend": {"change": -1.5, "since": "2023", "better": True}}  # fmt: skip
    share = {"unit": "share", "value": 0.5, "lower": 0.405, "upper": 0.6, "trend": None}
    with translation.override(language):
        shown = display.indicator(rate)
        assert shown["value"] == value
        assert shown["trend"].startswith(trend)
        assert display.indicator(share)["interval"] == interval


def test_peer_group__in_words():
    with translation.override("ru"):
        assert display.peer_group("district:100k–250k") == (
            "Районное управление полиции, 100–250 тыс. жителей"
        )
        assert display.peer_group("city:≥500k").endswith("500 тыс. жителей и более")


def test_form1m__regions_and_citation_in_the_reader_language(client, tmp_path):
    folder = tmp_path / "form1m"
    folder.mkdir()
    (folder / "Abay Region.XLSX").symlink_to(XLSX / "Abay Region.XLSX")
    call_command("crime", "import-form1m", str(folder))
    call_command("crime", "import-population", str(POPULATION))
    html = client.get("/evaluation/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert "Абай облысы" in html and "Abai Region" not in html
    assert "Құқықтық статистика және арнайы есепке алу комитеті" in html
    assert "бір есепті кезең" in html
    with translation.override("ru"):
        rows = crime.regional_rates(period=crime.latest_period())
        assert rows[0]["name"] == "Абайская область"
