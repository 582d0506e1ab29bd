"""Pages about the service model itself, and a health check."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from precinct.territory import metrics


def home(request):
    """What the service model promises residents, and where to start."""
    return render(request, "core/home.html", {"summary": metrics.territory_summary()})


def data_sources(request):
    """Which data are real, which derived and which generated for the demo."""
    return render(request, "core/data_sources.html", {"summary": metrics.territory_summary()})


def healthz(request):
    """For load balancers and start-up scripts: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
