"""A call whose id the operator saw, and a dispatch that was confirmed, survive a server
crash the next instant (issue: "nothing acknowledged is lost if the server restarts")."""

import json
import urllib.request

import pytest

from precinct.accounts import services as accounts
from precinct.dispatch import services
from precinct.dispatch.models import Assignment, Incident, TimelineEvent, Unit
from tests import factories
from tests.dispatch import builders
from tests.processes import free_port, kill_server, start_gunicorn


def _request(port: int, token: str, path: str, payload: dict | None = None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/{path}",
        data=None if payload is None else json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="GET" if payload is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())


@pytest.mark.django_db(transaction=True)
def test_a_taken_call_and_its_dispatch_survive_kills(territory):
    services.category_defaults_create()  # a transactional test elsewhere may have flushed them
    factories.build_personas(territory)
    unit = builders.unit(territory.district_a, "A-11", builders.grid_point(6, 5))
    token, _ = accounts.token_issue(
        request=factories.sign_in_request(), username="operator", password=factories.PASSWORD
    )
    call = {"lat": builders.CENTRE[1], "lon": builders.CENTRE[0], "category": "violence",
            "caller_phone": "+7 701 000 00 01", "text": "shouting"}  # fmt: skip
    port = free_port()
    server = start_gunicorn(port)
    try:
        status, created = _request(port, token, "dispatch/incidents", call)
    finally:
        kill_server(server)
    assert status == 201
    incident = Incident.objects.get(pk=created["id"])
    assert incident.events.filter(kind=TimelineEvent.Kind.RECEIVED).exists()

    server = start_gunicorn(port)
    try:
        path = f"dispatch/incidents/{incident.pk}/assignments"
        status, sent = _request(port, token, path, {"unit_id": unit.pk})
    finally:
        kill_server(server)
    assert status == 201
    assert Assignment.objects.get(pk=sent["id"]).incident_id == incident.pk
    assert Unit.objects.get(pk=unit.pk).state == Unit.State.DISPATCHED

    server = start_gunicorn(port)
    try:
        status, detail = _request(port, token, f"dispatch/incidents/{incident.pk}")
    finally:
        kill_server(server)
    assert status == 200 and detail["dispatched_at"] is not None
