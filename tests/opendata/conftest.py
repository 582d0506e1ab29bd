"""The open-data API's harness: a small published world and the real server on it.

``opendata_world`` is what the API publishes (two forces, precincts with posts, inspectors,
heads, receptions, priorities) plus what it must never publish (officers' phones and
e-mails, who booked a reception and why). ``live_opendata`` starts gunicorn on the test
database and yields the API's base URL, so ``police_api.PoliceAPI(base_url=...)`` (the
unmodified PyPI client) talks to the real server. Crime resources add their records to the
same database and read them through the same server.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone
from police_api import PoliceAPI
from shapely.geometry import box

from precinct.priorities.models import Priority, PriorityAction
from precinct.receptions.models import Booking, ReceptionSlot
from precinct.territory import services
from precinct.territory.models import Officer, Post, Precinct, Provenance
from tests import factories
from tests.crime import world
from tests.processes import free_port, kill_server, start_gunicorn

# Things that exist in the database and must never appear in any public answer.
SECRETS = (
    "+7 700 000 00 00",  # officers' phone (tests.factories.officer)
    "o@police.kz",  # officers' e-mail
    "+7 777 123 45 67",  # a resident's phone on a booking
    "Жанар Иванова",  # a resident's name on a booking
    "сосед бьёт жену",  # what the resident wants to raise
)
POST_PHONE = "+7 727 300 00 01"
DEPARTMENT_PHONE = "+7 727 254 00 00"


@dataclass
class OpendataWorld:
    territory: factories.Territory
    precinct_a: Precinct  # district A, number 1
    precinct_a2: Precinct  # district A, number 2: three residents, no posts
    precinct_b: Precinct  # district B, number 7
    inspector: Officer
    head: Officer
    post: Post
    slot: ReceptionSlot
    priority: Priority


def build_opendata_world() -> OpendataWorld:
    t = factories.build_territory()
    district_a = t.district_a
    district_a.phone = DEPARTMENT_PHONE
    district_a.save(update_fields=["phone"])
    precinct_a2 = services.precinct_create(
        department=district_a,
        number=2,
        geometry=box(76.90, 43.27, 76.92, 43.28),
        residents=3,
        source=Provenance.DERIVED,
    )
    precinct_b = services.precinct_create(
        department=t.district_b,
        number=7,
        geometry=box(76.92, 43.22, 76.96, 43.27),
        residents=8000,
        source=Provenance.DERIVED,
    )
    inspector = factories.inspector_of(t.precinct_a, "Ахметов")
    inspector.rank = Officer.Rank.CAPTAIN
    inspector.save(update_fields=["rank"])
    factories.inspector_of(precinct_b, "Сейтказин")
    head = factories.officer(district_a, Officer.Role.HEAD, "Нурланов", rank=Officer.Rank.COLONEL)
    post = services.post_create(
        department=district_a,
        precinct=t.precinct_a,
        name="УПП №1",
        name_en="Police post 1",
        lon=76.90,
        lat=43.24,
        address="ул. Абая, 10",
        opening_hours="Mo-Fr 09:00-18:00",
        phone=POST_PHONE,
        state=Post.State.OPEN,
        opened_on=dt.date(2024, 1, 10),
    )
    services.post_create(
        department=district_a,
        precinct=t.precinct_a,
        name="УПП №9 (строится)",
        lon=76.91,
        lat=43.25,
        state=Post.State.BUILDING,
    )
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    slot = ReceptionSlot.objects.create(
        department=district_a,
        head=head,
        starts_at=starts,
        minutes=90,
        place="ул. Абая, 10, каб. 5",
        place_en="10 Abay St, room 5",
        capacity=5,
        language="kk",
    )
    Booking.objects.create(
        slot=slot,
        code="BOOK-1",
        name="Жанар Иванова",
        phone="+7 777 123 45 67",
        topic="сосед бьёт жену",
        booked_at=timezone.now(),
    )
    today = timezone.localdate()
    priority = Priority.objects.create(
        precinct=t.precinct_a,
        issue="Мотоциклы гоняют по ночам",
        issue_en="Motorbikes racing at night",
        place="пр. Абая <у школы>",
        since=today - dt.timedelta(days=40),
        reviewed_on=today - dt.timedelta(days=10),
    )
    PriorityAction.objects.create(
        priority=priority,
        done_on=today - dt.timedelta(days=20),
        text="Рейды с ГАИ",
        text_en="Raids with the traffic police",
    )
    PriorityAction.objects.create(
        priority=priority, done_on=today - dt.timedelta(days=5), text="Поставили камеры"
    )
    Priority.objects.create(
        precinct=t.precinct_a,
        issue="Закрыт давно",
        since=today - dt.timedelta(days=400),
        reviewed_on=today - dt.timedelta(days=300),
        state=Priority.State.CLOSED,
        closed_on=today - dt.timedelta(days=200),
    )
    return OpendataWorld(
        t, t.precinct_a, precinct_a2, precinct_b, inspector, head, post, slot, priority
    )


@pytest.fixture
def opendata_world(db) -> OpendataWorld:
    return build_opendata_world()


@pytest.fixture
def live_opendata(transactional_db):
    """gunicorn on the test database; yields the API's base URL (data is the test's to
    create: the server sees whatever the test commits)."""
    port = free_port()
    server = start_gunicorn(port)
    try:
        yield f"http://127.0.0.1:{port}/opendata/api/"
    finally:
        kill_server(server)


@pytest.fixture
def police_api(live_opendata) -> PoliceAPI:
    """data.police.uk's own client, unmodified, pointed at the live server."""
    return PoliceAPI(base_url=live_opendata, timeout=30)


@pytest.fixture
def opendata_records(tmp_path, settings):
    """The published world plus street-level records (``tests/crime/world.py``): streets,
    houses (one of them alone on its lane), the map points built from them and a CSV of
    records imported through the real importer, with a name, a phone, a description and
    an address in columns the mapping ignores."""
    settings.PRECINCT_NETWORK_DIR = tmp_path / "network"
    opendata = build_opendata_world()
    return world.build_records_world(tmp_path, territory=opendata.territory)
