from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


def _mark_deleted(sender, instance, **kwargs) -> None:
    """A deleted response leaves its wave's results: mark the wave (in the deletion's
    transaction)."""
    from precinct.surveys.models import mark_cells_dirty

    mark_cells_dirty([instance.survey_id])


class SurveysConfig(AppConfig):
    name = "precinct.surveys"
    verbose_name = _("Population surveys")

    def ready(self) -> None:
        post_delete.connect(_mark_deleted, sender="surveys.Response", dispatch_uid="survey-cells")
