"""Background work of planning: siting jobs, run by ``precinct worker``."""

from django_tasks import task


@task()
def siting_run(job_id: int) -> str:
    """Solve one siting job; progress, result and errors are written on the job."""
    from precinct.planning.services import siting_job_execute

    job = siting_job_execute(job_id=job_id)
    return job.state if job is not None else "missing"
