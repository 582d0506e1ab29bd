"""A replica that fails is skipped (core.replica): marked reads go back to the primary."""

import copy
import logging

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, router
from django.test import Client

from precinct.core import replica
from precinct.dispatch.models import Incident


@pytest.fixture(scope="module", autouse=True)
def dead_replica(django_db_setup, tmp_path_factory):
    """A "replica" alias whose database cannot be opened (as one whose host is down).

    Set up before each test's database fixture (module scope) so that the tests may name
    it among their databases; a test mirror, so that no test flushes or creates it."""
    dead = copy.deepcopy(connections.settings[DEFAULT_DB_ALIAS])
    if dead["ENGINE"].endswith("sqlite3"):
        dead["NAME"] = str(tmp_path_factory.mktemp("dead") / "no-such-folder" / "replica.sqlite3")
    else:
        dead["NAME"] = "precinct_no_such_replica"
    dead["TEST"] = {"MIRROR": DEFAULT_DB_ALIAS}
    connections.settings[replica.REPLICA] = connections.configure_settings(
        {DEFAULT_DB_ALIAS: dead, replica.REPLICA: dead}
    )[replica.REPLICA]
    yield
    connections[replica.REPLICA].close()
    del connections[replica.REPLICA]
    del connections.settings[replica.REPLICA]


@pytest.fixture(autouse=True)
def _fresh_state(settings):
    settings.PRECINCT_REPLICA_RETRY_SECONDS = 30
    replica._replica_down_until = 0.0
    yield
    replica._replica_down_until = 0.0


# Transactional: inside a test's transaction on the primary nothing is read from the replica.
pytestmark = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, replica.REPLICA])


def test_a_public_page_answers_from_the_primary_when_the_replica_is_down(caplog):
    with caplog.at_level(logging.WARNING, logger="precinct.core.replica"):
        response = Client().get("/appeals/statistics/")
    assert response.status_code == 200
    assert "read replica unavailable (OperationalError)" in caplog.text
    # Within the retry period the router no longer offers the replica.
    with replica.replica_reads():
        assert router.db_for_read(Incident) == DEFAULT_DB_ALIAS


def test_the_replica_is_tried_again_after_the_retry_period(caplog):
    Client().get("/appeals/statistics/")
    assert not replica.replica_usable()
    replica._replica_down_until = 0.0  # the retry period has passed
    assert replica.replica_usable()
    with replica.replica_reads():
        assert router.db_for_read(Incident) == replica.REPLICA


def _failing_view(lost: bool, monkeypatch):
    """A marked view whose first run fails as a query on a lost connection would."""
    runs = []
    monkeypatch.setattr(replica, "_replica_connects", lambda: True)
    monkeypatch.setattr(replica, "_replica_lost", lambda: lost)

    @replica.reads_from_replica
    def view(request):
        runs.append(replica.REPLICA if replica._replica_reads.get() else DEFAULT_DB_ALIAS)
        if len(runs) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return "answered"

    return view, runs


class _Get:
    method = "GET"


def test_a_replica_lost_mid_view__the_view_runs_again_on_the_primary(monkeypatch):
    view, runs = _failing_view(lost=True, monkeypatch=monkeypatch)
    assert view(_Get()) == "answered"
    assert runs == [replica.REPLICA, DEFAULT_DB_ALIAS]
    assert not replica.replica_usable()


def test_an_error_of_the_primary_is_not_hidden(monkeypatch):
    view, runs = _failing_view(lost=False, monkeypatch=monkeypatch)
    with pytest.raises(OperationalError):
        view(_Get())
    assert runs == [replica.REPLICA]
    assert replica.replica_usable()
