"""Form 1-M workbooks, categories, region names and rates (precinct.analytics.form1m).

Reads the real workbooks in ../shared/data/kz_crime/xlsx (ODC PDDL 1.0,
open-data-kazakhstan/city-crime) and cross-checks them with the tidy CSV derived from them.
"""

import csv

import numpy as np
import openpyxl
import pytest

from precinct.analytics.form1m import (
    CATEGORIES,
    Form1MLayoutError,
    categorise,
    category_of,
    rate_per_10k,
    read_form1m_dir,
    read_form1m_workbook,
    region_key,
)
from tests.shared_data import SHARED_DATA

DATA = SHARED_DATA
XLSX = DATA / "kz_crime" / "xlsx"
TIDY = DATA / "kz_crime" / "form1M_R1_by_region_tidy.csv"
POPULATION = DATA / "kz_population" / "city_population.csv"


@pytest.fixture(scope="module")
def sheets():
    return read_form1m_dir(XLSX)


def test_all_twenty_regions_are_read(sheets):
    assert len(sheets) == 20
    assert {len(s.rows) for s in sheets} == {422}
    almaty = next(s for s in sheets if s.region == "Almaty")
    assert almaty.title == "1-M  Алматы (Свод)"
    assert almaty.total_registered == 34891
    theft = next(r for r in almaty.rows if r.article == "188")
    assert (theft.row_code, theft.article_number, theft.chapter) == (109, 188, 6)
    assert theft.indicator == "Кража (ст.188)"
    assert next(r for r in almaty.rows if r.row_code == 110).breakdown  # "из квартир"…
    assert next(r for r in almaty.rows if r.row_code == 117).article == "188-1"
    assert almaty.table().shape == (422, 31)


def test_workbooks_agree_with_the_tidy_csv(sheets):
    with TIDY.open(encoding="utf-8") as f:
        tidy = {(r["region_file"], int(r["row_code"])): r for r in csv.DictReader(f)}
    assert len(tidy) == 20 * 422
    for sheet in sheets:
        for row in sheet.rows:
            expected = tidy[(sheet.region, row.row_code)]
            got = {f"graf_{k}": row.graf[k - 1] for k in range(1, 13)}
            assert got == {k: int(expected[k]) for k in got}, (sheet.region, row.row_code)
    national = sum(s.total_registered for s in sheets)
    assert national == sum(int(r["graf_2"]) for (_, code), r in tidy.items() if code == 1)


def test_categories_add_up_to_the_total(sheets):
    for sheet in sheets:
        cats = categorise(sheet.rows)
        assert tuple(cats) == CATEGORIES
        assert sum(cats.values()) == sheet.total_registered
        assert min(cats.values()) >= 0
    almaty = next(s for s in sheets if s.region == "Almaty")
    by_article = {r.article: r.registered for r in almaty.rows if r.article}
    cats = categorise(almaty.rows)
    assert cats["theft"] == by_article["187"] + by_article["188"] + by_article["188-1"]
    assert cats["robbery"] == by_article["191"] + by_article["192"]
    assert cats["fraud"] == by_article["190"]
    assert cats["hooliganism"] == by_article["293"]
    chapter_1 = next(r for r in almaty.rows if r.indicator.startswith("Глава 1."))
    assert cats["person"] == chapter_1.registered  # murder attempts included
    # Another graph: offences in proceedings (graph 1) also add up.
    assert sum(categorise(almaty.rows, graph=1).values()) == almaty.rows[0].graf[0]


def test_category_table():
    assert category_of("188-1", 6) == "theft"
    assert category_of("192", 6) == "robbery"
    assert category_of("296", 11) == "drugs"
    assert category_of("304", 11) == "other"
    assert category_of("366", 15) == "corruption"
    assert category_of("345", 14) == "traffic"


def test_region_names_join_crime_files_and_population(sheets):
    with POPULATION.open(encoding="utf-8") as f:
        population = {region_key(r["Region"]): int(r["Total"]) for r in csv.DictReader(f)}
    keys = [region_key(s.region) for s in sheets]
    assert len(set(keys)) == 20
    assert set(keys) <= set(population)
    assert all(region_key(s.title) == region_key(s.region) for s in sheets)
    assert region_key("Almaty city") != region_key("Almaty Region")
    counts = np.array([s.total_registered for s in sheets])
    rates = rate_per_10k(counts, np.array([population[k] for k in keys]))
    assert np.all((rates > 10) & (rates < 500))
    with pytest.raises(ValueError, match="unknown region name 'Atlantis'"):
        region_key("Atlantis")


def test_rate_per_10k():
    np.testing.assert_allclose(rate_per_10k(50, 100_000), 5.0)
    assert np.isnan(rate_per_10k(3, 0))


def _minimal_form1m(path, n_rows=3):
    """A small workbook with the Form 1-M header of sheet R1 and a few data rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "R1"
    ws["A3"] = "Раздел 1. Сведения о зарегистрированных уголовных правонарушениях"
    ws["A4"] = "Наименование показателей"
    ws["D4"] = "Шифр строки"
    ws["F4"] = "Количество правонарушений, зарегистрированных в ЕРДР в  отчетном периоде"
    ws["A6"], ws["D6"] = "А", "Б"
    for k in range(31):
        ws.cell(row=6, column=5 + k, value=k + 1)
    for i in range(n_rows):
        ws.cell(row=7 + i, column=2, value="Кража (ст.188) " if i else "Всего")
        ws.cell(row=7 + i, column=4, value=i + 1)
        for k in range(31):
            ws.cell(row=7 + i, column=5 + k, value=10 * i + k)
    wb.save(path)
    return wb


def test_minimal_workbook_is_read(tmp_path):
    _minimal_form1m(tmp_path / "Tiny Region.xlsx")
    sheet = read_form1m_workbook(tmp_path / "Tiny Region.xlsx")
    assert sheet.region == "Tiny Region" and len(sheet.rows) == 3
    assert sheet.rows[1].article == "188" and sheet.rows[1].registered == 11


def test_layout__missing_sheet(tmp_path):
    path = tmp_path / "Other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.save(path)
    with pytest.raises(Form1MLayoutError, match=r"Other.xlsx: sheet R1 missing"):
        read_form1m_workbook(path)


def test_layout__wrong_header_cell_is_named(tmp_path):
    path = tmp_path / "Shifted.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "R1"
    ws["A3"] = "Раздел 1. Сведения о зарегистрированных уголовных правонарушениях"
    ws["A4"] = "Наименование показателей"
    ws["D4"] = "Код"
    wb.save(path)
    with pytest.raises(Form1MLayoutError, match=r"header cell D4 .* is 'Код', expected 'Шифр"):
        read_form1m_workbook(path)


def test_layout__bad_value_and_row_code_are_named(tmp_path):
    path = tmp_path / "Bad.xlsx"
    wb = _minimal_form1m(path)
    wb["R1"]["F8"] = "n/a"
    wb.save(path)
    with pytest.raises(Form1MLayoutError, match=r"Bad.xlsx: cell F8 is 'n/a', expected a count"):
        read_form1m_workbook(path)
    wb["R1"]["F8"] = 5
    wb["R1"]["D9"] = 7
    wb.save(path)
    with pytest.raises(Form1MLayoutError, match=r"cell D9 \(row code\) is '7', expected 3"):
        read_form1m_workbook(path)


def test_not_a_workbook(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_text("not a zip")
    with pytest.raises(Form1MLayoutError, match=r"broken\.xlsx: not a readable"):
        read_form1m_workbook(path)
    with pytest.raises(Form1MLayoutError, match=r"no \.xlsx workbooks"):
        read_form1m_dir(_empty(tmp_path))


def _empty(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    return folder
