"""The audit log is append-only: in the ORM, in the database itself, and in the admin.

The raw-SQL tests run unchanged on SQLite (the default) and on PostgreSQL (DATABASE_URL):
each backend has its own triggers from migration audit/0002.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, transaction

from precinct.audit.models import AppendOnlyError, AuditEntry
from precinct.audit.services import audit_read_many, audit_record
from precinct.territory.models import Officer
from tests import factories


@pytest.fixture
def entry(personas) -> AuditEntry:
    return audit_record(
        actor=personas.head,
        action=AuditEntry.Action.READ,
        subject_type="territory.officer",
        subject_id="7",
        fields=["phone", "email"],
        context="roster",
    )


def _table() -> str:
    return connection.ops.quote_name(AuditEntry._meta.db_table)


# --- writing ----------------------------------------------------------------------------


def test_audit_record__writes_entry_with_actor_username(personas, entry):
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor == personas.head
    assert stored.actor_username == "head"
    assert stored.action == AuditEntry.Action.READ
    assert (stored.subject_type, stored.subject_id) == ("territory.officer", "7")
    assert stored.fields == ["email", "phone"]  # sorted, so entries compare easily
    assert stored.context == "roster"
    assert stored.at is not None


def test_audit_record__subject_instance__gives_type_and_id(territory, personas):
    person = factories.officer(territory.district_a, Officer.Role.PATROL)
    entry = audit_record(actor=personas.admin, action=AuditEntry.Action.UPDATE, subject=person)
    assert (entry.subject_type, entry.subject_id) == ("territory.officer", str(person.pk))


def test_audit_record__resident__is_recorded_as_anonymous(db):
    entry = audit_record(
        actor=AnonymousUser(), action=AuditEntry.Action.CREATE, subject_type="x", subject_id="1"
    )
    assert entry.actor is None
    assert entry.actor_username == "anonymous"


def test_audit_record__long_context__is_cut_to_column_size(personas):
    entry = audit_record(
        actor=personas.admin, action=AuditEntry.Action.EXPORT, subject_type="x", context="c" * 500
    )
    assert len(AuditEntry.objects.get(pk=entry.pk).context) == 200


def test_audit_read_many__one_entry_per_object(territory, personas):
    people = [factories.officer(territory.district_a, Officer.Role.PATROL, n) for n in "АБВ"]
    audit_read_many(actor=personas.head, objects=people, fields={"phone"}, context="roster")
    entries = AuditEntry.objects.filter(context="roster")
    assert sorted(entries.values_list("subject_id", flat=True)) == sorted(str(p.pk) for p in people)
    assert {(e.actor_username, e.action, tuple(e.fields)) for e in entries} == {
        ("head", AuditEntry.Action.READ, ("phone",))
    }


# --- the ORM refuses to change the past -------------------------------------------------


def test_entry_save_after_creation__raises(entry):
    entry.context = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).context == "roster"


def test_entry_delete__raises(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_queryset_update__raises(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(context="rewritten")


def test_queryset_delete__raises(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 1


def test_bulk_update__raises(entry):
    entry.context = "rewritten"
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["context"])


# --- the database refuses too, whatever the backend -------------------------------------


def test_raw_sql_update__refused_by_database(entry):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {_table()} SET context = %s WHERE id = %s", ["x", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).context == "roster"


def test_raw_sql_delete__refused_by_database(entry):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {_table()} WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_raw_sql_delete_of_whole_table__refused_by_database(entry):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {_table()}")
    assert AuditEntry.objects.count() == 1


def test_base_manager_update__bypasses_orm_guard__but_database_refuses(entry):
    """Django uses _base_manager internally; it is a plain manager, so the triggers matter."""
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry._base_manager.filter(pk=entry.pk).update(context="rewritten")
    assert AuditEntry.objects.get(pk=entry.pk).context == "roster"


def test_appending_after_an_entry__still_allowed(entry):
    """Append-only means appending works: the triggers guard only UPDATE and DELETE."""
    audit_record(actor=None, action=AuditEntry.Action.CREATE, subject_type="x", subject_id="2")
    assert AuditEntry.objects.count() == 2


# --- the admin shows the log read-only --------------------------------------------------


@pytest.fixture
def admin_client_of(client, personas):
    client.force_login(personas.admin)
    return client


def test_admin__lists_audit_entries(admin_client_of, entry):
    response = admin_client_of.get("/admin/audit/auditentry/")
    assert response.status_code == 200
    assert b"roster" in response.content


def test_admin__audit_entry_has_no_add_change_or_delete(admin_client_of, entry, rf, personas):
    from django.contrib import admin

    model_admin = admin.site._registry[AuditEntry]
    request = rf.get("/admin/audit/auditentry/")
    request.user = personas.admin
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request, entry) is False
    assert model_admin.has_delete_permission(request, entry) is False
    assert model_admin.has_view_permission(request, entry) is True

    assert admin_client_of.get("/admin/audit/auditentry/add/").status_code == 403
    assert admin_client_of.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    # The change page opens read-only: no save button, and a POST changes nothing.
    page = admin_client_of.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    response = admin_client_of.post(
        f"/admin/audit/auditentry/{entry.pk}/change/", {"context": "rewritten"}
    )
    assert response.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).context == "roster"


def test_admin__bulk_delete_action_is_not_offered(admin_client_of, entry):
    response = admin_client_of.get("/admin/audit/auditentry/")
    assert b"delete_selected" not in response.content
