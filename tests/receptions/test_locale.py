"""Receptions carry their own Russian and Kazakh translations (moved from appeals' catalog)."""

import gettext
import re
from pathlib import Path

import pytest

import precinct.appeals
import precinct.receptions

RECEPTIONS = Path(precinct.receptions.__file__).parent / "locale"
APPEALS = Path(precinct.appeals.__file__).parent / "locale"
MSGID = re.compile(r'^msgid "(.+)"$', re.MULTILINE)


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_reception_string_is_translated_in_the_apps_own_catalog(language):
    po = (RECEPTIONS / language / "LC_MESSAGES" / "django.po").read_text()
    catalog = gettext.translation("django", RECEPTIONS, languages=[language])
    untranslated = [m for m in MSGID.findall(po) if catalog.gettext(m) == m]
    assert MSGID.findall(po) and not untranslated


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_moved_strings_left_the_appeals_catalog(language):
    appeals = gettext.translation("django", APPEALS, languages=[language])
    receptions = gettext.translation("django", RECEPTIONS, languages=[language])
    for moved in (
        "Receptions of department heads",
        "Cancel a booking",
        "Publish weekly reception hours",
    ):
        assert appeals.gettext(moved) == moved
        assert receptions.gettext(moved) != moved
