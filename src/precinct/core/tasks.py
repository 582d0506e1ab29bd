"""Tasks of the core app: a health probe that proves a worker is consuming the queue."""

from django_tasks import task


@task()
def echo(value: str) -> str:
    """Return the value: enqueued by health checks and by the worker tests."""
    return value
