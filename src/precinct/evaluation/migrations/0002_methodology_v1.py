"""Methodology version 1, shipped as data (evaluation/data/methodology_v1.toml)."""

from django.db import migrations


def load(apps, schema_editor):
    from precinct.evaluation.catalog import DATA_DIR, load_catalog, read_catalog

    methodology = apps.get_model("evaluation", "Methodology")
    indicator = apps.get_model("evaluation", "Indicator")
    data = read_catalog(DATA_DIR / "methodology_v1.toml")
    if not methodology.objects.filter(version=data["version"]).exists():
        load_catalog(data, methodology, indicator)


def unload(apps, schema_editor):
    apps.get_model("evaluation", "Methodology").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
