"""Outbox messages get a lease (a killed worker's claim expires) and an idempotency key
(the gateways send a key once). Existing rows get a key of their own."""

import uuid

from django.db import migrations, models

import precinct.appeals.models


def give_keys(apps, schema_editor):
    Notification = apps.get_model("appeals", "Notification")
    for pk in Notification.objects.filter(idempotency_key__isnull=True).values_list(
        "pk", flat=True
    ):
        Notification.objects.filter(pk=pk).update(idempotency_key=uuid.uuid4().hex)


class Migration(migrations.Migration):
    dependencies = [("appeals", "0007_open311_media_and_attributes")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="leased_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="notification",
            name="task_id",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="notification",
            name="idempotency_key",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.RunPython(give_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="notification",
            name="idempotency_key",
            field=models.CharField(
                default=precinct.appeals.models.new_idempotency_key, max_length=64, unique=True
            ),
        ),
    ]
