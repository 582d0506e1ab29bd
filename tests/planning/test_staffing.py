"""Staffing against the norm: needed versus in post, the CSV return, and norms with sources."""

import datetime as dt

import pytest

from precinct.planning import selectors, services
from precinct.planning.models import DepartmentStaffing
from precinct.territory.models import Officer
from tests import factories

pytestmark = pytest.mark.django_db


def _rows(**kw):
    rows, total, extra = selectors.staffing_report(**kw)
    return {r.department_id: r for r in rows}, total, extra


def test_staffing__needed_from_residents_and_the_configured_norm(city, settings):
    settings.PRECINCT_RESIDENTS_PER_INSPECTOR_URBAN = 3000
    factories.inspector_of(city.territory.precinct_a)
    rows, total, extra = _rows()
    a = rows[city.territory.district_a.id]
    assert (a.residents, a.needed, a.actual, a.shortfall) == (7800, 3, 1, 2)
    assert a.actual_source == "roster"
    b = rows[city.territory.district_b.id]
    assert (b.needed, b.actual, b.shortfall) == (4, 0, 4)  # 9100 / 3000 rounded up
    assert (total.needed, total.actual) == (7, 1)
    assert extra["total_shortfall"] == 6
    assert "docs/demo.md" in extra["norms"]["urban"].source


def test_staffing__a_recorded_norm_replaces_the_setting_from_its_date(city, people):
    services.staffing_norm_record(
        actor=people.analyst, settlement="urban", residents_per_inspector=2000,
        source="Order of the Ministry No. 1 (test)", valid_from=dt.date(2025, 1, 1),
    )  # fmt: skip
    rows, _, extra = _rows()
    assert rows[city.territory.district_b.id].needed == 5
    assert extra["norms"]["urban"].source == "Order of the Ministry No. 1 (test)"
    older, _, _ = _rows(on=dt.date(2024, 6, 1))
    assert older[city.territory.district_b.id].needed == 4


def test_staffing__norm_needs_a_source_and_a_planner(city, people):
    with pytest.raises(services.PlanningError):
        services.staffing_norm_record(
            actor=people.analyst, settlement="urban", residents_per_inspector=2000,
            source=" ", valid_from=dt.date(2025, 1, 1),
        )  # fmt: skip
    with pytest.raises(services.PlanningForbidden):
        services.staffing_norm_record(
            actor=people.head, settlement="urban", residents_per_inspector=2000,
            source="x", valid_from=dt.date(2025, 1, 1),
        )  # fmt: skip


def test_staffing_csv__loads_every_row(city, people):
    csv = "department,inspectors,settlement\nup-almaly,5,urban\nup-medeu,2,\n"
    result = services.staffing_import_csv(actor=people.analyst, text=csv, source="return Q3")
    assert (result.created, result.updated) == (2, 0)
    rows, _, _ = _rows()
    a = rows[city.territory.district_a.id]
    assert (a.actual, a.actual_source, a.shortfall) == (5, "return", 0)
    again = services.staffing_import_csv(
        actor=people.analyst, text="department,inspectors\nup-almaly,4"
    )
    assert (again.created, again.updated) == (0, 1)


def test_staffing_csv__one_bad_line_refuses_the_file_with_line_numbers(city, people):
    csv = "department,inspectors\nup-almaly,5\nup-nowhere,2\nup-medeu,-1\nup-almaly,3\n"
    with pytest.raises(services.PlanningError) as exc:
        services.staffing_import_csv(actor=people.analyst, text=csv)
    assert exc.value.errors == [
        ("file", "line 3: unknown department 'up-nowhere'"),
        ("file", "line 4: inspectors must be a whole number, 0 or more"),
        ("file", "line 5: department up-almaly already on line 2"),
    ]
    assert not DepartmentStaffing.objects.exists()


def test_staffing_csv__missing_columns(city, people):
    with pytest.raises(services.PlanningError) as exc:
        services.staffing_import_csv(actor=people.analyst, text="dept,count\nx,1")
    assert exc.value.errors == [("file", "line 1: missing column(s) department, inspectors")]


def test_staffing_csv__a_head_loads_only_his_departments(city, people):
    with pytest.raises(services.PlanningError) as exc:
        services.staffing_import_csv(
            actor=people.head, text="department,inspectors\nup-almaly,4\nup-medeu,1"
        )
    assert exc.value.errors == [("file", "line 3: department up-medeu is outside your scope")]
    services.staffing_import_csv(actor=people.head, text="department,inspectors\nup-almaly,4")


# --- API ------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["analyst", "admin", "head"])
def test_staffing_api__planners_read_it(client, city, people, persona):
    client.force_login(getattr(people, persona))
    response = client.get("/api/v1/planning/staffing")
    assert response.status_code == 200
    ids = {r["department_id"] for r in response.json()}
    assert city.territory.district_a.id in ids
    if persona == "head":
        assert city.territory.district_b.id not in ids


@pytest.mark.parametrize("persona", ["inspector", "patrol", "operator"])
def test_staffing_api__others_are_refused(client, city, people, persona):
    client.force_login(getattr(people, persona))
    assert client.get("/api/v1/planning/staffing").status_code == 403
    body = {"csv": "department,inspectors\nup-almaly,4"}
    response = client.post(
        "/api/v1/planning/staffing/import", body, content_type="application/json"
    )
    assert response.status_code == 403


def test_staffing_api__import_errors_are_400_with_lines(client, city, people):
    client.force_login(people.analyst)
    body = {"csv": "department,inspectors\nup-almaly,x"}
    response = client.post(
        "/api/v1/planning/staffing/import", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("line 2:")


def test_staffing__inactive_inspectors_do_not_count(city):
    person = factories.inspector_of(city.territory.precinct_a)
    Officer.objects.filter(pk=person.pk).update(is_active=False)
    rows, _, _ = _rows()
    assert rows[city.territory.district_a.id].actual == 0


def test_staffing_command__loads_or_names_the_bad_line(city, tmp_path):
    from django.core.management import CommandError, call_command

    good = tmp_path / "ok.csv"
    good.write_text("department,inspectors\nup-almaly,6\nup-medeu,3\n", encoding="utf-8")
    call_command("staffing_import", str(good), "--as-of", "2026-10-01", "--source", "Q3")
    assert DepartmentStaffing.objects.get(department=city.territory.district_a).inspectors == 6
    bad = tmp_path / "bad.csv"
    bad.write_text("department,inspectors\nup-almaly,7\nup-medeu,three\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 3: inspectors must be a whole number"):
        call_command("staffing_import", str(bad))
    assert DepartmentStaffing.objects.get(department=city.territory.district_a).inspectors == 6
