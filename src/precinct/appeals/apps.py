from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


def _mark_deleted(sender, instance, **kwargs) -> None:
    """A deleted appeal leaves the measures of its days: mark them (the collector deletes
    in one transaction, this runs in it)."""
    from precinct.appeals.models import EVENT_TIMES, _local_days, mark_rollup_days

    mark_rollup_days(_local_days(getattr(instance, f) for f in EVENT_TIMES))


class AppealsConfig(AppConfig):
    name = "precinct.appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        post_delete.connect(_mark_deleted, sender="appeals.Appeal", dispatch_uid="appeal-rollups")
