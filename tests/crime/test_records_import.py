"""``precinct crime import-records FILE --mapping MAPPING``: all or nothing, idempotent,
line-numbered refusals, exact positions snapped at import, nothing private stored."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from precinct.core.importing import ImportRefused, MappingError
from precinct.crime import importer
from precinct.crime.models import MapPoint, OffenceRecord, RecordBatch
from tests.crime import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def records_world(tmp_path, settings):
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    return world.build_records_world(tmp_path)


def _import(path, mapping_path):
    return importer.offence_records_import(path=path, mapping=importer.read_mapping(mapping_path))


def test_a_file_is_imported_with_points_departments_and_hashed_ids(records_world):
    records = {r.source_ref: r for r in OffenceRecord.objects.all()}
    assert len(records) == len(records_world.rows)
    abay = records["A-0"]
    assert abay.location is not None and abay.location.published
    assert abay.location.street == "проспект Абая" and abay.location.places >= 8
    assert abay.department.code == "up-almaly" and abay.precinct is not None
    assert abay.outcome == "awaiting-court-outcome" and f"{abay.outcome_month:%Y-%m}" == "2026-04"
    assert len(abay.persistent_id) == 64 and "A-0" not in abay.persistent_id
    # The lone house's point stands for one building: the record has no location, and
    # its department comes from the precinct it lies in.
    lone = records["LONE"]
    assert lone.location is None and lone.department.code == "up-almaly"
    assert records["NOWHERE"].location is None
    assert records["NOWHERE"].outcome == "investigation-complete-no-suspect-identified"
    assert records["B-1"].location.street == "улица Жибек Жолы"
    batch = RecordBatch.objects.get()
    assert (batch.created, batch.updated, batch.provenance) == (15, 0, "real")


def test_nothing_private_is_stored(records_world):
    stored = " ".join(
        str(v) for row in OffenceRecord.objects.values() for v in row.values()
    ) + " ".join(str(v) for row in RecordBatch.objects.values() for v in row.values())
    assert not [s for s in world.SECRETS if s in stored]


def test_importing_the_same_file_again_updates_and_adds_nothing(records_world):
    before = {r.persistent_id: r.location_id for r in OffenceRecord.objects.all()}
    rows = world.record_rows()
    rows[0]["kind"] = "Хулиганство"  # the source corrected a category
    path = world.write_csv(records_world.csv.parent / "again.csv", rows)
    report = _import(path, records_world.mapping)
    assert report.rows == len(rows)
    after = {r.persistent_id: r.location_id for r in OffenceRecord.objects.all()}
    assert after == before
    assert OffenceRecord.objects.get(source_ref="A-0").category == "public-order"
    latest = RecordBatch.objects.first()
    assert (latest.created, latest.updated) == (0, len(rows))


def test_bad_rows_are_named_by_line_and_nothing_is_written(records_world):
    rows = world.record_rows()
    rows.append({**rows[0], "id": "NEW-1", "month": "13.2026"})
    rows.append({**rows[0], "id": "NEW-2", "kind": "Жалоба на участкового"})
    rows.append({**rows[0], "id": "A-1"})  # the file has A-1 already (line 3)
    rows.append({**rows[0], "id": "NEW-3", "lat": "91.5"})
    rows.append({**rows[0], "id": "NEW-4", "department": "up-nowhere"})
    path = world.write_csv(records_world.csv.parent / "bad.csv", rows)
    count = OffenceRecord.objects.count()
    with pytest.raises(ImportRefused) as refused:
        _import(path, records_world.mapping)
    text = refused.value.message
    first_bad = len(world.record_rows()) + 2
    assert refused.value.rejected_lines == list(range(first_bad, first_bad + 5))
    assert f"line {first_bad}: Месяц: '13.2026' is not a date" in text
    assert "unknown category 'Жалоба на участкового'" in text
    assert "duplicate id 'A-1' (line 3)" in text
    assert "not on Earth" in text and "unknown department 'up-nowhere'" in text
    assert OffenceRecord.objects.count() == count


def test_an_unmapped_column_refuses_the_file(records_world):
    mapping = records_world.mapping.read_text(encoding="utf-8").replace('"Фабула", ', "")
    path = records_world.csv.parent / "strict.toml"
    path.write_text(mapping, encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        _import(records_world.csv, path)
    assert "line 1: Фабула: unknown column (map it or ignore it)" in refused.value.message


def test_a_complaint_cannot_be_mapped_to_a_category(records_world):
    mapping = records_world.mapping.read_text(encoding="utf-8").replace(
        '"Хулиганство" = "public-order"', '"Жалоба" = "complaint"'
    )
    path = records_world.csv.parent / "complaint.toml"
    path.write_text(mapping, encoding="utf-8")
    with pytest.raises(MappingError) as wrong:
        importer.read_mapping(path)
    assert "line 21" in wrong.value.message and "'complaint'" in wrong.value.message


def test_the_command_imports_and_names_bad_lines(records_world, capsys):
    rows = world.record_rows()
    rows[0]["id"] = "CMD-1"
    good = world.write_csv(records_world.csv.parent / "cmd.csv", rows)
    call_command("crime", "import-records", str(good), "--mapping", str(records_world.mapping))
    assert "Imported 15 offence records" in capsys.readouterr().out
    rows[1]["kind"] = "???"
    bad = world.write_csv(records_world.csv.parent / "cmdbad.csv", rows)
    with pytest.raises(CommandError) as refused:
        call_command("crime", "import-records", str(bad), "--mapping", str(records_world.mapping))
    assert "line 3: Вид: unknown category '???'" in str(refused.value)


def test_rebuilding_points_with_a_larger_n_hides_the_small_ones(records_world, settings):
    settings.PRECINCT_MAP_POINT_MIN_PLACES = 11
    call_command("crime", "map-points")
    # Abay's 20 houses now form one point (20 >= 11), Zhibek's 16 one point; both shown.
    shown = MapPoint.objects.filter(published=True)
    assert sorted(shown.values_list("places", flat=True)) == [16, 20]
    settings.PRECINCT_MAP_POINT_MIN_PLACES = 17
    call_command("crime", "map-points")
    assert OffenceRecord.objects.get(source_ref="B-1").location is None
    assert OffenceRecord.objects.get(source_ref="A-0").location.places == 20
