"""Public neighbourhood pages; the addresses are stable (codes and numbers, not ids)."""

from django.urls import path

from precinct.neighbourhoods import views

app_name = "neighbourhoods"
urlpatterns = [
    path("", views.national, name="national"),
    path("regions/<slug:region_code>/", views.region, name="region"),
    path("<slug:department_code>/", views.department, name="department"),
    path("<slug:department_code>/<int:number>/", views.precinct, name="precinct"),
]
