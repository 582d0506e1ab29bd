"""The demo's map points and generated records on the central-Almaty cut."""

import pytest

from precinct.crime.models import MapPoint, MapPointPlace, OffenceRecord
from precinct.territory.models import Provenance

pytestmark = pytest.mark.django_db


def test_demo_builds_points_and_generated_records(demo_city, settings):
    assert any("map points" in line for line in demo_city.lines)
    published = MapPoint.objects.filter(published=True)
    assert published.exists()
    n = settings.PRECINCT_MAP_POINT_MIN_PLACES
    assert not published.filter(places__lt=n).exists()
    assert not MapPoint.objects.filter(published=False, places__gte=n).exists()
    records = OffenceRecord.objects.all()
    assert records.count() > 100
    assert not records.exclude(provenance=Provenance.GENERATED).exists()
    assert records.values("month").distinct().count() >= 12
    # Many records are near a published point; none is at an unpublished one.
    located = records.exclude(location=None)
    assert located.count() > records.count() / 3
    assert not located.filter(location__published=False).exists()
    assert MapPointPlace.objects.count() > 0


def test_demo_plants_a_fall_of_recording_that_the_integrity_check_finds(demo_city):
    """The precinct with the most residents records fewer and fewer offences over the last
    eight months while its calls go on: the recording integrity check flags it."""
    from django.db.models import Sum

    from precinct.integrity import selectors
    from precinct.territory.models import PopulationPoint

    target = (
        PopulationPoint.objects.exclude(precinct=None)
        .values("precinct_id")
        .annotate(n=Sum("residents"))
        .order_by("-n")
        .first()["precinct_id"]
    )
    rows = selectors.recording_integrity(department=None)["precincts"]
    flagged = {r["precinct_id"]: r["flags"] for r in rows if r["flags"]}
    assert flagged[target] == ["out_of_line", "falling_faster_than_calls"]
    assert len(flagged) <= 3  # of some 75 precincts: the planted one, and chance
