"""Let the database delete audit entries only inside a purge window; never update them."""

from django.db import migrations

SQLITE = [
    "DROP TRIGGER IF EXISTS audit_no_delete",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditentry
       WHEN NOT EXISTS (SELECT 1 FROM audit_purgewindow)
       BEGIN SELECT RAISE(ABORT, 'The audit log is append-only.'); END;""",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_purgewindow) THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION 'The audit log is append-only.';
       END; $$ LANGUAGE plpgsql;""",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_purge_window")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
