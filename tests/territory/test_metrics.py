"""Territory's read surface: the precincts an officer serves and a precinct's card."""

import datetime as dt

import pytest
from django.utils import translation
from shapely.geometry import box

from precinct.territory import metrics, services
from precinct.territory.models import Officer, Post, Precinct, PrecinctAssignment
from tests import factories

pytestmark = pytest.mark.django_db


def test_precincts_served__today_and_not_after_the_assignment_ends(locate_territory):
    officer = Officer.objects.get(role=Officer.Role.INSPECTOR)
    precinct = locate_territory["precinct"]
    assert metrics.precincts_served(officer_id=officer.id) == [precinct.id]
    assert metrics.precincts_served(officer_id=officer.id, on=dt.date(2023, 12, 31)) == []
    PrecinctAssignment.objects.update(ends_on=dt.date.today())
    assert metrics.precincts_served(officer_id=officer.id) == []
    assert metrics.precincts_served(officer_id=None) == []


def test_precinct_card__boundary_posts_and_hours_in_the_readers_language(locate_territory):
    precinct = locate_territory["precinct"]
    Post.objects.update(precinct=precinct, opening_hours="Пн–Пт 09:00–18:00")
    Post.objects.filter(name="УПП «План»").update(state=Post.State.CLOSED)
    with translation.override("en"):
        card = metrics.precinct_card(precinct_id=precinct.id)
    assert card["department"]["name"] == "Almaly District Police"
    assert card["region"]["name"] == "Almaty"
    assert card["residents"] == 4200
    assert card["boundary"]["type"] == "Polygon"
    assert card["bounds"] == pytest.approx((76.932, 43.230, 76.950, 43.245))
    assert [i["name"] for i in card["inspectors"]] == ["Сериков Нурлан Ерланович"]
    # The closed post is gone; the open ones keep their hours.
    assert {p["name"] for p in card["posts"]} == {"УПП «Самал»", "УПП «Достык»"}
    assert {p["opening_hours"] for p in card["posts"]} == {"Пн–Пт 09:00–18:00"}


def test_precincts_of_department__by_number(locate_territory):
    department = locate_territory["department"]
    rows = metrics.precincts_of_department(department_id=department.id)
    assert [r["number"] for r in rows] == [7, 8]
    assert rows[0]["id"] == Precinct.objects.get(number=7).id


def test_public_forces__the_departments_holding_precincts_of_their_own(territory):
    assert [f["code"] for f in metrics.public_forces()] == ["up-almaly"]
    assert metrics.public_force(code="up-medeu") is None  # no precinct yet
    assert metrics.public_force(code="dp-almaty") is None  # its precincts are its districts'
    services.precinct_create(
        department=territory.district_b,
        number=4,
        geometry=box(76.92, 43.22, 76.96, 43.27),
        source="derived",
    )
    assert [f["code"] for f in metrics.public_forces()] == ["up-almaly", "up-medeu"]
    with translation.override("en"):
        force = metrics.public_force(code="up-medeu")
    assert force["name"] == "Medeu District Police" and force["region"] == "Алматы"
    assert (force["kind"], force["phone"]) == ("district", "")


def test_public_heads__active_heads_with_name_and_rank_only(territory):
    factories.officer(territory.district_a, Officer.Role.HEAD, "Беков", rank="colonel")
    factories.officer(territory.district_a, Officer.Role.HEAD, "Старов", is_active=False)
    factories.officer(territory.district_a, Officer.Role.INSPECTOR, "Инспекторов")
    with translation.override("en"):
        (head,) = metrics.public_heads(department_id=territory.district_a.id)
    assert set(head) == {"id", "name", "rank"}
    assert (head["name"], head["rank"]) == ("Беков Серик", "police colonel")


def test_own_precincts_and_a_precinct_by_its_number(territory):
    second = services.precinct_create(
        department=territory.district_a,
        number=2,
        geometry=box(76.9, 43.27, 76.92, 43.28),
        source="derived",
    )
    rows = metrics.own_precincts(department_id=territory.district_a.id)
    assert [(r["id"], r["number"]) for r in rows] == [(territory.precinct_a.id, 1), (second.id, 2)]
    assert metrics.own_precincts(department_id=territory.city.id) == []
    assert metrics.precinct_id_by_number(department_code="up-almaly", number=2) == second.id
    assert metrics.precinct_id_by_number(department_code="up-medeu", number=2) is None
