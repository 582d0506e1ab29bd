"""Staff pages of priorities (the public neighbourhood page shows them to residents)."""

from django.urls import path

from precinct.priorities import views

app_name = "priorities"
urlpatterns = [
    path("", views.index, name="index"),
    path("precincts/<int:precinct_id>/", views.precinct, name="precinct"),
    path("<int:priority_id>/review/", views.review, name="review"),
    path("<int:priority_id>/actions/", views.action, name="action"),
    path("<int:priority_id>/close/", views.close, name="close"),
]
