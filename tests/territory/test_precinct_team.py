"""territory.metrics.precinct_team: who serves a precinct, with public work contacts only."""

import datetime as dt

import pytest
from django.utils import translation

from precinct.territory import metrics, services
from precinct.territory.models import Officer, Provenance
from tests.territory.builders import INSPECTOR, build_small_territory

pytestmark = pytest.mark.django_db


def test_team__inspector_with_work_phone_assistant_without(settings, tmp_path):
    site = build_small_territory(tmp_path / "network")
    precinct = site["precinct"]
    assistant = Officer.objects.create(
        department=site["department"], last_name="Ким", first_name="Алия",
        role=Officer.Role.ASSISTANT, phone="+7 701 000 00 99", source=Provenance.GENERATED,
    )  # fmt: skip
    services.inspector_assign(officer=assistant, precinct=precinct, starts_on=dt.date(2024, 1, 1))
    with translation.override("en"):
        team = metrics.precinct_team(precinct_id=precinct.pk)
    by_name = {t["name"]: t for t in team}
    inspector = by_name[" ".join(INSPECTOR)]
    assert inspector["rank"] == "police captain" and inspector["phone"] == "+7 727 000 00 07"
    assert inspector["generated"] is True
    assert by_name["Ким Алия"]["phone"] == "" and by_name["Ким Алия"]["email"] == ""
