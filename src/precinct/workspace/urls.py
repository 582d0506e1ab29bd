"""Staff start pages: the inspector's workspace, a precinct's, the head's department."""

from django.urls import path

from precinct.workspace import views

app_name = "workspace"
urlpatterns = [
    path("", views.inspector, name="inspector"),
    path("precincts/<int:precinct_id>/", views.precinct, name="precinct"),
    path("department/", views.head, name="head"),
]
