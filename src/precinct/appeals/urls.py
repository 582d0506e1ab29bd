"""Appeal pages: public form, receipt, tracking, proposals, statistics; staff."""

from django.urls import path, re_path

from precinct.appeals import open311, views

app_name = "appeals"
urlpatterns = [
    path("new/", views.appeal_new, name="new"),
    path("new/destination/", views.appeal_destination, name="destination"),
    path("receipt/<str:code>/", views.appeal_receipt, name="receipt"),
    path("track/", views.track_lookup, name="track-lookup"),
    path("track/<str:code>/", views.appeal_track, name="track"),
    path("proposals/", views.proposals, name="proposals"),
    path("statistics/", views.statistics, name="statistics"),
    path("staff/", views.staff_queue, name="staff-queue"),
    path("staff/new/", views.staff_new, name="staff-new"),
    path("staff/<int:pk>/", views.staff_appeal, name="staff-appeal"),
    path(
        "staff/<int:pk>/attachments/<int:attachment_id>/",
        views.staff_attachment,
        name="staff-attachment",
    ),
    path("staff/<int:pk>/<str:action>/", views.staff_action, name="staff-action"),
]

# Mounted at /open311/: GeoReport v2, and the spec's 404 for every other address there.
open311_urlpatterns = [
    path("v2/services.<str:fmt>", open311.services, name="services"),
    path("v2/services/<str:code>.<str:fmt>", open311.service_definition, name="service"),
    path("v2/requests.<str:fmt>", open311.requests, name="requests"),
    path("v2/requests/<str:request_id>.<str:fmt>", open311.request_detail, name="request"),
    path("v2/tokens/<str:token>.<str:fmt>", open311.token, name="token"),
    re_path(r"^.*$", open311.not_found, name="not-found"),
]
