"""Incidents check their department and category per statement, not per row.

A foreign-key constraint checks each inserted row with its own lookup, which was half of
the time of a million-row import into PostgreSQL. There an AFTER ... FOR EACH STATEMENT
trigger looks at all new rows at once (one anti-join against each parent table) and locks
the parents they use, as a constraint would, so a parent deleted meanwhile fails the
insert; a BEFORE DELETE trigger on each parent refuses to delete one still referenced.
SQLite has no statement triggers: a row trigger checks each insert (as its own foreign
keys would). Its parent-side check is left to Django's PROTECT, because Django's SQLite
flush deletes tables in any order inside one transaction, which a non-deferred trigger
would refuse. The errors are foreign-key violations, so Django raises IntegrityError as
before. ``tests/dispatch/test_references.py`` checks all of it on both databases.
"""

import django.db.models.deletion
from django.db import migrations, models

PARENTS = (("department_id", "territory_department"), ("category_id", "dispatch_category"))

# One pass over the new rows collects the parents they name; the rest works on those few.
POSTGRES_CHECK = """
CREATE FUNCTION dispatch_incident_check_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE departments bigint[]; categories bigint[]; missing bigint;
BEGIN
    SELECT array_agg(DISTINCT department_id), array_agg(DISTINCT category_id)
      INTO departments, categories FROM new_rows;
    PERFORM 1 FROM territory_department WHERE id = ANY(departments) FOR KEY SHARE;
    PERFORM 1 FROM dispatch_category WHERE id = ANY(categories) FOR KEY SHARE;
    SELECT d INTO missing FROM unnest(departments) d
     WHERE NOT EXISTS (SELECT 1 FROM territory_department p WHERE p.id = d) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'dispatch_incident: no department with id ' || missing;
    END IF;
    SELECT c INTO missing FROM unnest(categories) c
     WHERE NOT EXISTS (SELECT 1 FROM dispatch_category p WHERE p.id = c) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'dispatch_incident: no category with id ' || missing;
    END IF;
    RETURN NULL;
END $$;
"""
POSTGRES_PROTECT = """
CREATE FUNCTION dispatch_incident_protect_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM dispatch_incident WHERE {column} = OLD.id) THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = '{table} ' || OLD.id || ' is referenced by dispatch_incident';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER dispatch_incident_protect BEFORE DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION dispatch_incident_protect_{table}();
"""
POSTGRES = [
    POSTGRES_CHECK,
    *(
        f"""CREATE TRIGGER dispatch_incident_references_{event} AFTER {event} ON dispatch_incident
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
            EXECUTE FUNCTION dispatch_incident_check_references();"""
        for event in ("insert", "update")
    ),
    *(POSTGRES_PROTECT.format(column=column, table=table) for column, table in PARENTS),
]
SQLITE_MISSING = " OR ".join(
    f"NOT EXISTS (SELECT 1 FROM {table} WHERE id = NEW.{column})" for column, table in PARENTS
)
SQLITE = [
    f"""CREATE TRIGGER dispatch_incident_references_{name} BEFORE {event} ON dispatch_incident
        WHEN {SQLITE_MISSING}
        BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: dispatch_incident'); END;"""
    for name, event in (("insert", "INSERT"), ("update", "UPDATE OF department_id, category_id"))
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for event in ("insert", "update"):
        on = " ON dispatch_incident" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS dispatch_incident_references_{event}{on}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS dispatch_incident_check_references()")
        for _, table in PARENTS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS dispatch_incident_protect ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS dispatch_incident_protect_{table}()")


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0002_default_categories"),
        ("territory", "0002_post_updated_at"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="incident", name="dispatch_in_state_7cbe51_idx"),
        migrations.AlterField(
            model_name="incident",
            name="category",
            field=models.ForeignKey(
                db_constraint=False, db_index=False, related_name="incidents",
                on_delete=django.db.models.deletion.PROTECT, to="dispatch.category",
            ),
        ),  # fmt: skip
        migrations.AlterField(
            model_name="incident",
            name="department",
            field=models.ForeignKey(
                db_constraint=False, db_index=False, related_name="incidents",
                on_delete=django.db.models.deletion.PROTECT, to="territory.department",
            ),
        ),  # fmt: skip
        migrations.AddIndex(
            model_name="incident",
            index=models.Index(
                condition=models.Q(("state", "open")), fields=["received_at"],
                name="dispatch_incident_open",
            ),
        ),  # fmt: skip
        migrations.RunPython(forwards, backwards),
    ]
