"""The standard police-trust questionnaire, shipped as data (surveys/data/)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "police_trust_v1.json"


def load(apps, schema_editor):
    from precinct.surveys.services import questionnaire_load

    models = (apps.get_model("surveys", "Questionnaire"), apps.get_model("surveys", "Question"))
    data = json.loads(DATA.read_text(encoding="utf-8"))
    if not models[0].objects.filter(code=data["code"], version=data["version"]).exists():
        questionnaire_load(data=data, models=models)


def unload(apps, schema_editor):
    apps.get_model("surveys", "Questionnaire").objects.filter(code="police-trust", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
