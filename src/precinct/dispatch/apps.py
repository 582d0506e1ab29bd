from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "precinct.dispatch"
    verbose_name = _("102 dispatch")
