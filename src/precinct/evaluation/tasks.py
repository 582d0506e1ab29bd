"""Background work of evaluation: estimating an intervention's effects, run by
``precinct worker``. Tasks call the services; the services never enqueue."""

from django.db import transaction
from django_tasks import task

from precinct.evaluation import services
from precinct.evaluation.models import Intervention


@task()
def intervention_estimate_run(intervention_id: int) -> str:
    """Estimate one change's effects (or propose its design); the result is stored."""
    change = services.intervention_estimate(intervention_id=intervention_id)
    return change.estimation if change is not None else "missing"


@transaction.atomic
def intervention_record_submit(**request) -> Intervention:
    """Record a change (``services.intervention_record``) and queue its estimate for the
    worker once the change's row is committed."""
    change = services.intervention_record(**request)
    transaction.on_commit(lambda: intervention_estimate_run.enqueue(change.pk))
    return change
