"""A siting job queued through the API is solved by a real `precinct worker` process.

Transactional (the worker is another process and must see the rows); it creates no audit
entries, so the table flush after the test is not refused by the audit triggers.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

import precinct
from precinct.planning.models import SitingJob
from tests import factories
from tests.planning import builders


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _run_worker(network_dir: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "PRECINCT_NETWORK_DIR": str(network_dir),
        # The worker imports this checkout's code, whatever the installed package is.
        "PYTHONPATH": str(Path(precinct.__file__).parent.parent),
    }
    return subprocess.run(
        [sys.executable, "-m", "precinct.cli", "worker", "--max-tasks", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


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
