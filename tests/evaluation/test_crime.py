"""Official crime statistics: Form 1-M import, rates per 10,000, department counts."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from precinct.crime import metrics, services
from precinct.crime.models import DepartmentCount, RegionalCategoryCount, RegionalCount

pytestmark = pytest.mark.django_db

XLSX = settings.SHARED_DATA_DIR / "kz_crime" / "xlsx"
POPULATION = settings.SHARED_DATA_DIR / "kz_population" / "city_population.csv"


@pytest.fixture
def two_regions(tmp_path):
    folder = tmp_path / "form1m"
    folder.mkdir()
    for name in ("Almaty.XLSX", "Abay Region.XLSX"):
        (folder / name).symlink_to(XLSX / name)
    return folder


def test_import_form1m__rows_categories_and_rates(two_regions):
    call_command("crime", "import-form1m", str(two_regions))
    call_command("crime", "import-population", str(POPULATION))
    period = metrics.latest_period()
    assert period.label == "one reporting period"
    total = RegionalCount.objects.get(period=period, region_key="almaty-city", row_code=1)
    categories = RegionalCategoryCount.objects.filter(period=period, region_key="almaty-city")
    assert sum(c.registered for c in categories) == total.registered
    rates = {r["region_key"]: r for r in metrics.regional_rates(period=period)}
    assert set(rates) == {"almaty-city", "abai"}
    almaty = rates["almaty-city"]
    assert almaty["population"] == 2161695
    assert almaty["rate"] == pytest.approx(total.registered / 2161695 * 10_000, abs=0.01)
    # Abay: the tidy table's row 1, graph 2 (registered in the period) is 2,474.
    assert rates["abai"]["registered"] == 2474


def test_import_form1m__again_replaces_the_period(two_regions):
    call_command("crime", "import-form1m", str(two_regions))
    rows = RegionalCount.objects.count()
    call_command("crime", "import-form1m", str(two_regions))
    assert RegionalCount.objects.count() == rows


def test_import_form1m__a_workbook_of_another_layout_imports_nothing(two_regions):
    book = Workbook()
    book.active.append(["something", "else"])
    book.save(two_regions / "Other.xlsx")
    with pytest.raises(CommandError, match="Other"):
        call_command("crime", "import-form1m", str(two_regions))
    assert not RegionalCount.objects.exists()


def test_department_counts__imported_and_summed(tmp_path, territory):
    path = tmp_path / "counts.csv"
    path.write_text(
        "department_code,period,category,registered,cleared\n"
        "up-almaly,2025,theft,120,60\n"
        "up-almaly,2025,fraud,30,10\n"
        "up-medeu,2025,total,80,\n",
        encoding="utf-8",
    )
    call_command("crime", "import-departments", str(path))
    counts = metrics.department_counts(
        department_ids=[territory.district_a.pk, territory.district_b.pk], period="2025"
    )
    assert counts[territory.district_a.pk] == {"registered": 150, "cleared": 70}
    assert counts[territory.district_b.pk] == {"registered": 80, "cleared": None}


def test_department_counts__bad_lines_named_and_nothing_imported(tmp_path, territory):
    path = tmp_path / "counts.csv"
    path.write_text(
        "department_code,period,category,registered,cleared\n"
        "up-almaly,2025,theft,120,60\n"
        "up-nowhere,2025,theft,1,0\n"
        "up-almaly,2025,weather,1,0\n"
        "up-almaly,2025,fraud,5,9\n"
        "up-almaly,2025,theft,3,1\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as err:
        call_command("crime", "import-departments", str(path))
    text = str(err.value)
    assert "line 3: department_code: unknown department 'up-nowhere'" in text
    assert "line 4: category: unknown category 'weather'" in text
    assert "line 5: cleared must lie between 0 and registered" in text
    assert "line 6: the same department, period and category as line 2" in text
    assert not DepartmentCount.objects.exists()


def test_population__males_and_females_must_sum(tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text("Region,Total,Males,Females\nAstana city,100,40,50\n", encoding="utf-8")
    with pytest.raises(services.CrimeImportError, match="line 2"):
        services.population_import(path=path)
