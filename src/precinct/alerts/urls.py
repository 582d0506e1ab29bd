"""Alerts pages: subscribe to a precinct, confirm by the mailed link, unsubscribe."""

from django.urls import path

from precinct.alerts import views

app_name = "alerts"
urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
