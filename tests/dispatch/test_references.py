"""The incident table's department and category are checked by triggers, not constraints.

Migration 0003 replaced the per-row foreign keys with set-based checks (see its docstring).
These tests hold the database to the promises a foreign key made, on SQLite and PostgreSQL.
"""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from precinct.dispatch.models import Category, Incident

pytestmark = pytest.mark.django_db

MISSING = 987_654


def _row(territory, **fields) -> Incident:
    values = {
        "department": territory.district_a, "category": Category.objects.get(code="violence"),
        "priority": 1, "received_at": dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC),
    } | fields  # fmt: skip
    return Incident(**values)


def _incident(territory, **fields) -> Incident:
    incident = _row(territory, **fields)
    incident.save()
    return incident


def test_an_incident_with_existing_references_is_stored(territory):
    incident = _incident(territory)
    assert Incident.objects.get(pk=incident.pk).department == territory.district_a


@pytest.mark.parametrize("field", ["department_id", "category_id"])
def test_an_incident_naming_a_missing_parent_is_refused(territory, field):
    with pytest.raises(IntegrityError), transaction.atomic():
        _incident(territory, **{field: MISSING})
    assert not Incident.objects.exists()


@pytest.mark.parametrize("field", ["department_id", "category_id"])
def test_moving_an_incident_to_a_missing_parent_is_refused(territory, field):
    incident = _incident(territory)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(**{field: MISSING})
    assert getattr(Incident.objects.get(pk=incident.pk), field) != MISSING


def test_a_bulk_insert_with_one_bad_row_stores_nothing(territory):
    rows = [_row(territory), _row(territory), _row(territory, department_id=MISSING)]
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.bulk_create(rows)
    assert not Incident.objects.exists()


def test_a_referenced_department_cannot_be_deleted(territory):
    _incident(territory)
    department = territory.district_a
    with pytest.raises(ProtectedError):
        Incident.objects.first().department.delete()
    if connection.vendor == "postgresql":
        # Below the ORM too: a trigger on the parent refuses, as the constraint did.
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM territory_department WHERE id = %s", [department.pk])
    assert Incident.objects.filter(department=department).exists()
