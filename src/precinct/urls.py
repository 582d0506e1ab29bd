"""Top-level URL map: pages, the JSON API, admin, sign-in and languages."""

from django.contrib import admin
from django.urls import include, path

from precinct.api import api
from precinct.appeals.urls import open311_urlpatterns
from precinct.core import views as core_views
from precinct.receptions.urls import moved_from_appeals

urlpatterns = [
    path("", core_views.home, name="home"),
    path("data/", core_views.data_sources, name="data-sources"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("accounts/", include("precinct.accounts.urls")),
    path("territory/", include("precinct.territory.urls")),
    path("planning/", include("precinct.planning.urls")),
    path("surveys/", include("precinct.surveys.urls")),
    path("integrity/", include("precinct.integrity.urls")),
    path("evaluation/", include("precinct.evaluation.urls")),
    path("appeals/", include("precinct.appeals.urls")),
    path("receptions/", include("precinct.receptions.urls")),
    *moved_from_appeals,
    path("open311/", include((open311_urlpatterns, "open311"))),
    path("dispatch/", include("precinct.dispatch.urls")),
    path("workspace/", include("precinct.workspace.urls")),
    path("priorities/", include("precinct.priorities.urls")),
    path("opendata/", include("precinct.opendata.urls")),
    path("neighbourhoods/", include("precinct.neighbourhoods.urls")),
    path("admin/", admin.site.urls),
]

# Error pages in the site and the reader's language (Django's own are bare English).
handler400 = "precinct.core.views.bad_request"
handler403 = "precinct.core.views.permission_denied"
handler404 = "precinct.core.views.page_not_found"
handler500 = "precinct.core.views.server_error"
