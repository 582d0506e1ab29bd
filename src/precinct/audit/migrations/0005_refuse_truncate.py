"""PostgreSQL: TRUNCATE skips row triggers, so refuse it too outside a purge window."""

from django.db import migrations

POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_no_truncate() RETURNS trigger AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM audit_purgewindow) THEN RETURN NULL; END IF;
         RAISE EXCEPTION 'The audit log is append-only.';
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate();""",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_no_truncate ON audit_auditentry")
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_no_truncate()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_purge_window_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
