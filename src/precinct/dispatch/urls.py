"""Staff pages of the 102 service."""

from django.urls import path

from precinct.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("", views.console, name="console"),
    path("places/", views.places, name="places"),
    path("incidents/<int:incident_id>/", views.incident, name="incident"),
    path("incidents/<int:incident_id>/assign/", views.assign, name="assign"),
    path("incidents/<int:incident_id>/link/", views.link, name="link"),
    path("incidents/<int:incident_id>/close/", views.close, name="close"),
    path("incidents/<int:incident_id>/phone/", views.caller_phone, name="caller-phone"),
    path("board/", views.board, name="board"),
    path("board/live/", views.board_fragment, name="board-live"),
    path("measures/", views.measures, name="measures"),
]
