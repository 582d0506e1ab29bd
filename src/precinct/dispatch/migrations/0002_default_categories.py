"""The default classification of 102 calls; departments may edit it in the admin."""

from django.db import migrations

from precinct.dispatch.defaults import DEFAULTS

def create(apps, schema_editor):
    Category = apps.get_model("dispatch", "Category")
    for code, priority, kinds, ru, kk, en in DEFAULTS:
        Category.objects.get_or_create(
            code=code,
            defaults={"default_priority": priority, "unit_kinds": kinds, "name": ru,
                      "name_kk": kk, "name_en": en},
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
