"""The default list of categories; administrators edit it in the admin."""

from django.db import migrations

CATEGORIES = [
    # code, Russian, Kazakh, English, service, outside competence, forward to
    ("public-order", "Общественный порядок", "Қоғамдық тәртіп", "Public order", "inspectors", False, ""),
    ("noise", "Шум, нарушение тишины", "Шу, тыныштықты бұзу", "Noise", "inspectors", False, ""),
    ("domestic", "Семейно-бытовой конфликт", "Отбасылық-тұрмыстық жанжал", "Domestic conflict", "inspectors", False, ""),
    ("theft-fraud", "Кража, мошенничество", "Ұрлық, алаяқтық", "Theft or fraud", "investigation", False, ""),
    ("traffic", "Дорожное движение, парковка", "Жол қозғалысы, тұрақ", "Traffic and parking", "traffic-police", False, ""),
    ("juveniles", "Несовершеннолетние", "Кәмелетке толмағандар", "Juveniles", "juvenile-police", False, ""),
    ("drugs", "Наркотики", "Есірткі", "Drugs", "anti-drug", False, ""),
    ("officer-conduct", "Действия сотрудника полиции", "Полиция қызметкерінің әрекеттері", "Conduct of a police officer", "internal-security", False, ""),
    ("lighting-roads", "Освещение, дороги, благоустройство", "Жарықтандыру, жолдар, абаттандыру", "Street lighting, roads, upkeep", "", True, "Akimat (city administration)"),
    ("utilities", "Коммунальные услуги", "Коммуналдық қызметтер", "Utilities", "", True, "Akimat (housing and utilities)"),
]


def add(apps, schema_editor):
    Category = apps.get_model("appeals", "Category")
    for code, ru, kk, en, service, outside, forward in CATEGORIES:
        Category.objects.update_or_create(
            code=code,
            defaults=dict(name=ru, name_kk=kk, name_en=en, service=service or "other",
                          outside_competence=outside, forward_to=forward),
        )


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
