"""The rollups' summaries compressed with lz4 on PostgreSQL (14 and later, built with lz4)
instead of the default pglz: a day's maintenance rewrites its year's rows, ~150 MB of
summaries nationally, and pglz spent seconds compressing them (and reads decompressing
them). Rows written before keep pglz until they are next written. Nothing on SQLite."""

from django.db import migrations

COLUMNS = ("handling", "travel", "response", "hours", "handling_by_hour", "travel_by_hour",
           "response_by_hour")  # fmt: skip


def _compression(method: str):
    def apply(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
                           "AND 'lz4' = ANY(enumvals)")  # fmt: skip
            if cursor.fetchone() is None:  # a server built without lz4 keeps pglz
                return
            for column in COLUMNS:
                cursor.execute(
                    f"ALTER TABLE dispatch_responserollup ALTER COLUMN {column} "
                    f"SET COMPRESSION {method}"
                )

    return apply


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0005_incident_received_index")]

    operations = [migrations.RunPython(_compression("lz4"), _compression("pglz"))]
