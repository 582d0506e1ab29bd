"""Ranks, opening hours and post names in the reader's language, not as stored Russian."""

import importlib

import pytest
from django.utils import translation

from precinct.territory import hours
from precinct.territory.models import Officer
from tests import factories

OSM = "Mo-Fr 09:00-18:00; Sa 10:00-14:00"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ru", "Пн–Пт 09:00–18:00; Сб 10:00–14:00"),
        ("kk", "Дс–Жм 09:00–18:00; Сб 10:00–14:00"),
        ("en", "Mon–Fri 09:00–18:00; Sat 10:00–14:00"),
    ],
)
def test_opening_hours__written_in_the_reader_language(language, text):
    with translation.override(language):
        assert hours.opening_hours_text(OSM) == text


def test_opening_hours__lists_closed_days_and_round_the_clock():
    with translation.override("ru"):
        assert hours.opening_hours_text("24/7") == "круглосуточно"
        assert hours.opening_hours_text("Mo,We 09:00-12:00,14:00-18:00; Su off") == (
            "Пн, Ср 09:00–12:00, 14:00–18:00; Вс выходной"
        )


def test_opening_hours__what_is_not_understood_is_shown_as_written():
    assert hours.parse("sunrise-sunset") is None
    assert hours.opening_hours_text("по записи") == "по записи"


def test_opening_hours__russian_sign_becomes_osm_syntax():
    assert hours.from_russian("Пн–Пт 09:00–18:00, Сб 10:00–14:00") == OSM
    assert hours.from_russian("по записи") == "по записи"


@pytest.mark.parametrize(
    ("language", "rank"),
    [("ru", "капитан полиции"), ("kk", "полиция капитаны"), ("en", "police captain")],
)
def test_rank__a_code_shown_in_the_reader_language(territory, language, rank):
    officer = factories.officer(territory.district_a, Officer.Role.INSPECTOR, rank="captain")
    with translation.override(language):
        assert officer.rank_display == rank


def test_rank__typed_before_the_codes__shown_as_typed(territory):
    officer = factories.officer(territory.district_a, Officer.Role.INSPECTOR, rank="инспектор")
    assert officer.rank_display == "инспектор"


def test_migration__russian_ranks_and_hours_become_codes_and_osm():
    migration = importlib.import_module(
        "precinct.territory.migrations.0003_rank_codes_and_osm_opening_hours"
    )
    assert migration.RANKS["старший лейтенант полиции"] == "senior_lieutenant"
    assert migration.osm_hours("Пн–Пт 09:00–18:00, Сб 10:00–14:00") == OSM
    assert migration.osm_hours("по записи") == "по записи"


def test_post__opening_hours_display_for_templates(territory):
    from precinct.territory import services

    post = services.post_create(
        department=territory.district_a, name="УПП", lon=76.9, lat=43.25, opening_hours=OSM
    )
    with translation.override("kk"):
        assert post.opening_hours_display == "Дс–Жм 09:00–18:00; Сб 10:00–14:00"
