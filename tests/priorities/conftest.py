"""Fixtures of the priorities tests: precinct A with its inspector, a second precinct of
district A he does not serve, a precinct of district B, and their staff."""

from dataclasses import dataclass

import pytest
from shapely.geometry import box

from precinct.accounts.models import Role, User
from precinct.territory import services as territory_services
from precinct.territory.models import Precinct, Provenance
from tests import factories


@dataclass
class Place:
    territory: factories.Territory
    personas: factories.Personas
    deputy: User
    other_inspector: User
    precinct_a2: Precinct
    precinct_b: Precinct


def _precinct(department, number: int, west: float) -> Precinct:
    return territory_services.precinct_create(
        department=department, number=number, geometry=box(west, 43.22, west + 0.01, 43.23),
        residents=3000, source=Provenance.DERIVED,
    )  # fmt: skip


@pytest.fixture
def place(territory, personas) -> Place:
    t = territory
    inspector_a = factories.inspector_of(t.precinct_a, "Ахметов")
    User.objects.filter(pk=personas.inspector.pk).update(officer=inspector_a)
    head_a = factories.officer(t.district_a, "head", "Бекова")
    User.objects.filter(pk=personas.head.pk).update(officer=head_a)
    precinct_a2 = _precinct(t.district_a, 2, 76.90)
    precinct_b = _precinct(t.district_b, 1, 76.93)
    other = factories.staff("inspector-a2", Role.INSPECTOR, t.district_a)
    User.objects.filter(pk=other.pk).update(officer=factories.inspector_of(precinct_a2, "Жунусов"))
    for user in vars(personas).values():
        user.refresh_from_db()
    other.refresh_from_db()
    deputy = factories.staff("deputy", Role.DEPUTY_HEAD, t.district_a)
    return Place(t, personas, deputy, other, precinct_a2, precinct_b)
