from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "precinct.surveys"
    verbose_name = _("Population surveys")
