from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "precinct.core"
    verbose_name = "precinct"

    def ready(self):
        from precinct.core import checks  # noqa: F401  (registers the deployment checks)
