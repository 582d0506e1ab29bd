"""A siting job queued through the API is solved by a real `precinct worker` process.

Transactional (the worker is another process and must see the rows); it creates no audit
entries, so the table flush after the test is not refused by the audit triggers.
"""

import subprocess
from pathlib import Path

import pytest

from precinct.planning.models import SitingJob
from tests import factories
from tests.planning import builders
from tests.processes import run_worker


def _run_worker(network_dir: Path) -> subprocess.CompletedProcess:
    return run_worker(PRECINCT_NETWORK_DIR=str(network_dir))


@pytest.mark.django_db(transaction=True)
def test_siting_job__solved_by_a_real_worker(client, settings, tmp_path):
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    city = builders.build_planning_city(settings.PRECINCT_NETWORK_DIR)
    analyst = factories.staff("analyst", "analyst", None)
    client.force_login(analyst)
    response = client.post(
        "/api/v1/planning/siting", {"k": 2, "minutes": 10}, content_type="application/json"
    )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    finished = _run_worker(settings.PRECINCT_NETWORK_DIR)
    assert finished.returncode == 0, finished.stderr[-3000:]
    body = client.get(f"/api/v1/planning/siting/{job_id}").json()
    assert body["state"] == "done", (body["error"], finished.stderr[-3000:])
    assert body["progress"] == 1.0
    assert len(body["chosen"]) == 2
    assert body["residents_within_after"] > body["residents_within_before"]
    assert body["gap"] == 0.0
    assert SitingJob.objects.get(pk=job_id).finished_at is not None
    assert city.open_post.pk
