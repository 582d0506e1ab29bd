"""Evaluation pages: public scorecards, and the interventions of heads and analysts."""

from django.urls import path

from precinct.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.national, name="national"),
    path("methodology/", views.methodology, name="methodology"),
    path("departments/<int:department_id>/", views.scorecard, name="scorecard"),
    path("departments/<int:department_id>/scorecard.csv", views.scorecard_csv, name="csv"),
    path("departments/<int:department_id>/scorecard.pdf", views.scorecard_pdf, name="pdf"),
    path("regions/<int:region_id>/", views.region_scorecard, name="region"),
    path("interventions/", views.interventions, name="interventions"),
    path("interventions/<int:pk>/", views.intervention, name="intervention"),
]
