from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "precinct.evaluation"
    verbose_name = _("Evaluation of police work")
    # The navigation link of base.html, translated in this app's catalog.
    nav_label = _("Evaluation")
