"""Background work of planning: siting jobs, run by ``precinct worker``.

Tasks call the services; the services never enqueue (that would make the two modules
import each other): a caller that wants the worker to solve a job submits it here.
"""

from django.db import transaction
from django_tasks import task

from precinct.planning import services
from precinct.planning.models import SitingJob


@task()
def siting_run(job_id: int) -> str:
    """Solve one siting job; progress, result and errors are written on the job."""
    job = services.siting_job_execute(job_id=job_id)
    return job.state if job is not None else "missing"


@transaction.atomic
def siting_job_submit(**request) -> SitingJob:
    """Check and store a siting job (``services.siting_job_create``) and queue it for the
    worker once the job's row is committed."""
    job = services.siting_job_create(**request)
    transaction.on_commit(lambda: siting_run.enqueue(job.pk))
    return job
