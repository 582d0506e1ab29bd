"""Reads that may leave the primary (core.replica): the marked pages read through the
"replica" alias, and nothing else does.

Tests have no replication: the replica alias is a test mirror of the default database
(``TEST={"MIRROR": "default"}``, as settings.py configures it from DATABASE_REPLICA_URL),
a second connection to the same test database. Each query is counted on the connection it
ran on. The tests that use the alias are transactional: a second connection sees only
committed rows, as a real replica would.
"""

import copy
import datetime as dt
import re

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from precinct.accounts.models import Role, User
from precinct.appeals.models import Appeal
from precinct.core.replica import REPLICA, ReplicaRouter, reads_from_replica, replica_reads
from precinct.dispatch.models import Incident
from precinct.evaluation import services as evaluation_services
from precinct.evaluation.models import Methodology
from precinct.neighbourhoods import figures
from precinct.territory.models import Department
from tests.conftest import SERIALIZED_DATABASE as SERIALIZED
from tests.factories import PASSWORD, staff
from tests.neighbourhoods.builders import build_neighbourhood
from tests.territory.builders import INSIDE

# --- without DATABASE_REPLICA_URL: nothing changes ----------------------------------------


def test_without_a_replica__marked_reads_stay_on_the_primary():
    assert REPLICA not in connections.settings
    with replica_reads():
        assert router.db_for_read(Incident) == DEFAULT_DB_ALIAS
        assert Incident.objects.all().db == DEFAULT_DB_ALIAS


def test_router__writes_go_to_the_primary_and_the_replica_is_never_migrated():
    replica_router = ReplicaRouter()
    with replica_reads():
        assert replica_router.db_for_write(Incident) == DEFAULT_DB_ALIAS
    assert replica_router.allow_migrate(REPLICA, "dispatch") is False
    assert replica_router.allow_migrate(DEFAULT_DB_ALIAS, "dispatch") is True


def test_the_decorator_marks_only_reads():
    seen = []

    @reads_from_replica
    def view(request):
        seen.append(router.db_for_read(Incident))

    class Request:
        method = "POST"

    view(Request())
    assert seen == [DEFAULT_DB_ALIAS]


# --- with a replica: a test mirror of the default database --------------------------------


@pytest.fixture(scope="class")
def replica_alias(django_db_setup, django_db_blocker):
    """The "replica" alias as settings.py makes it, mirroring the test database."""
    replica = copy.deepcopy(connections.settings[DEFAULT_DB_ALIAS])
    replica["TEST"] = {"MIRROR": DEFAULT_DB_ALIAS}
    # connections.settings is settings.DATABASES, with every key filled in.
    connections.settings[REPLICA] = connections.configure_settings(
        {DEFAULT_DB_ALIAS: replica, REPLICA: replica}
    )[REPLICA]
    connections[REPLICA].creation.set_as_test_mirror(connections[DEFAULT_DB_ALIAS].settings_dict)
    default = connections[DEFAULT_DB_ALIAS]
    if not hasattr(default, "_test_serialized_contents") and DEFAULT_DB_ALIAS in SERIALIZED:
        default._test_serialized_contents = SERIALIZED[DEFAULT_DB_ALIAS]  # see tests/conftest
    with django_db_blocker.unblock():
        _forget_recreated_content_types()
    yield
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def _forget_recreated_content_types():
    """serialized_rollback restores the database as migrated, content types included; an
    earlier transactional test's flush re-created them under new ids, which the restore
    would insert a second time. Drop those (and their permissions) so it restores the
    originals."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    Permission.objects.all().delete()
    ContentType.objects.all().delete()
    ContentType.objects.clear_cache()


def queries_per_alias(call) -> tuple[object, list[str], list[str]]:
    """``call()``'s result and the SQL it ran on the primary and on the replica."""
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        result = call()
    return result, [q["sql"] for q in primary], [q["sql"] for q in replica]


def tables(sql: list[str]) -> set[str]:
    """The tables these queries read or write."""
    return {t for q in sql for t in re.findall(r'(?:FROM|JOIN|INTO|UPDATE) "(\w+)"', q)}


@pytest.fixture
def hood(settings, tmp_path):
    """The public neighbourhood of tests/neighbourhoods, committed, with a computed
    evaluation period (the demo's data in small)."""
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    figures.forget()
    built = build_neighbourhood(settings.PRECINCT_NETWORK_DIR)
    today = dt.date.today()
    period = evaluation_services.period_create(
        label="last-year", starts_on=today - dt.timedelta(days=365), ends_on=today
    )
    Methodology.objects.update(min_coverage=0.0)
    evaluation_services.evaluation_compute(period=period)
    yield built
    figures.forget()


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.usefixtures("replica_alias")
# Transactional (a second connection sees committed rows only); the rows the migrations
# wrote (categories, the methodology) are restored before each test.
@pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=[DEFAULT_DB_ALIAS, REPLICA]
)
class TestWithAReplica:
    def test_public_pages_read_only_from_the_replica(self, hood):
        department = hood.precinct.department
        urls = [
            "/",
            "/data/",
            "/neighbourhoods/",
            f"/neighbourhoods/regions/{department.region.code}/",
            f"/neighbourhoods/{department.code}/",
            f"/neighbourhoods/{department.code}/{hood.precinct.number}/",
            "/opendata/api/forces",
            f"/opendata/api/forces/{department.code}",
            "/opendata/downloads/",
            "/opendata/releases.atom",
            "/appeals/statistics/",
            "/appeals/proposals/",
            "/evaluation/",
            "/evaluation/methodology/",
            f"/evaluation/departments/{department.pk}/",
            f"/evaluation/departments/{department.pk}/scorecard.csv",
            f"/api/v1/evaluation/scorecards/{department.pk}",
        ]
        client = Client()
        for url in urls:
            response, primary, replica = queries_per_alias(lambda u=url: client.get(u))
            assert response.status_code == 200, url
            assert replica, f"{url} read nothing from the replica"
            assert primary == [], f"{url} read the primary: {primary}"
        # What the replica answered is what the page shows.
        response = client.get(f"/neighbourhoods/{department.code}/{hood.precinct.number}/")
        assert department.display_name in response.content.decode()

    def test_measures_read_the_calls_and_rollups_on_the_replica(self, hood):
        head = hood.world.head
        client = signed_in(head)
        page, primary, replica = queries_per_alias(lambda: client.get(reverse("dispatch:measures")))
        assert page.status_code == 200
        assert any('"dispatch_incident"' in q for q in replica)
        assert any('"dispatch_responserollup"' in q for q in replica)
        # The primary answers who is signed in and his scope (the guard, before the view),
        # nothing of the 102 calls.
        assert "django_session" in tables(primary)
        assert not {t for t in tables(primary) if t.startswith("dispatch_")}
        # The JSON API the same, after a sign-in that never touches the replica.
        client = Client()
        token, primary, replica = queries_per_alias(
            lambda: client.post(
                "/api/v1/auth/token",
                {"username": head.username, "password": PASSWORD},
                content_type="application/json",
            )
        )
        assert token.status_code == 200 and replica == []
        end = timezone.now()
        window = {"start": (end - dt.timedelta(days=365)).isoformat(), "end": end.isoformat()}
        bearer = {"HTTP_AUTHORIZATION": f"Bearer {token.json()['token']}"}
        answer, primary, replica = queries_per_alias(
            lambda: client.get("/api/v1/dispatch/measures", window, **bearer)
        )
        assert answer.status_code == 200
        assert answer.json()[0]["calls"] >= 1
        assert any('"dispatch_incident"' in q for q in replica)
        assert not {t for t in tables(primary) if t.startswith("dispatch_")}

    def test_an_appeal_filed_and_read_back_at_once_never_touches_the_replica(self, hood):
        client = Client()
        form = {
            "type": "request", "text": "Шумят по ночам", "lat": str(INSIDE[1]),
            "lon": str(INSIDE[0]), "contact_name": "Айгуль", "contact_phone": "+77011234567",
            "form_token": "replica-test",
        }  # fmt: skip
        filed, _primary, replica = queries_per_alias(lambda: client.post("/appeals/new/", form))
        assert filed.status_code == 302 and replica == []
        receipt, _primary, replica = queries_per_alias(lambda: client.get(filed["Location"]))
        appeal = Appeal.objects.get(text="Шумят по ночам")
        assert appeal.registration_number in receipt.content.decode() and replica == []
        track = reverse("appeals:track", args=[appeal.tracking_code])
        tracked, _primary, replica = queries_per_alias(lambda: client.get(track))
        assert appeal.registration_number in tracked.content.decode() and replica == []

    def test_staff_consoles_and_sign_in_read_the_primary(self, hood):
        world = hood.world
        operator = staff("operator7", Role.OPERATOR, world.precinct.department)
        pages = [
            (world.inspector, reverse("workspace:inspector")),
            (world.head, reverse("workspace:head")),
            (world.head, reverse("appeals:staff-queue")),
            (operator, reverse("dispatch:console")),
            (operator, reverse("dispatch:board")),
        ]
        for user, url in pages:
            client = signed_in(user)
            response, primary, replica = queries_per_alias(lambda c=client, a=url: c.get(a))
            assert response.status_code == 200, url
            assert primary and replica == [], url
        login, _primary, replica = queries_per_alias(
            lambda: Client().post(
                reverse("accounts:login"), {"username": world.head.username, "password": PASSWORD}
            )
        )
        assert login.status_code == 302 and replica == []

    def test_reads_in_a_write_transaction_or_of_accounts_stay_on_the_primary(self):
        with replica_reads():
            assert router.db_for_read(Incident) == REPLICA
            assert router.db_for_read(User) == DEFAULT_DB_ALIAS
            with transaction.atomic():
                assert router.db_for_read(Incident) == DEFAULT_DB_ALIAS
            assert router.db_for_write(Department) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Incident) == DEFAULT_DB_ALIAS

    def test_an_object_read_from_the_replica_is_saved_to_the_primary(self, hood):
        with replica_reads():
            department = Department.objects.get(pk=hood.precinct.department_id)
        assert department._state.db == REPLICA
        department.name_en = "Renamed"
        _result, primary, replica = queries_per_alias(department.save)
        assert replica == [] and any("UPDATE" in q for q in primary)
