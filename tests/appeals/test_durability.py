"""An appeal whose receipt was shown survives a crash of the server the next instant."""

import json
import urllib.request

import pytest

from precinct.appeals.models import Appeal
from tests.appeals.conftest import appeal_payload
from tests.processes import free_port, kill_server, start_gunicorn


def _post(port: int, payload: dict, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/appeals",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())


@pytest.mark.django_db(transaction=True)
def test_the_appeal_survives_a_kill_right_after_the_receipt(territory):
    port = free_port()
    server = start_gunicorn(port)
    try:
        status, receipt = _post(port, appeal_payload(), "crash-1")
    finally:
        kill_server(server)
    assert status == 201
    # The server is gone; the appeal is in the database all the same.
    appeal = Appeal.objects.get(registration_number=receipt["registration_number"])
    assert appeal.tracking_code == receipt["tracking_code"]

    server = start_gunicorn(port)
    try:
        url = f"http://127.0.0.1:{port}/api/v1/appeals/track/{receipt['tracking_code']}"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert json.loads(response.read())["status"] == "registered"
        # the client never saw the receipt? its retry with the same key stores nothing new
        status, again = _post(port, appeal_payload(), "crash-1")
        assert (status, again["registration_number"]) == (200, receipt["registration_number"])
    finally:
        kill_server(server)
    assert Appeal.objects.count() == 1
