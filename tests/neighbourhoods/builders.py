"""A neighbourhood worth a public page, on the inspector's world of tests/workspace: last
month's answered and rated appeals and 102 calls in precinct 7 (enough to publish), two
answers in precinct 8 (too few), a complaint about the inspector (never counted), and a
priority with what was done."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from precinct.appeals.models import Appeal, Status
from precinct.dispatch import rollups
from precinct.dispatch.models import Category as CallCategory
from precinct.dispatch.models import Incident
from precinct.priorities.models import Priority, PriorityAction
from precinct.territory.models import Officer, Precinct
from tests.workspace.builders import BESIDE, INSIDE, InspectorWorld, _appeal, build_inspector_world

# Minutes to arrive of the six calls last month in precinct 7: median 8.5; one over the
# 15-minute urban target of priority 1.
ARRIVALS_MIN = (5, 7, 8, 9, 12, 20)
RATINGS = (5, 4, 4, 3, 5, 3)  # mean 4.0
PRIORITY_ISSUE = "Парковка во дворах"
ACTION_TEXT = "Рейд по дворам, 14 протоколов"
COMPLAINT_TEXT = "жалоба на участкового"


@dataclass
class Neighbourhood:
    world: InspectorWorld
    precinct: Precinct
    far_precinct: Precinct
    last_month: dt.datetime  # a moment last month (inside the figures' 12 months)


def _last_month() -> dt.datetime:
    first = timezone.localdate().replace(day=1)
    day = first - dt.timedelta(days=10)
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


def _answered(precinct: Precinct, when: dt.datetime, *, on_time: bool, rating: int | None):
    appeal = _appeal("обращение прошлого месяца")
    Appeal.objects.filter(pk=appeal.pk).update(
        precinct=precinct, department=precinct.department, status=Status.ANSWERED,
        answered_at=when, answered_on_time=on_time, rating=rating,
        rated_at=when + dt.timedelta(days=1) if rating else None,
    )  # fmt: skip
    return appeal


def _call(lon: float, lat: float, when: dt.datetime, minutes: int) -> Incident:
    precinct = Precinct.objects.get(number=7)
    # Written as the dispatch services write a call: its day marked for the rollups (the
    # measures read a marked day raw until the worker rebuilds it).
    call = Incident.objects.create(
        department=precinct.department, category=CallCategory.objects.get(code="other"),
        priority=1, state="closed", source="live", lon=lon, lat=lat, place="двор",
        caller_phone="+7 705 999 88 77", text="шум", received_at=when,
        response_seconds=minutes * 60, on_scene_at=when + dt.timedelta(minutes=minutes),
    )  # fmt: skip
    rollups.mark_incident(call)
    return call


def build_neighbourhood(network_dir: Path) -> Neighbourhood:
    world = build_inspector_world(network_dir)
    precinct, far = world.precinct, world.far_precinct
    when = _last_month()
    for i, rating in enumerate(RATINGS):
        _answered(precinct, when, on_time=i != 0, rating=rating)
    for _ in range(2):
        _answered(far, when, on_time=True, rating=5)
    complaint = _answered(precinct, when, on_time=False, rating=1)
    inspector = Officer.objects.get(role=Officer.Role.INSPECTOR, assignments__precinct=precinct)
    Appeal.objects.filter(pk=complaint.pk).update(
        type="complaint", about_officer=inspector, text=COMPLAINT_TEXT
    )
    for minutes in ARRIVALS_MIN:
        _call(*INSIDE, when, minutes)
    _call(*BESIDE, when, 30)
    priority = Priority.objects.create(
        precinct=precinct, issue=PRIORITY_ISSUE, issue_kk="Аулалардағы тұрақ",
        issue_en="Parking in the yards", place="ул. Толе би", theme="noise",
        since=when.date(), reviewed_on=when.date(),
    )  # fmt: skip
    PriorityAction.objects.create(
        priority=priority, done_on=when.date(), text=ACTION_TEXT,
        text_kk="Аулаларда рейд, 14 хаттама", text_en="Raid in the yards, 14 reports",
    )  # fmt: skip
    return Neighbourhood(world=world, precinct=precinct, far_precinct=far, last_month=when)
