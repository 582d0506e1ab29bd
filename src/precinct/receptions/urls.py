"""Reception pages, and the addresses they had under /appeals/ (redirected, links live on)."""

from django.urls import path
from django.views.generic import RedirectView

from precinct.receptions import views

app_name = "receptions"
urlpatterns = [
    path("", views.receptions, name="list"),
    path("<int:slot_id>/book/", views.reception_book, name="book"),
    path("cancel/", views.reception_cancel, name="cancel"),
    path("staff/", views.staff_receptions, name="staff"),
]


def _moved(name: str) -> RedirectView:
    return RedirectView.as_view(
        pattern_name=f"receptions:{name}", permanent=True, query_string=True
    )


# Receptions lived under /appeals/ before they became an app of their own; printed and
# bookmarked addresses keep working (mounted at the site's root by precinct/urls.py).
moved_from_appeals = [
    path("appeals/receptions/", _moved("list")),
    path("appeals/receptions/<int:slot_id>/book/", _moved("book")),
    path("appeals/receptions/cancel/", _moved("cancel")),
    path("appeals/staff/receptions/", _moved("staff")),
]
