"""Import of field files: the whole file or nothing, with every bad line reported."""

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from precinct.core.importing import ImportRefused
from precinct.surveys import services
from precinct.surveys.models import Response

pytestmark = pytest.mark.django_db

MAPPING = """
[respondent]
id = "_uuid"
age = "age"
sex = "sex"
district = "district"
submitted_at = "_submission_time"

[answers]
trust_local = "q_trust"
fair = "q_fair"
listen = "q_listen"
rely = "q_rely"
safe_dark = "q_safe"
knows_inspector = "q_inspector"
heard_service_model = "q_model"
concerns = "q_concerns"

[values.sex]
"1" = "m"
"2" = "f"

[values.district]
"Almaly" = "up-almaly"
"Medeu" = "up-medeu"

[ignore]
columns = ["_index"]
"""

HEADER = (
    "_uuid,_index,_submission_time,age,sex,district,q_trust,q_fair,q_listen,q_rely,"
    "q_safe,q_inspector,q_model,q_concerns"
)
ROWS = [
    "a1,1,2026-03-01T10:00:00+05:00,34,1,Almaly,4,4,3,5,2,yes,no,theft drugs",
    "a2,2,2026-03-01T11:00:00+05:00,61,2,Medeu,5,5,5,5,4,no,yes,",
    "a3,3,2026-03-02,19,2,Almaly,2,3,1,2,1,1,0,roads",
]


@pytest.fixture
def mapping(tmp_path):
    path = tmp_path / "mapping.toml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def _csv(tmp_path, rows, header=HEADER, name="kobo.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_import__good_csv_is_imported_with_age_groups(tmp_path, wave, mapping):
    report = services.responses_import(survey=wave, path=_csv(tmp_path, ROWS), mapping_path=mapping)
    assert report.rows == 3
    rows = {r.respondent_ref: r for r in Response.objects.all()}
    assert rows["a1"].age_group == "30-44" and rows["a1"].sex == "m"
    assert rows["a2"].age_group == "60+" and rows["a2"].department.code == "up-medeu"
    assert rows["a1"].answers["concerns"] == ["drugs", "theft"]
    assert rows["a3"].answers["knows_inspector"] is True


def test_import__bad_rows_are_reported_by_line_and_nothing_is_imported(tmp_path, wave, mapping):
    rows = [
        *ROWS,
        "a4,4,,7,1,Almaly,4,4,4,4,4,yes,yes,",  # impossible age
        "a1,5,,40,1,Almaly,4,4,4,4,4,yes,yes,",  # duplicate id
        "a6,6,,40,1,Almaly,4,7,4,4,4,yes,yes,",  # out of scale
        "a7,7,,40,3,Nowhere,4,4,4,4,4,yes,yes,guns",  # sex, district, option
    ]
    with pytest.raises(ImportRefused) as err:
        services.responses_import(survey=wave, path=_csv(tmp_path, rows), mapping_path=mapping)
    assert err.value.rejected_lines == [5, 6, 7, 8]
    text = str(err.value)
    assert "line 5: age: impossible age '7'" in text
    assert "line 6: _uuid: duplicate respondent id 'a1' (line 2)" in text
    assert "line 7: q_fair: out of the 1–5 scale" in text
    assert "line 8: district: unknown district 'Nowhere'" in text
    assert "line 8: sex: unknown sex '3'" in text
    assert "line 8: q_concerns: not among the options: guns" in text
    assert not Response.objects.exists()


def test_import__unknown_columns_refuse_the_file(tmp_path, wave, mapping):
    path = _csv(tmp_path, [r + ",x" for r in ROWS], header=HEADER + ",phone")
    with pytest.raises(ImportRefused) as err:
        services.responses_import(survey=wave, path=path, mapping_path=mapping)
    assert "line 1: phone: unknown column" in str(err.value)
    assert not Response.objects.exists()


def test_import__ids_already_imported_are_duplicates(tmp_path, wave, mapping):
    services.responses_import(survey=wave, path=_csv(tmp_path, ROWS[:1]), mapping_path=mapping)
    with pytest.raises(ImportRefused) as err:
        services.responses_import(survey=wave, path=_csv(tmp_path, ROWS), mapping_path=mapping)
    assert "already imported" in str(err.value)
    assert Response.objects.count() == 1


def test_import__xlsx_of_the_same_columns(tmp_path, wave, mapping):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for row in ROWS:
        cells = row.split(",")
        cells[3] = int(cells[3])  # numbers as numbers, as exports write them
        sheet.append(cells)
    path = tmp_path / "limesurvey.xlsx"
    book.save(path)
    report = services.responses_import(survey=wave, path=path, mapping_path=mapping)
    assert report.rows == 3


def test_command__imports_and_reports(tmp_path, wave, mapping, capsys):
    call_command("surveys", "import", str(_csv(tmp_path, ROWS)), survey=wave.pk, mapping=mapping)
    assert Response.objects.count() == 3


def test_command__refused_file_names_the_lines(tmp_path, wave, mapping):
    bad = _csv(tmp_path, ["b1,1,,200,1,Almaly,4,4,4,4,4,yes,yes,"])
    with pytest.raises(CommandError, match="line 2: age: impossible age '200'"):
        call_command("surveys", "import", str(bad), survey=wave.pk, mapping=mapping)


def test_command__bad_mapping_is_named(tmp_path, wave):
    broken = tmp_path / "m.toml"
    broken.write_text("[respondent]\nid = 'x'\n", encoding="utf-8")
    needs = r"m\.toml, line 1: \[respondent\] needs 'sex', 'district'"
    with pytest.raises(CommandError, match=needs):
        call_command("surveys", "import", str(_csv(tmp_path, ROWS)), survey=wave.pk, mapping=broken)
