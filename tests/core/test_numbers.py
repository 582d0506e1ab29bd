"""Numbers, units and dates follow the page's language: "40,54" and "м" in ru and kk."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from precinct.core import numbers
from precinct.core.i18n import in_every_language


@pytest.mark.parametrize(
    ("language", "decimal", "grouped", "metres", "minutes"),
    [
        ("ru", "40,54", "1\xa0234\xa0567", "792\xa0м", "13\xa0мин"),
        ("kk", "40,54", "1\xa0234\xa0567", "792\xa0м", "13\xa0мин"),
        ("en", "40.54", "1,234,567", "792\xa0m", "13\xa0min"),
    ],
)
def test_numbers__follow_the_language(language, decimal, grouped, metres, minutes):
    with translation.override(language):
        assert numbers.number(40.536, 2) == decimal
        assert numbers.number(1234567) == grouped
        assert numbers.quantity(792.4, "m") == metres
        assert numbers.minutes(780) == minutes


def test_numbers__round_instead_of_cutting_digits_off():
    with translation.override("en"):
        assert numbers.number(2.675001, 2) == "2.68"
        assert numbers.number(1234.567, 2) == "1,234.57"


def test_percent__share_as_per_cent_and_none_as_empty():
    with translation.override("ru"):
        assert numbers.percent(0.4054) == "40,5\xa0%"
        assert numbers.percent(None) == ""
        assert numbers.number(None) == ""


@pytest.mark.parametrize(
    ("language", "separators"), [("ru", ",\xa0"), ("kk", ",\xa0"), ("en", ".,")]
)
def test_plotly_separators__decimal_then_thousands(language, separators):
    with translation.override(language):
        assert numbers.plotly_separators() == separators


def test_kazakh_dates__day_month_year_and_no_american_order():
    day = dt.date(2026, 12, 2)
    with translation.override("kk"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "02.12.2026"
        assert formats.date_format(day, "DATE_FORMAT") == "2 Желтоқсан 2026 ж."


def test_template_filters__render_in_the_page_language():
    template = Template("{% load numbers %}{{ x|num:2 }} · {{ s|pct }} · {{ m|metres }}")
    context = Context({"x": 150.02, "s": 0.5, "m": 1500})
    with translation.override("kk"):
        assert template.render(context) == "150,02 · 50,0\xa0% · 1\xa0500\xa0м"
    with translation.override("en"):
        assert template.render(context) == "150.02 · 50.0\xa0% · 1,500\xa0m"


def test_in_every_language__a_pattern_translated_per_column():
    from django.utils.translation import gettext_lazy

    names = in_every_language(gettext_lazy("District police post No. %(number)s"), number=12)
    assert names == {
        "name": "УПП № 12",
        "name_kk": "№ 12 учаскелік полиция пункті",
        "name_en": "District police post No. 12",
    }


@pytest.mark.parametrize(
    ("language", "short", "short_with_time"),
    [
        ("ru", "02.12.2026", "02.12.2026 09:05"),
        ("kk", "02.12.2026", "02.12.2026 09:05"),
        ("en", "2 Dec 2026", "2 Dec 2026 09:05"),  # never the American 12/02/2026
    ],
)
def test_short_dates__follow_the_language(language, short, short_with_time):
    at = dt.datetime(2026, 12, 2, 9, 5)
    template = Template('{{ at|date:"SHORT_DATE_FORMAT" }}|{{ at|date:"SHORT_DATETIME_FORMAT" }}')
    with translation.override(language):
        assert template.render(Context({"at": at})) == f"{short}|{short_with_time}"
