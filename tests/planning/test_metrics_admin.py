"""Measures for evaluation, the admin, and fixed query counts of the list pages."""

import datetime as dt

import pytest

from precinct.planning import metrics, services
from precinct.planning.models import PostProject

pytestmark = pytest.mark.django_db


def test_metrics__coverage_and_staffing_rows_per_department(city):
    rows = {r["department_id"]: r for r in metrics.coverage_by_department(minutes=15)}
    a = rows[city.territory.district_a.id]
    assert a["residents"] == 7800 and 0 < a["share"] <= 1
    staffing = {r["department_id"]: r for r in metrics.staffing_by_department()}
    assert staffing[city.territory.district_b.id]["shortfall"] == 4


@pytest.mark.parametrize(
    "model", ["staffingnorm", "departmentstaffing", "postproject", "sitingjob"]
)
def test_admin__changelists_open(admin_client, city, model):
    assert admin_client.get(f"/admin/planning/{model}/").status_code == 200


def test_admin__post_project_is_saved_through_the_service(client, city, people):
    people.admin.is_staff = people.admin.is_superuser = True
    people.admin.save()
    client.force_login(people.admin)
    response = client.post(
        "/admin/planning/postproject/add/",
        {"post": city.planned_post.pk, "funding_body": "akimat", "due_on": "2027-01-01",
         "programme": "P", "budget_kzt": "", "progress_notes": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PostProject.objects.get().funding_body == "akimat"


def _programme(city, people, n):
    for post in [city.open_post, city.building_post, city.planned_post][:n]:
        services.post_project_save(
            actor=people.admin, post=post, funding_body="akimat", due_on=dt.date(2026, 1, 1)
        )


def test_construction_page__query_count_does_not_grow_with_posts(
    client, city, people, django_assert_max_num_queries
):
    _programme(city, people, 1)
    with django_assert_max_num_queries(8) as one:
        client.get("/planning/construction/")
    _programme(city, people, 3)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/planning/construction/")


def test_staffing_api__query_count_is_fixed(client, city, people, django_assert_max_num_queries):
    client.force_login(people.analyst)
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/planning/staffing").status_code == 200


def test_metrics__coverage_of_a_precinct_and_its_city(city):
    t = city.territory
    found = metrics.coverage_of_precinct(precinct_id=t.precinct_a.id, region_id=t.region.id)
    by_department = {r["department_id"]: r for r in metrics.coverage_by_department(minutes=15)}
    # Every resident of district A lives in precinct A: the same people, the same share.
    assert found["precinct"]["residents"] == 7800
    assert found["precinct"]["share"] == pytest.approx(by_department[t.district_a.id]["share"])
    assert found["region"]["residents"] == 13 * 13 * 100
    assert 0 < found["region"]["share"] < found["precinct"]["share"]
