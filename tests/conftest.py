"""Fixtures shared by every test: a small territory and its personas."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests import factories


@pytest.fixture
def territory(db) -> factories.Territory:
    return factories.build_territory()


@pytest.fixture
def personas(territory) -> factories.Personas:
    return factories.build_personas(territory)


@pytest.fixture
def resident() -> AnonymousUser:
    return AnonymousUser()
