"""/opendata/: the API shaped like data.police.uk (base URL /opendata/api/), bulk downloads
and the feed of releases.

Order matters: police.uk puts neighbourhoods right under a force's id
(``<force>/<neighbourhood>``), so those patterns match almost any two segments and come
after every fixed address; the last pattern answers anything else under api/ with the
API's JSON 404.
"""

from django.urls import path, re_path

from precinct.opendata import frame, views

app_name = "opendata"

# Forces and locate-neighbourhood: fixed first segments (views.py).
force_patterns = [
    path("api/forces", views.forces, name="forces"),
    path("api/forces/<str:force>", views.force, name="force"),
    path("api/forces/<str:force>/people", views.senior_officers, name="senior-officers"),
    path("api/locate-neighbourhood", views.locate_neighbourhood, name="locate-neighbourhood"),
]

# Neighbourhoods: the first segment is any force's code, so these come last (views.py).
neighbourhood_patterns = [
    path("api/<str:force>/neighbourhoods", views.neighbourhoods, name="neighbourhoods"),
    path("api/<str:force>/<str:neighbourhood>", views.neighbourhood, name="neighbourhood"),
    path("api/<str:force>/<str:neighbourhood>/boundary", views.boundary, name="boundary"),
    path("api/<str:force>/<str:neighbourhood>/people", views.people, name="people"),
    path("api/<str:force>/<str:neighbourhood>/events", views.events, name="events"),
    path("api/<str:force>/<str:neighbourhood>/priorities", views.priorities, name="priorities"),
]

urlpatterns = [
    *force_patterns,
    *neighbourhood_patterns,
    re_path(r"^api/(?P<path>.*)$", frame.unknown, name="api-unknown"),
]
