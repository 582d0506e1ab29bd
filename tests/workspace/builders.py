"""The inspector's working world on the small territory of tests/territory/builders.py:
his account, appeals assigned to him (one overdue), 102 calls in and beside his precinct,
the head's receptions, and the accounts that look in (a head, a stranger inspector)."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from precinct.accounts.models import Role, User
from precinct.accounts.services import staff_user_create
from precinct.appeals import services as appeal_services
from precinct.appeals.models import Appeal, Channel
from precinct.dispatch import rollups
from precinct.dispatch import services as dispatch_services
from precinct.dispatch.models import Category as CallCategory
from precinct.dispatch.models import Incident
from precinct.receptions.models import ReceptionSlot
from precinct.territory.models import Officer, PopulationPoint, Post, Precinct
from tests.factories import PASSWORD
from tests.territory import builders as territory_builders

INSIDE = territory_builders.INSIDE  # a point in precinct 7
BESIDE = (76.955, 43.2385)  # east of precinct 7, in no precinct
CALL_PLACE = "ул. Толе би, 10, кв. 5"
RECEPTION_PLACE = "каб. 214"


@dataclass
class InspectorWorld:
    precinct: Precinct
    far_precinct: Precinct
    inspector: User
    head: User
    stranger: User  # an inspector of the same department who serves no precinct
    overdue: Appeal
    due_later: Appeal
    answered: Appeal
    call_inside: Incident
    call_beside: Incident


def _appeal(text: str) -> Appeal:
    appeal, _ = appeal_services.appeal_register(
        type="request", text=text, channel=Channel.WEB, category_code="noise",
        contact_name="Айгуль Сапарова", contact_phone="+7 701 234 56 78",
        lon=INSIDE[0], lat=INSIDE[1],
    )  # fmt: skip
    return appeal


def _call(lon: float, lat: float, minutes_ago: int, response_seconds: int | None) -> Incident:
    received = timezone.now() - dt.timedelta(minutes=minutes_ago)
    # Written as the dispatch services write a call: its day marked for the rollups (the
    # measures read a marked day raw until the worker rebuilds it).
    call = Incident.objects.create(
        department=Precinct.objects.get(number=7).department,
        category=CallCategory.objects.get(code="other"), priority=2, state="closed",
        source="live", lon=lon, lat=lat, place=CALL_PLACE, caller_phone="+7 705 111 22 33",
        text="шум", received_at=received, response_seconds=response_seconds,
        on_scene_at=None if response_seconds is None
        else received + dt.timedelta(seconds=response_seconds),
    )  # fmt: skip
    rollups.mark_incident(call)
    return call


def _account(username: str, role: str, department, officer) -> User:
    return staff_user_create(
        username=username, password=PASSWORD, role=role, department=department, officer=officer
    )


def build_inspector_world(network_dir: Path) -> InspectorWorld:
    """The small territory and everything the inspector's workspace shows of it."""
    site = territory_builders.build_small_territory(network_dir)
    precinct, department = site["precinct"], site["department"]
    Post.objects.filter(department=department).update(precinct=precinct)
    # Residents by the two open posts, and a block 1.4 km north of them (out of reach).
    for lon, lat in ((76.946, 43.2400), (76.934, 43.2320), (76.932, 43.2445)):
        PopulationPoint.objects.create(
            region=site["region"], department=department, precinct=precinct, lon=lon, lat=lat,
            residents=1000,
        )  # fmt: skip
    officer = Officer.objects.get(last_name=territory_builders.INSPECTOR[0])
    head_officer = Officer.objects.get(role=Officer.Role.HEAD, department=department)
    inspector = _account("inspector7", Role.INSPECTOR, department, officer)
    head = _account("head7", Role.HEAD, department, head_officer)
    stranger = _account("stranger", Role.INSPECTOR, department, None)
    appeals = [_appeal(f"обращение {n}") for n in range(3)]
    for appeal in appeals:
        appeal_services.appeal_assign(actor=head, appeal=appeal, assignee=inspector)
    overdue, due_later, answered = appeals
    two_days_ago = timezone.localdate() - dt.timedelta(days=2)
    Appeal.objects.filter(pk=overdue.pk).update(due_date=two_days_ago)
    appeal_services.appeal_answer(actor=inspector, appeal=answered, answer="Меры приняты.")
    dispatch_services.category_defaults_create()
    call_inside = _call(*INSIDE, minutes_ago=30, response_seconds=600)
    call_beside = _call(*BESIDE, minutes_ago=20, response_seconds=900)
    ReceptionSlot.objects.create(
        department=department, head=head_officer, place=RECEPTION_PLACE, capacity=5,
        starts_at=timezone.now() + dt.timedelta(days=2),
    )  # fmt: skip
    return InspectorWorld(
        precinct=precinct, far_precinct=Precinct.objects.get(number=8), inspector=inspector,
        head=head, stranger=stranger, overdue=Appeal.objects.get(pk=overdue.pk),
        due_later=due_later, answered=answered, call_inside=call_inside, call_beside=call_beside,
    )  # fmt: skip
