"""Staff pages of the integrity registry."""

from django.urls import path

from precinct.integrity import views

app_name = "integrity"
urlpatterns = [
    path("departments/<int:department_id>/", views.department_offences, name="department"),
    path("heads/<int:officer_id>/", views.head_record, name="head"),
    path("recording/", views.recording_integrity, name="recording"),
]
