"""Receptions move out of the appeals app: the models change app, the tables stay.

``SeparateDatabaseAndState`` creates the two models in this app's migration state only;
their tables (``appeals_receptionslot``, ``appeals_booking``) and rows are left as they
are, and ``appeals.0003`` removes the models from the appeals state. The content types are
renamed, so permissions and admin history follow the models.
"""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ("receptionslot", "booking")


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def content_types_to_receptions(apps, schema_editor):
    _relabel(apps, "appeals", "receptions")


def content_types_to_appeals(apps, schema_editor):
    _relabel(apps, "receptions", "appeals")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("appeals", "0002_default_categories"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("territory", "0002_post_updated_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReceptionSlot",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("starts_at", models.DateTimeField(db_index=True)),
                        ("minutes", models.PositiveSmallIntegerField(default=60)),
                        ("place", models.CharField(max_length=300)),
                        ("capacity", models.PositiveSmallIntegerField(default=5)),
                        ("language", models.CharField(default="ru", max_length=12)),
                        ("cancelled", models.BooleanField(default=False)),
                        (
                            "department",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reception_slots",
                                to="territory.department",
                            ),
                        ),
                        (
                            "head",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="territory.officer",
                            ),
                        ),
                    ],
                    options={"db_table": "appeals_receptionslot", "ordering": ["starts_at"]},
                ),
                migrations.CreateModel(
                    name="Booking",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.CharField(max_length=16, unique=True)),
                        ("name", models.CharField(max_length=200)),
                        ("phone", models.CharField(max_length=40)),
                        ("topic", models.TextField()),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("booked", "Booked"),
                                    ("cancelled", "Cancelled"),
                                    ("attended", "Attended"),
                                    ("no_show", "Did not come"),
                                ],
                                default="booked",
                                max_length=10,
                            ),
                        ),
                        ("booked_at", models.DateTimeField()),
                        ("outcome", models.TextField(blank=True)),
                        (
                            "appeal",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="booking",
                                to="appeals.appeal",
                            ),
                        ),
                        (
                            "slot",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="bookings",
                                to="receptions.receptionslot",
                            ),
                        ),
                    ],
                    options={"db_table": "appeals_booking"},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_receptions, content_types_to_appeals),
    ]
