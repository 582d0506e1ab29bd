"""Weekly receptions: heads publish hours, residents book and cancel, outcomes become appeals."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from precinct.appeals import services
from precinct.appeals.models import Booking
from precinct.appeals.validators import AppealInputError
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot(world):
    return services.reception_slot_create(
        actor=world.p.head,
        head=world.head_officer,
        starts_at=timezone.now() + dt.timedelta(days=3),
        place="ул. Абая 1, каб. 5",
        capacity=1,
    )


def test_only_heads_in_scope_publish(world):
    when = timezone.now() + dt.timedelta(days=3)
    for user in (world.p.inspector, world.p.outsider, world.p.analyst):
        with pytest.raises(PermissionDenied):
            services.reception_slot_create(
                actor=user, head=world.head_officer, starts_at=when, place="x"
            )


def test_resident_books_without_an_account_and_cancels(client, world, slot):
    listing = client.get(reverse("appeals:receptions")).content.decode()
    assert "ул. Абая 1" in listing
    response = client.post(
        reverse("appeals:book", args=[slot.pk]),
        {"name": "Гульнар", "phone": "+77015554433", "topic": "Шум"},
    )
    assert response.status_code == 200
    booking = Booking.objects.get()
    assert booking.code in response.content.decode()
    full = client.post(
        reverse("appeals:book", args=[slot.pk]),
        {"name": "Другой", "phone": "+77015554400", "topic": "Шум"},
    )
    assert full.status_code == 400  # capacity 1
    assert client.post(reverse("appeals:cancel"), {"code": booking.code}).status_code == 200
    booking.refresh_from_db()
    assert booking.state == Booking.State.CANCELLED


def test_booking_field_errors(world, slot):
    with pytest.raises(AppealInputError) as err:
        services.booking_create(slot_id=slot.pk, name="", phone="abc", topic="")
    assert dict(err.value.errors).keys() == {"name", "phone", "topic"}


def test_head_turns_a_reception_into_an_appeal_in_one_step(client, world, slot):
    booking = services.booking_create(
        slot_id=slot.pk, name="Гульнар", phone="+77015554433", topic="Нет освещения во дворе"
    )
    assert client.login(request=factories.sign_in_request(), username="head", password=PASSWORD)
    page = client.get(reverse("appeals:staff-receptions"))
    assert "Гульнар" in page.content.decode()
    response = client.post(
        reverse("appeals:staff-receptions"),
        {"booking": booking.pk, "attended": "1", "outcome": "Принято", "register_as": "request"},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.state == Booking.State.ATTENDED
    assert booking.appeal.channel == "reception"
    assert booking.appeal.registered_by == world.p.head


def test_outsider_cannot_record_an_outcome(world, slot):
    booking = services.booking_create(slot_id=slot.pk, name="Г", phone="+77015554433", topic="x")
    with pytest.raises(PermissionDenied):
        services.booking_record_outcome(actor=world.p.outsider, booking=booking, attended=True)


def test_head_publishes_weekly_hours_from_the_page(client, world):
    from precinct.appeals.models import ReceptionSlot

    assert client.login(request=factories.sign_in_request(), username="head", password=PASSWORD)
    first = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT15:00")
    response = client.post(
        reverse("appeals:staff-receptions"),
        {
            "publish": "1",
            "first_start": first,
            "weeks": "4",
            "place": "ул. Абая 1",
            "capacity": "5",
            "language": "kk",
        },
    )
    assert response.status_code == 302
    slots = list(ReceptionSlot.objects.order_by("starts_at"))
    assert len(slots) == 4 and slots[1].starts_at - slots[0].starts_at == dt.timedelta(weeks=1)
    bad = client.post(reverse("appeals:staff-receptions"), {"publish": "1", "first_start": "x"})
    assert bad.status_code == 400
