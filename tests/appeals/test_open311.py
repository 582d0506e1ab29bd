"""Open311 GeoReport v2, driven by the unmodified PyPI ``georeport`` client on a live server."""

import json
import urllib.parse
import urllib.request

import pytest
from django.core.management import call_command
from georeport import GeoReport

from precinct.appeals.models import Open311Key
from tests.appeals.builders import appeal_in_district_a, complaint_about
from tests.processes import free_port, start_gunicorn


def _post(url: str, data: dict) -> tuple[int, object]:
    body = urllib.parse.urlencode(data).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.mark.django_db(transaction=True)
def test_georeport_client_against_a_live_server(territory, capsys):
    call_command("open311-key", "create", "city app")
    key = capsys.readouterr().out.strip()
    assert key.startswith("o311_") and Open311Key.objects.get().key_hash != key
    shown = appeal_in_district_a("Шумят по ночам")
    port = free_port()
    server = start_gunicorn(port)
    root = f"http://127.0.0.1:{port}/open311/v2"
    try:
        client = GeoReport(root)
        services = client.get_service_list()
        assert {"noise", "utilities"} <= {s["service_code"] for s in services}
        requests = client.get_service_requests(status="open")
        assert [r["service_request_id"] for r in requests] == [shown.registration_number]
        one = client.get_service_request(shown.registration_number)
        assert one["status"] == "open"
        assert one["expected_datetime"].startswith(shown.due_date.isoformat())
        assert "Шумят" not in json.dumps(one, ensure_ascii=False)  # no resident text in public
        xml = GeoReport(root, output_format="xml")
        assert xml.get_service_request(shown.registration_number)["status"] == "open"
        assert any(s["service_code"] == "noise" for s in xml.get_service_list())

        status, created = _post(
            f"{root}/requests.json",
            {
                "api_key": key,
                "service_code": "noise",
                "lat": "43.24",
                "long": "76.90",
                "description": "Громкая музыка",
                "first_name": "Айдар",
                "phone": "+77010001122",
            },
        )
        assert status == 201, created
        new_id = created[0]["service_request_id"]
        assert client.get_service_request(new_id)["service_code"] == "noise"
        status, errors = _post(
            f"{root}/requests.json", {"api_key": "wrong", "service_code": "noise"}
        )
        assert status == 403 and errors[0]["description"].startswith("api_key")
        status, errors = _post(
            f"{root}/requests.json",
            {"api_key": key, "service_code": "noise", "lat": "43.24", "long": "76.90"},
        )
        assert status == 400 and "description" in errors[0]["description"]
        with urllib.request.urlopen(f"{root}/tokens/{new_id}.json", timeout=30) as r:
            assert json.loads(r.read())[0]["service_request_id"] == new_id
    finally:
        import os
        import signal

        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


@pytest.mark.django_db
def test_complaints_about_officers_are_not_listed(client, world):
    complaint = complaint_about(world.inspector_officer)
    rows = client.get("/open311/v2/requests.json").json()
    assert complaint.registration_number not in {r["service_request_id"] for r in rows}
    assert (
        client.get(f"/open311/v2/requests/{complaint.registration_number}.json").status_code == 404
    )


@pytest.mark.django_db
def test_bad_filters_are_400(client, world):
    assert client.get("/open311/v2/requests.json?status=maybe").status_code == 400
    assert client.get("/open311/v2/requests.json?start_date=yesterday").status_code == 400
    wide = "start_date=2025-01-01T00:00:00Z&end_date=2025-12-31T00:00:00Z"
    assert client.get(f"/open311/v2/requests.json?{wide}").status_code == 400
