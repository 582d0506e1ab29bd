from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "precinct.planning"
    verbose_name = _("Planning")


# The label of the planning link in the site's navigation (templates/base.html).
NAV_LABEL = _("Walking distance")
