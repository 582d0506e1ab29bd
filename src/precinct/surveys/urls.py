"""Resident pages of surveys."""

from django.urls import path

from precinct.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("i/<str:token>/", views.invitation_take, name="invitation"),
    path("s/<int:survey_id>/<str:key>/", views.open_take, name="open"),
    path("thanks/", views.thanks, name="thanks"),
]
