from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "precinct.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from precinct.accounts import signin  # noqa: F401  (audits sign-ins and failures)
