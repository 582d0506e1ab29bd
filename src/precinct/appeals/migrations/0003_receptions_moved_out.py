"""Receptions are an app of their own now (``receptions.0001``): forget the two models here.

State only: the tables and their rows stay where they are and belong to the receptions
models from now on.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0002_default_categories"),
        ("receptions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Booking"),
                migrations.DeleteModel(name="ReceptionSlot"),
            ],
            database_operations=[],
        )
    ]
