"""Retention purges are the only deletes the audit log allows, and they are logged."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from precinct.audit.models import AuditEntry, PurgeWindow
from precinct.audit.services import audit_purge, audit_record


@pytest.mark.django_db(transaction=True)
def test_purge_deletes_only_older_entries_and_logs_itself(personas):
    audit_record(actor=personas.admin, action="read", subject_type="x", subject_id="1")
    future = timezone.now() + dt.timedelta(days=1)
    deleted = audit_purge(actor=personas.admin, before=future, reason="5-year retention")
    assert deleted >= 1
    remaining = list(AuditEntry.objects.values_list("action", "context"))
    assert len(remaining) == 1 and remaining[0][0] == "delete"
    assert "retention purge" in remaining[0][1]
    assert not PurgeWindow.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_outside_a_window_the_database_refuses_deletes_and_always_updates(personas):
    audit_record(actor=personas.admin, action="read", subject_type="x", subject_id="1")
    table = AuditEntry._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
    PurgeWindow.objects.create(reason="even inside a window")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET context = 'forged'")
    assert AuditEntry.objects.get().context == ""


@pytest.mark.django_db(transaction=True)
def test_truncate_is_refused_outside_a_window(personas):
    if connection.vendor != "postgresql":
        assert connection.vendor == "sqlite"  # SQLite has no TRUNCATE statement at all
        return
    audit_record(actor=personas.admin, action="read", subject_type="x", subject_id="1")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {AuditEntry._meta.db_table} CASCADE")
    assert AuditEntry.objects.count() == 1
