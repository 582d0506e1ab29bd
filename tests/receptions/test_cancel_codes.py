"""Cancel codes too long to guess, and a limit on guessing them per address."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from precinct.receptions import services
from precinct.receptions.models import Booking, CancelAttempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot(world):
    return services.reception_slot_create(
        actor=world.p.head,
        head=world.head_officer,
        starts_at=timezone.now() + dt.timedelta(days=3),
        place="ул. Абая 1, каб. 5",
        capacity=30,
    )


def _book(slot) -> Booking:
    return services.booking_create(
        slot_id=slot.pk, name="Гульнар", phone="+77015554433", topic="Шум во дворе"
    )


def test_new_codes__ten_characters_of_base32__fifty_bits(slot):
    codes = {_book(slot).code for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == 10 and set(code) <= set(services.CODE_ALPHABET)
    assert len(services.CODE_ALPHABET) ** services.CODE_LENGTH == 2**50


def test_cancel__as_typed__case_dashes_and_look_alikes_do_not_matter(slot):
    booking = _book(slot)
    typed = f" {booking.code[:5].lower()}-{booking.code[5:].lower()} "
    typed = typed.replace("0", "o").replace("1", "l")
    assert services.booking_cancel(code=typed).pk == booking.pk


def test_cancel__an_old_eight_hex_digit_code_still_works(slot):
    booking = _book(slot)
    Booking.objects.filter(pk=booking.pk).update(code="0A1B2C3D")
    assert services.booking_cancel(code="0a1b2c3d").pk == booking.pk
    booking.refresh_from_db()
    assert booking.state == Booking.State.CANCELLED


def test_cancel__too_many_wrong_codes_from_one_address__429_even_for_the_right_one(
    client, slot, settings
):
    settings.PRECINCT_RECEPTIONS = {"CANCEL_ATTEMPTS_PER_HOUR": 3}
    booking = _book(slot)
    url = reverse("receptions:cancel")
    for guess in ("AAAAAAAAAA", "BBBBBBBBBB", "CCCCCCCCCC"):
        assert client.post(url, {"code": guess}).status_code == 400
    refused = client.post(url, {"code": booking.code})
    assert refused.status_code == 429
    assert "Слишком много неверных кодов" in refused.content.decode()
    booking.refresh_from_db()
    assert booking.state == Booking.State.BOOKED
    # Another address is not held back, and the stored attempts do not name the address.
    other = client.post(url, {"code": booking.code}, REMOTE_ADDR="203.0.113.50")
    assert other.status_code == 200
    assert not CancelAttempt.objects.filter(client_hash__contains="127.0.0.1").exists()


def test_cancel__wrong_codes_older_than_an_hour_no_longer_count(slot, settings):
    settings.PRECINCT_RECEPTIONS = {"CANCEL_ATTEMPTS_PER_HOUR": 2}
    booking = _book(slot)
    past = timezone.now() - dt.timedelta(hours=2)
    for _ in range(2):
        with pytest.raises(services.ReceptionInputError):
            services.booking_cancel(code="ZZZZZZZZZZ", client="192.0.2.9", now=past)
    with pytest.raises(services.CancelLimited):
        services.booking_cancel(code=booking.code, client="192.0.2.9", now=past)
    assert services.booking_cancel(code=booking.code, client="192.0.2.9").pk == booking.pk
