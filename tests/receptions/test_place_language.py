"""A reception's room and spoken language are shown in the reader's language."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from precinct.core.i18n import in_every_language
from precinct.receptions import services
from precinct.receptions.demo import RECEPTION_ROOM

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "room", "spoken"),
    [
        ("ru", "Здание управления полиции, каб. 101", "Казахский"),
        ("kk", "Полиция басқармасының ғимараты, 101-кабинет", "Қазақ тілі"),
        ("en", "Police department building, room 101", "Kazakh"),
    ],
)
def test_list__room_and_language_of_the_reception_in_the_reader_language(
    client, world, language, room, spoken
):
    slot = services.reception_slot_create(
        actor=world.p.head, head=world.head_officer, capacity=3,
        starts_at=timezone.now() + dt.timedelta(days=3), place="каб. 101", language="kk",
    )  # fmt: skip
    for field, value in in_every_language(RECEPTION_ROOM, field="place", room=101).items():
        setattr(slot, field, value)
    slot.save()
    html = client.get(reverse("receptions:list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert room in html and f"<td>{spoken}</td>" in html
    assert "<td>kk</td>" not in html


def test_place_without_a_translation_falls_back_to_russian(world):
    slot = services.reception_slot_create(
        actor=world.p.head, head=world.head_officer, capacity=3,
        starts_at=timezone.now() + dt.timedelta(days=3), place="ул. Абая 1, каб. 5",
    )  # fmt: skip
    from django.utils import translation

    with translation.override("en"):
        assert slot.place_display == "ул. Абая 1, каб. 5"
