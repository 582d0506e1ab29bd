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
