from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrioritiesConfig(AppConfig):
    name = "precinct.priorities"
    verbose_name = _("Priorities")
