"""`precinct worker` really consumes the queue: database by default, Redis in production."""

import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test import override_settings
from django_tasks import TaskResultStatus

from precinct.core.tasks import echo


def _database_url() -> str:
    """The URL of the test database, for processes started by the test."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _run_worker(**env) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": _database_url(), **env}
    return subprocess.run(
        [sys.executable, "-m", "precinct.cli", "worker", "--max-tasks", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_database_worker_runs_an_enqueued_task():
    result = echo.enqueue("проверка")
    assert result.status == TaskResultStatus.READY
    finished = _run_worker()
    assert finished.returncode == 0, finished.stderr
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "проверка"


@pytest.mark.django_db(transaction=True)
def test_redis_worker_runs_an_enqueued_task(settings):
    tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queues = {"default": {"URL": "redis://127.0.0.1:6379/15", "DEFAULT_TIMEOUT": 60}}
    with override_settings(TASKS=tasks, RQ_QUEUES=queues, PRECINCT_QUEUE="redis"):
        result = echo.using(backend="default").enqueue("redis")
        finished = _run_worker(PRECINCT_QUEUE="redis", REDIS_URL="redis://127.0.0.1:6379/15")
        assert finished.returncode == 0, finished.stderr
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert result.return_value == "redis"
