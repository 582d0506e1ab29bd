"""Territory's read surface: the precincts an officer serves and a precinct's card."""

import datetime as dt

import pytest
from django.utils import translation

from precinct.territory import metrics
from precinct.territory.models import Officer, Post, Precinct, PrecinctAssignment

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
