import pytest

from precinct.neighbourhoods import figures
from tests.neighbourhoods.builders import build_neighbourhood


@pytest.fixture(autouse=True)
def _fresh_figures():
    """Each test computes the figures of its own data (a process keeps them an hour)."""
    figures.forget()
    yield
    figures.forget()


@pytest.fixture
def hood(db, settings, tmp_path):
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    return build_neighbourhood(settings.PRECINCT_NETWORK_DIR)
