from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "precinct.core"
    verbose_name = "precinct"
