"""Resident pages of the territory app: the locate page, its fragments and map data."""

from django.urls import path

from precinct.territory import views

app_name = "territory"
urlpatterns = [
    path("locate/", views.locate_page, name="locate"),
    path("locate/result/", views.locate_result, name="locate-result"),
    path("address-search/", views.address_search, name="address-search"),
    path(
        "basemap/<str:lang>/<int:z>/<int:x>/<int:y>.json",
        views.basemap_tile,
        name="basemap-tile",
    ),
]
