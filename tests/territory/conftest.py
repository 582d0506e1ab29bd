"""Fixtures of the territory tests: a small Almaty territory with roads."""

import pytest

from tests.territory import builders


@pytest.fixture
def network_dir(settings, tmp_path):
    """An empty network directory the settings point at."""
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    return settings.PRECINCT_NETWORK_DIR


@pytest.fixture
def locate_territory(db, network_dir):
    """Precinct 7 with an inspector and two open posts, addresses and a walking grid."""
    return builders.build_small_territory(network_dir)


@pytest.fixture
def addresses(db):
    """Only the addresses (no roads), for the geocoding tests."""
    from precinct.territory.models import Region

    region = Region.objects.create(code="almaty", kind="city", name="Алматы")
    builders.build_addresses(region)
    return region
