"""`precinct worker` really consumes the queue: database by default, Redis in production."""

import pytest
from django.test import override_settings
from django_tasks import TaskResultStatus

from precinct.core.tasks import echo
from tests.processes import run_worker
from tests.redis_dbs import redis_url


@pytest.mark.django_db(transaction=True)
def test_database_worker_runs_an_enqueued_task():
    result = echo.enqueue("проверка")
    assert result.status == TaskResultStatus.READY
    finished = run_worker()
    assert finished.returncode == 0, finished.stderr
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "проверка"


@pytest.mark.django_db(transaction=True)
def test_redis_worker_runs_an_enqueued_task(settings):
    tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    queues = {"default": {"URL": redis_url(2), "DEFAULT_TIMEOUT": 60}}
    with override_settings(TASKS=tasks, RQ_QUEUES=queues, PRECINCT_QUEUE="redis"):
        result = echo.using(backend="default").enqueue("redis")
        finished = run_worker(PRECINCT_QUEUE="redis", REDIS_URL=redis_url(2))
        assert finished.returncode == 0, finished.stderr
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert result.return_value == "redis"
