from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "precinct.territory"
    verbose_name = _("Territory")

    def ready(self):
        from precinct.territory.walking import check_walking_settings

        checks.register(check_walking_settings)
