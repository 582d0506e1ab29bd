"""``precinct dispatch import``: a documented mapping, line-numbered errors, all or nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from precinct.dispatch import metrics
from precinct.dispatch.models import Incident

pytestmark = pytest.mark.django_db

MAPPING = """
[columns]
received = "Поступил"
dispatched = "Направлен"
on_scene = "Прибыл"
closed = "Закрыт"
priority = "Приоритет"
type = "Тип"
lat = "Широта"
lon = "Долгота"
place = "Адрес"

[csv]
delimiter = ";"

[time]
format = "%d.%m.%Y %H:%M:%S"
timezone = "Asia/Almaty"

[types]
"ДТП с пострадавшими" = "crash_injury"
"Драка" = "violence"

[defaults]
department = "up-almaly"
area_type = "urban"
"""

HEADER = "Поступил;Направлен;Прибыл;Закрыт;Приоритет;Тип;Широта;Долгота;Адрес\n"
GOOD = [
    "01.03.2026 10:00:00;01.03.2026 10:01:00;01.03.2026 10:11:00;01.03.2026 11:00:00;"
    "1;Драка;43.25;76.90;Абая 52\n",
    "01.03.2026 12:00:00;01.03.2026 12:02:00;01.03.2026 12:30:00;;;ДТП с пострадавшими;;;\n",
    "02.03.2026 01:00:00;;;;3;other;;;\tкв. 5\n",
]


def _files(tmp_path, rows, mapping=MAPPING):
    data = tmp_path / "calls.csv"
    data.write_text(HEADER + "".join(rows), encoding="utf-8")
    spec = tmp_path / "mapping.toml"
    spec.write_text(mapping, encoding="utf-8")
    return str(data), str(spec)


def test_import__rows_become_closed_calls_with_phases(territory, tmp_path):
    data, spec = _files(tmp_path, GOOD)
    out = io.StringIO()
    call_command("dispatch", "import", data, "--mapping", spec, stdout=out)
    assert "Imported 3 calls" in out.getvalue()
    fight = Incident.objects.get(category__code="violence")
    assert (fight.handling_seconds, fight.travel_seconds, fight.response_seconds) == (60, 600, 660)
    assert fight.received_at.isoformat() == "2026-03-01T05:00:00+00:00"
    assert (fight.state, fight.source, fight.place) == ("closed", "imported", "Абая 52")
    crash = Incident.objects.get(category__code="crash_injury")
    assert crash.priority == 1 and crash.lat is None  # the category's default priority
    assert Incident.objects.get(category__code="other").place == "кв. 5"
    rows = metrics.response_measures(
        department=territory.district_a, start=fight.received_at, end=crash.on_scene_at
    )
    assert rows[0]["calls"] == 2 and rows[0]["within_target"] == 1


def test_import__bad_rows_are_named_by_line_and_nothing_is_stored(territory, tmp_path):
    bad = [
        *GOOD,
        "01.03.2026 10:00:00;01.03.2026 09:00:00;;;1;Драка;;;\n",
        "yesterday;;;;1;Драка;;;\n",
        "01.03.2026 10:00:00;;;;1;Пожар;;;\n",
        "01.03.2026 10:00:00;;;;7;Драка;;;\n",
        "01.03.2026 10:00:00;;;;1;Драка;95;76.9;\n",
    ]
    data, spec = _files(tmp_path, bad)
    with pytest.raises(CommandError) as exc:
        call_command("dispatch", "import", data, "--mapping", spec)
    message = str(exc.value)
    assert "5 bad rows, nothing imported" in message
    assert "line 5: dispatched is before received" in message
    assert "line 6: received: 'yesterday' is not a time" in message
    assert "line 7: type: unknown 'Пожар'" in message
    assert "line 8: priority" in message and "line 9: lat/lon" in message
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("mapping", "message"),
    [("[columns]\ntype = 'Тип'\n", "needs 'received'"),
     (MAPPING.replace('"Поступил"', '"Нет такой"', 1), "not in the file's header"),
     (MAPPING.replace('"up-almaly"', '"nowhere"'), "unknown default department"),
     ("not toml [", "mapping.toml")],
)  # fmt: skip
def test_import__bad_mapping_is_explained(territory, tmp_path, mapping, message):
    data, spec = _files(tmp_path, GOOD, mapping)
    with pytest.raises(CommandError, match=message):
        call_command("dispatch", "import", data, "--mapping", spec)
    assert not Incident.objects.exists()


def test_import__a_file_that_does_not_fit_the_mapping_is_named(territory, tmp_path):
    _, spec = _files(tmp_path, GOOD)
    data = tmp_path / "another_export.csv"
    data.write_text("Date;Kind\n05.01.2026 10:00;fight\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("dispatch", "import", data, "--mapping", spec)
    message = str(exc.value)
    assert message.startswith(f"{data}: the header does not fit the mapping, nothing imported")
    assert "line 1: Поступил: mapped column not in the file's header" in message
    assert not Incident.objects.exists()
