"""Fixtures of the evaluation tests: heads over time, offences and an internal-security user."""

import datetime as dt
from dataclasses import dataclass

import pytest

from precinct.accounts.models import Role
from precinct.integrity import services
from precinct.territory.models import Officer
from tests import factories


@pytest.fixture
def security(territory):
    """Internal security of the city department."""
    return factories.staff("security", Role.INTERNAL_SECURITY, territory.city)


@dataclass
class Chain:
    city_head: Officer
    old_head: Officer
    new_head: Officer
    inspector: Officer
    changeover: dt.date


@pytest.fixture
def chain(territory):
    """The city's head throughout; district A changed heads on 2025-06-01."""
    city_head = factories.officer(territory.city, Officer.Role.HEAD, "Городской")
    old_head = factories.officer(territory.district_a, Officer.Role.HEAD, "Прежний")
    new_head = factories.officer(territory.district_a, Officer.Role.HEAD, "Новый")
    inspector = factories.officer(territory.district_a, Officer.Role.INSPECTOR, "Нарушитель")
    services.head_term_start(
        officer=city_head, department=territory.city, starts_on=dt.date(2020, 1, 1)
    )
    services.head_term_start(
        officer=old_head, department=territory.district_a, starts_on=dt.date(2020, 1, 1)
    )
    services.head_term_start(
        officer=new_head, department=territory.district_a, starts_on=dt.date(2025, 6, 1)
    )
    return Chain(city_head, old_head, new_head, inspector, dt.date(2025, 6, 1))
