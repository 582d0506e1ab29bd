"""The default classification of 102 calls; departments may edit it in the admin."""

from django.db import migrations

# code, default priority, unit kinds that suit it, Russian, Kazakh, English
DEFAULTS = [
    ("violence", 1, ["car", "foot"], "Насилие, драка, нападение", "Зорлық-зомбылық, төбелес",
     "Violence in progress"),
    ("crash_injury", 1, ["car"], "ДТП с пострадавшими", "Зардап шеккендері бар ЖКО",
     "Road crash with injuries"),
    ("theft_now", 1, ["car", "foot"], "Кража, грабёж сейчас", "Қазір болып жатқан ұрлық",
     "Theft or robbery in progress"),
    ("domestic", 2, ["car"], "Семейно-бытовой конфликт", "Отбасылық-тұрмыстық жанжал",
     "Domestic disturbance"),
    ("missing", 2, ["car", "foot"], "Пропал человек", "Адам жоғалды", "Missing person"),
    ("crash", 3, ["car"], "ДТП без пострадавших", "Зардап шеккендерсіз ЖКО",
     "Road crash without injuries"),
    ("public_order", 3, ["car", "foot"], "Нарушение общественного порядка, шум",
     "Қоғамдық тәртіпті бұзу, шу", "Public order, noise"),
    ("theft_report", 4, ["car", "foot"], "Заявление о краже (прошедшей)", "Ұрлық туралы арыз",
     "Theft reported after the fact"),
    ("other", 3, [], "Прочее", "Басқа", "Other"),
]  # fmt: skip


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
