"""A small world of street-level records on the test territory (tests.factories).

Streets (a synthetic base map), residential buildings (population points), the anonymous
map points built from them, and a CSV of records imported through the real importer, with
columns that must never be stored (a name, a phone, a description) mapped to [ignore].
"""

import datetime as dt
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

from precinct.analytics.network.basemap import NAME_KEYS, Basemap
from precinct.crime import importer, services
from precinct.territory.models import PopulationPoint, Provenance
from tests import factories

ABAY_LAT, TUPIK_LAT, ZHIBEK_LAT = 43.240, 43.260, 43.250
HOUSE_OFFSET = 0.0003  # ~33 m north of the street
ABAY_HOUSES = [(76.886 + i * 0.0015, ABAY_LAT + HOUSE_OFFSET) for i in range(20)]
LONE_HOUSE = (76.901, TUPIK_LAT + HOUSE_OFFSET)
ZHIBEK_HOUSES = [(76.930 + i * 0.001, ZHIBEK_LAT + HOUSE_OFFSET) for i in range(16)]
SECRETS = ("Иванов Иван Иванович", "+7 701 555 44 33", "ударил соседа ножом во дворе", "кв. 17")

MAPPING = textwrap.dedent(
    """
    [source]
    name = "test-source"

    [columns]
    id = "Номер"
    month = "Месяц"
    category = "Вид"
    outcome = "Решение"
    outcome_date = "Дата решения"
    lat = "Широта"
    lon = "Долгота"
    department = "Отдел"

    [dates]
    format = "%m.%Y"

    [categories]
    "Кража" = "other-theft"
    "Грабёж" = "robbery"
    "Хулиганство" = "public-order"

    [outcomes]
    "В суд" = "awaiting-court-outcome"
    "Не установлен" = "investigation-complete-no-suspect-identified"

    [ignore]
    columns = ["ФИО", "Телефон", "Фабула", "Адрес"]
    """
)
HEADER = "Номер;Месяц;Вид;Решение;Дата решения;Широта;Долгота;Отдел;ФИО;Телефон;Фабула;Адрес"


@dataclass
class RecordsWorld:
    territory: factories.Territory
    csv: Path
    mapping: Path
    rows: list[dict]


def write_basemap(directory: Path) -> None:
    """Three named streets: Abay avenue, a dead-end lane with one house, Zhibek Zholy."""
    lines = [
        np.array([[76.885, ABAY_LAT], [76.916, ABAY_LAT]]),
        np.array([[76.900, TUPIK_LAT], [76.902, TUPIK_LAT]]),
        np.array([[76.929, ZHIBEK_LAT], [76.946, ZHIBEK_LAT]]),
    ]
    names = [
        ("проспект Абая", "проспект Абая", "Абай даңғылы", "Abay Avenue"),
        ("Тупик", "", "", ""),
        ("улица Жибек Жолы", "", "Жібек жолы көшесі", "Zhibek Zholy Street"),
    ]
    offsets = np.cumsum([0, *(len(line) for line in lines)])
    basemap = Basemap(
        street_xy=np.concatenate(lines),
        street_offsets=offsets,
        street_class=np.zeros(len(lines), dtype=np.int8),
        names=np.array(names, dtype=str).reshape(-1, len(NAME_KEYS)),
        building_xy=np.zeros((0, 2)),
        building_offsets=np.zeros(1, dtype=np.int64),
    )
    directory.mkdir(parents=True, exist_ok=True)
    np.savez(
        directory / "basemap.npz", **{f: getattr(basemap, f) for f in Basemap.__dataclass_fields__}
    )


def record_rows() -> list[dict]:
    """The file's records: at houses of Abay (exact positions), at the lone house, far
    away, without coordinates, over three months; one in district B in March only."""
    rows = []
    for i, (lon, lat) in enumerate(ABAY_HOUSES[:12]):
        month = ["01.2026", "02.2026", "03.2026"][i % 3]
        to_court = i % 4 == 0
        rows.append(
            {"id": f"A-{i}", "month": month, "kind": ["Кража", "Грабёж"][i % 2],
             "outcome": "В суд" if to_court else "", "outcome_date": "04.2026" if to_court else "",
             "lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "department": "up-almaly"}
        )  # fmt: skip
    rows.append(
        {"id": "LONE", "month": "02.2026", "kind": "Хулиганство", "outcome": "", "outcome_date": "",
         "lat": f"{LONE_HOUSE[1]:.6f}", "lon": f"{LONE_HOUSE[0]:.6f}", "department": ""}
    )  # fmt: skip
    rows.append(
        {"id": "NOWHERE", "month": "02.2026", "kind": "Кража", "outcome": "Не установлен",
         "outcome_date": "", "lat": "", "lon": "", "department": "up-almaly"}
    )  # fmt: skip
    lon, lat = ZHIBEK_HOUSES[3]
    rows.append(
        {"id": "B-1", "month": "03.2026", "kind": "Кража", "outcome": "", "outcome_date": "",
         "lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "department": "up-medeu"}
    )  # fmt: skip
    return rows


def write_csv(path: Path, rows: list[dict]) -> Path:
    lines = [HEADER]
    for r in rows:
        cells = [r["id"], r["month"], r["kind"], r["outcome"], r["outcome_date"], r["lat"],
                 r["lon"], r["department"], *SECRETS]  # fmt: skip
        lines.append(";".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def build_records_world(
    tmp_path: Path, territory: factories.Territory | None = None
) -> RecordsWorld:
    """Streets, houses, map points and the imported records (settings must point
    PRECINCT_NETWORK_DIR to ``tmp_path / 'network'``)."""
    t = territory or factories.build_territory()
    write_basemap(Path(settings.PRECINCT_NETWORK_DIR))
    houses = [*ABAY_HOUSES, LONE_HOUSE, *ZHIBEK_HOUSES]
    PopulationPoint.objects.bulk_create(
        PopulationPoint(region=t.region, lon=lon, lat=lat, residents=30, source=Provenance.DERIVED)
        for lon, lat in houses
    )
    services.map_points_rebuild(region=t.region)
    rows = record_rows()
    csv_path = write_csv(tmp_path / "records.csv", rows)
    mapping_path = tmp_path / "mapping.toml"
    mapping_path.write_text(MAPPING, encoding="utf-8")
    importer.offence_records_import(path=csv_path, mapping=importer.read_mapping(mapping_path))
    return RecordsWorld(t, csv_path, mapping_path, rows)


MONTHS = [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
