from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrimeConfig(AppConfig):
    name = "precinct.crime"
    verbose_name = _("Crime statistics")
