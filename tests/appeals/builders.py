"""Purposeful builders of appeals for tests, through the real intake service."""

import datetime as dt

from precinct.appeals import services
from precinct.appeals.models import Appeal, Channel

POINT_A = {"lat": 43.24, "lon": 76.90}


def appeal_in_district_a(text: str = "Шумят соседи", **extra) -> Appeal:
    fields = {
        "type": "request",
        "text": text,
        "channel": Channel.WEB,
        "category_code": "noise",
        "contact_name": "Айгуль Сапарова",
        "contact_phone": "+7 701 234 56 78",
        "contact_email": "a@example.kz",
        **POINT_A,
        **extra,
    }
    appeal, _ = services.appeal_register(**fields)
    return appeal


def complaint_about(officer, text: str = "Участковый грубил", **extra) -> Appeal:
    appeal, _ = services.appeal_register(
        type="complaint",
        text=text,
        channel=Channel.WEB,
        category_code="officer-conduct",
        about_officer_id=officer.pk,
        contact_name="Ерлан",
        contact_phone="+7 702 000 11 22",
        **extra,
    )
    return appeal


def at(day: str, hour: int = 10) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.fromisoformat(day).replace(hour=hour))
