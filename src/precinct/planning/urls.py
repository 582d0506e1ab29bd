"""Planning pages."""

from django.urls import path

from precinct.planning import views

app_name = "planning"
urlpatterns = [
    path("coverage/", views.coverage_page, name="coverage"),
    path("coverage/map.json", views.coverage_map, name="coverage-map"),
    path("construction/", views.construction_page, name="construction"),
    path("patrol/", views.patrol_page, name="patrol"),
    path("staffing/", views.staffing_page, name="staffing"),
    path("scenarios/", views.scenarios_page, name="scenarios"),
    path("scenarios/compare/", views.scenario_compare, name="compare"),
    path("scenarios/<int:pk>/", views.scenario_page, name="scenario"),
    path("scenarios/<int:pk>/cancel/", views.scenario_cancel, name="scenario-cancel"),
    path("scenarios/<int:pk>/save/", views.scenario_save, name="scenario-save"),
    path("scenarios/<int:pk>/export.<str:fmt>", views.scenario_export, name="scenario-export"),
]
