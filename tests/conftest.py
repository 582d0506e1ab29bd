"""Fixtures shared by every test: a small territory and its personas."""

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import override_settings

from precinct.demo.builder import build_demo, default_inputs
from precinct.demo.inputs import DemoInputs
from tests import factories


def pytest_configure(config):
    # Deliberately slow hashing protects real passwords; tests create hundreds of users.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _require_shared_data(settings.SHARED_DATA_DIR)


def _require_shared_data(path) -> None:
    """Stop at once, saying why, when the open data the tests read is not there: otherwise
    some fifty tests fail one by one with the same missing file."""
    if not Path(path).is_dir():
        pytest.exit(
            f"The shared open data is not at {path}. Keep the shared/ folder beside the "
            "checkout (../shared/data) or set PRECINCT_SHARED_DATA; see README, "
            "'Data sources and attribution'.",
            returncode=2,
        )


@pytest.fixture
def territory(db) -> factories.Territory:
    return factories.build_territory()


@pytest.fixture
def personas(territory) -> factories.Personas:
    return factories.build_personas(territory)


@pytest.fixture
def resident() -> AnonymousUser:
    return AnonymousUser()


CUT_OSM = Path(__file__).parent / "fixtures" / "almaty_cut.osm.pbf"

# The migrated test database as Django serialized it for ``serialized_rollback`` tests,
# kept here: Playwright's event loop (the browser tests) gives the test thread another
# context, and with it new connection objects that lack Django's copy.
SERIALIZED_DATABASE: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            SERIALIZED_DATABASE[alias] = contents
    return django_db_setup


def cut_inputs() -> DemoInputs:
    """The demo's real inputs, with the central-Almaty cut instead of the whole extract."""
    defaults = default_inputs()
    return DemoInputs(
        osm=CUT_OSM, boundaries=defaults.boundaries, population_csv=defaults.population_csv
    )


# The demo's 102 calls in tests: a tenth of the national rate, so a module that builds the
# demo does not spend a minute simulating 94 thousand calls it never reads. A module that
# tests the 102 step itself sets ``DEMO_CALLS_PER_1000 = None`` to build at the real rate.
DEMO_TEST_CALLS_PER_1000 = 20


@pytest.fixture(scope="module")
def demo_city(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo built on the cut, once per module, rolled back when the module ends.

    Tests that use it also take ``db``: their own transactions nest inside this one.
    """
    from django.conf import settings

    network_dir = tmp_path_factory.mktemp("network")
    rate = getattr(request.module, "DEMO_CALLS_PER_1000", DEMO_TEST_CALLS_PER_1000)
    rate = settings.PRECINCT_DEMO_CALLS_PER_1000 if rate is None else rate
    with (
        override_settings(PRECINCT_NETWORK_DIR=network_dir, PRECINCT_DEMO_CALLS_PER_1000=rate),
        django_db_blocker.unblock(),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_demo(seed=1, inputs=cut_inputs(), log=lambda line: None)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _audit_flushable(request):
    """Let pytest-django flush the audit log after transactional tests (SQLite uses DELETE).

    The append-only triggers refuse deletes outside a purge window; a test database that is
    thrown away is the one place where opening one without a retention rule is right.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or "live_server" in (
        request.fixturenames
    )
    if marker is not None and marker.kwargs.get("transaction"):
        transactional = True
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")  # so this fixture is torn down before it
    yield
    from django.db import connection

    from precinct.audit.models import AuditEntry, PurgeWindow

    # Flush empties tables in no fixed order, so the window could go before the log does:
    # empty the log here, inside the window. The window stays open for PostgreSQL, whose
    # flush is one TRUNCATE of every table, checked once before it runs.
    PurgeWindow.objects.create(reason="test database flush")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table}")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language, whatever an earlier one activated
    (a request or ``translation.activate`` leaves its language on the thread)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def _no_developer_network(tmp_path_factory):
    """Road networks come only from the tests' own fixtures: a network the developer imported
    into var/network (by `bin/serve` or a demo build) must not change what a test sees, as it
    would not exist on a clean clone."""
    from django.test import override_settings

    with override_settings(PRECINCT_NETWORK_DIR=tmp_path_factory.mktemp("no-network")):
        yield
