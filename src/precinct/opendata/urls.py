"""/opendata/: the API shaped like data.police.uk (base URL /opendata/api/), bulk downloads
and the feed of releases.

Order matters: police.uk puts neighbourhoods right under a force's id
(``<force>/<neighbourhood>``), so those patterns match almost any two segments and come
after every fixed address; the last pattern answers anything else under api/ with the
API's JSON 404.
"""

from django.urls import path, re_path
from django.views.generic import RedirectView

from precinct.opendata import crime_views, downloads, feed, frame, views

app_name = "opendata"

# Forces and locate-neighbourhood: fixed first segments (views.py).
force_patterns = [
    path("api/forces", views.forces, name="forces"),
    path("api/forces/<str:force>", views.force, name="force"),
    path("api/forces/<str:force>/people", views.senior_officers, name="senior-officers"),
    path("api/locate-neighbourhood", views.locate_neighbourhood, name="locate-neighbourhood"),
]

# Street-level crimes and outcomes: fixed first segments (crime_views.py).
crime_patterns = [
    path("api/crime-categories", crime_views.crime_categories, name="crime-categories"),
    path("api/crime-last-updated", crime_views.crime_last_updated, name="crime-last-updated"),
    path("api/crimes-street-dates", crime_views.crimes_street_dates, name="crimes-street-dates"),
    path("api/crimes-street/<str:category>", crime_views.crimes_street, name="crimes-street"),
    path("api/crimes-at-location", crime_views.crimes_at_location, name="crimes-at-location"),
    path("api/crimes-no-location", crime_views.crimes_no_location, name="crimes-no-location"),
    path(
        "api/outcomes-for-crime/<str:persistent_id>",
        crime_views.outcomes_for_crime,
        name="outcomes-for-crime",
    ),
    path("api/outcomes-at-location", crime_views.outcomes_at_location, name="outcomes-at-location"),
]

# Bulk downloads, their data dictionary and licence, the feed of releases (downloads.py,
# feed.py): pages and files, outside api/.
download_patterns = [
    # /opendata/ itself: a person who shortens the address lands on the releases.
    path("", RedirectView.as_view(pattern_name="opendata:downloads"), name="index"),
    path("downloads/", downloads.index, name="downloads"),
    path("downloads/dictionary/", downloads.dictionary, name="data-dictionary"),
    path("downloads/<str:month>.<str:fmt>", downloads.month_file, name="download"),
    path("releases.atom", feed.atom, name="feed-atom"),
    path("releases.json", feed.json_feed, name="feed-json"),
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
    *crime_patterns,
    *download_patterns,
    *neighbourhood_patterns,
    re_path(r"^api/(?P<path>.*)$", frame.unknown, name="api-unknown"),
]
