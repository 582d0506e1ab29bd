"""The receptions demo step on the central-Almaty cut: every head, weekly, past and coming."""

from django.db.models import Count
from django.utils import timezone

from precinct.receptions.models import Booking, ReceptionSlot
from precinct.territory.models import Department, Officer


def test_every_district_head_receives_weekly_a_year_back_and_weeks_ahead(demo_city, db):
    assert any("reception hours" in line for line in demo_city.lines)
    district_heads = Officer.objects.filter(
        role=Officer.Role.HEAD, department__kind=Department.Kind.DISTRICT
    )
    hours = dict(ReceptionSlot.objects.values_list("head").annotate(n=Count("id")))
    assert district_heads.exists()
    assert {h.pk: 60 for h in district_heads} == hours  # 52 weeks back, 8 ahead
    now = timezone.now()
    assert ReceptionSlot.objects.filter(starts_at__gt=now).exists()
    assert Booking.objects.filter(state="attended").exists()
    assert not Booking.objects.filter(state="attended", slot__starts_at__gt=now).exists()
