"""Territory writers: the department tree and the rules the admin also relies on."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from precinct.territory import services
from precinct.territory.models import Department, Officer, Post, PrecinctAssignment
from tests.factories import build_territory, officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(db):
    """The persona territory (the local conftest's ``territory`` is the map one)."""
    return build_territory()


def test_department_paths_nest_under_the_parent(tree):
    assert tree.district_a.path == f"{tree.city.path}{tree.district_a.pk}/"


def test_moving_a_department_moves_its_subtree(tree):
    sub = services.department_create(
        region=tree.region,
        parent=tree.district_a,
        kind=Department.Kind.DISTRICT,
        code="op-1",
        name="ОП-1",
    )
    tree.district_a.parent = tree.district_b
    services.department_save(department=tree.district_a)
    sub.refresh_from_db()
    assert sub.path == f"{tree.district_b.path}{tree.district_a.pk}/{sub.pk}/"


def test_a_department_cannot_go_under_its_own_subtree(tree):
    tree.city.parent = tree.district_a
    with pytest.raises(ValidationError) as err:
        services.department_save(department=tree.city)
    assert "parent" in err.value.message_dict


def test_an_open_post_needs_an_opening_date(tree):
    with pytest.raises(services.TerritoryError):
        services.post_create(
            department=tree.district_a, name="УПП", lon=76.9, lat=43.25, state="open"
        )
    post = Post(department=tree.district_a, name="УПП", lon=76.9, lat=43.25, state="open")
    with pytest.raises(ValidationError) as err:
        post.full_clean()
    assert "opened_on" in err.value.message_dict


def test_only_inspectors_of_the_department_serve_its_precincts(tree):
    patrol = officer(tree.district_a, Officer.Role.PATROL)
    outsider = officer(tree.district_b, Officer.Role.INSPECTOR)
    for person in (patrol, outsider):
        with pytest.raises(services.TerritoryError):
            services.inspector_assign(
                officer=person, precinct=tree.precinct_a, starts_on=dt.date(2025, 1, 1)
            )
        with pytest.raises(ValidationError):
            PrecinctAssignment(
                officer=person, precinct=tree.precinct_a, starts_on=dt.date(2025, 1, 1)
            ).full_clean()


def test_reassigning_closes_the_open_assignment(tree):
    person = officer(tree.district_a, Officer.Role.INSPECTOR)
    services.inspector_assign(
        officer=person, precinct=tree.precinct_a, starts_on=dt.date(2025, 1, 1)
    )
    services.inspector_assign(
        officer=person, precinct=tree.precinct_a, starts_on=dt.date(2026, 1, 1)
    )
    rows = list(PrecinctAssignment.objects.order_by("starts_on").values_list("ends_on", flat=True))
    assert rows == [dt.date(2026, 1, 1), None]
