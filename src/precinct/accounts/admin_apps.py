"""``django.contrib.admin`` with precinct's rule-led site (accounts/admin_site.py).

A module of its own: an app config is imported before the models are ready.
"""

from django.contrib.admin.apps import AdminConfig


class PrecinctAdminConfig(AdminConfig):
    """The admin app, with ``PrecinctAdminSite`` as ``admin.site``."""

    default_site = "precinct.accounts.admin_site.PrecinctAdminSite"
