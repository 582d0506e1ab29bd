"""Moving receptions out of appeals keeps every row: a database at main's last migration
before the move, with hours, bookings and an appeal, is migrated to the head.

Migrating back to ``appeals.0002`` (without receptions) gives exactly the schema main had:
the move only changes the migration state, and the tables keep their names. The test
runs on SQLite and on PostgreSQL (``DATABASE_URL``).
"""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE_THE_MOVE = [("appeals", "0002_default_categories"), ("receptions", None)]


def head():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def migrate(targets):
    """Migrate to ``targets``; the models as they are there, every other app at its head."""
    MigrationExecutor(connection).migrate(targets)
    nodes = [n for n in head() if n[0] not in dict(targets)]
    nodes += [t for t in targets if t[1] is not None]
    return MigrationExecutor(connection).loader.project_state(nodes).apps


def old_rows(apps) -> dict:
    """What a database at main's head holds: a head's hour, a booking that became an appeal."""
    Region = apps.get_model("territory", "Region")
    Department = apps.get_model("territory", "Department")
    Officer = apps.get_model("territory", "Officer")
    Appeal = apps.get_model("appeals", "Appeal")
    ReceptionSlot = apps.get_model("appeals", "ReceptionSlot")
    Booking = apps.get_model("appeals", "Booking")
    region = Region.objects.create(code="almaty", kind="city", name="Алматы")
    department = Department.objects.create(
        region=region, kind="district", code="up-almaly", name="УП Алмалинского района"
    )
    head = Officer.objects.create(
        department=department, role="head", last_name="Бекова", first_name="Айгерим"
    )
    now = timezone.now()
    appeal = Appeal.objects.create(
        registration_number="2026-0000001",
        tracking_code="t" * 24,
        type="request",
        channel="reception",
        text="Нет освещения во дворе",
        department=department,
        registered_at=now,
        due_date=now.date() + dt.timedelta(days=21),
    )
    slot = ReceptionSlot.objects.create(
        department=department, head=head, starts_at=now, place="каб. 5", capacity=3
    )
    booking = Booking.objects.create(
        slot=slot,
        code="AB12CD34",
        name="Гульнар",
        phone="+77015554433",
        topic="Нет освещения во дворе",
        state="attended",
        booked_at=now - dt.timedelta(days=2),
        outcome="Принято",
        appeal=appeal,
    )
    return {"slot": slot.pk, "booking": booking.pk, "appeal": appeal.pk, "head": head.pk}


@pytest.mark.django_db(transaction=True)
def test_reception_rows_and_their_content_types_survive_the_move():
    apps = migrate(BEFORE_THE_MOVE)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    booking_type = ContentType.objects.get_or_create(app_label="appeals", model="booking")[0]
    Permission.objects.get_or_create(
        content_type=booking_type, codename="view_booking", defaults={"name": "Can view booking"}
    )
    ids = old_rows(apps)

    migrate(head())

    from django.contrib.auth.models import Permission as CurrentPermission
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    from precinct.receptions.models import Booking, ReceptionSlot

    booking = Booking.objects.select_related("slot", "appeal").get(pk=ids["booking"])
    assert booking.slot.pk == ids["slot"] and booking.slot.head_id == ids["head"]
    assert booking.appeal.pk == ids["appeal"] and booking.appeal.booking == booking
    assert (booking.code, booking.state, booking.outcome) == ("AB12CD34", "attended", "Принято")
    assert ReceptionSlot.objects.get(pk=ids["slot"]).bookings.count() == 1
    moved = CurrentContentType.objects.get(app_label="receptions", model="booking")
    assert moved.pk == booking_type.pk  # the same row, so permissions and history follow
    assert CurrentPermission.objects.filter(content_type=moved, codename="view_booking").exists()
    assert not CurrentContentType.objects.filter(app_label="appeals", model="booking").exists()
    # New rows continue the old tables' sequences.
    assert (
        Booking.objects.create(
            slot_id=ids["slot"],
            code="NEW1",
            name="Б",
            phone="+77015550000",
            topic="x",
            booked_at=timezone.now(),
        ).pk
        > ids["booking"]
    )
