"""Receptions' read surface: a department's next reception hours, bookings counted only."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from precinct.receptions import metrics
from precinct.receptions.models import Booking, ReceptionSlot

pytestmark = pytest.mark.django_db


def _slot(world, days: float, department=None, **extra) -> ReceptionSlot:
    return ReceptionSlot.objects.create(
        department=department or world.t.district_a, head=world.head_officer,
        starts_at=timezone.now() + dt.timedelta(days=days), place=f"каб. {days}", capacity=3,
        **extra,
    )  # fmt: skip


def test_upcoming_receptions_of_department__soonest_first_with_places_left(world):
    later, sooner = _slot(world, 7), _slot(world, 2)
    _slot(world, -1)  # past
    _slot(world, 3, cancelled=True)
    _slot(world, 1, department=world.t.district_b)
    Booking.objects.create(slot=sooner, code="B1", name="Айгуль", phone="+77010000000",
                           topic="шум", booked_at=timezone.now())  # fmt: skip
    rows = metrics.upcoming_receptions_of_department(department_id=world.t.district_a.id)
    assert [r["id"] for r in rows] == [sooner.id, later.id]
    assert rows[0]["booked"] == 1 and rows[0]["places_left"] == 2
    assert rows[0]["head"] == world.head_officer.full_name
    # No resident's name or phone leaves the surface.
    assert "Айгуль" not in str(rows)


def test_public_receptions_of_department__ends_place_in_language_and_no_bookings(world):
    later, sooner = _slot(world, 7, place_en="room 7"), _slot(world, 2, minutes=45)
    _slot(world, -1)  # past
    _slot(world, 3, cancelled=True)
    _slot(world, 1, department=world.t.district_b)
    Booking.objects.create(slot=sooner, code="B1", name="Айгуль", phone="+77010000000",
                           topic="шум", booked_at=timezone.now())  # fmt: skip
    with translation.override("en"):
        rows = metrics.public_receptions_of_department(department_id=world.t.district_a.id)
    assert [r["id"] for r in rows] == [sooner.id, later.id]
    assert rows[0]["ends_at"] - rows[0]["starts_at"] == dt.timedelta(minutes=45)
    assert (rows[0]["place"], rows[1]["place"]) == ("каб. 2", "room 7")
    assert rows[0]["head"] == world.head_officer.full_name
    # Neither who booked nor how many: places left would tell that someone did.
    assert not {"booked", "places_left", "capacity"} & set(rows[0])
    assert "Айгуль" not in str(rows)
