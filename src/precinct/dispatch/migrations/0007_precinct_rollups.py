"""Rollups by precinct (``PrecinctRollup``). Every day that has response rollups is marked
dirty, so the worker's rollup job builds its precinct rows (and, until it has, the day is
read from the raw calls): an instance with history needs no manual step, though
``precinct dispatch rollups rebuild`` does it at once."""

from django.db import migrations, models
from django.utils import timezone


def _mark_days_with_rollups(apps, schema_editor):
    rollup = apps.get_model("dispatch", "ResponseRollup")
    dirty = apps.get_model("dispatch", "RollupDirtyDay")
    days = rollup.objects.filter(grain="d").values_list("period", flat=True).distinct()
    known = set(dirty.objects.values_list("day", flat=True))
    now = timezone.now()
    dirty.objects.bulk_create(
        [dirty(day=d, marked_at=now) for d in days.order_by() if d not in known], batch_size=5000
    )


class Migration(migrations.Migration):

    dependencies = [
        ('dispatch', '0006_rollup_summaries_lz4'),
    ]

    operations = [
        migrations.CreateModel(
            name='PrecinctRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('grain', models.CharField(max_length=1)),
                ('period', models.DateField()),
                ('department_id', models.IntegerField()),
                ('precinct_id', models.IntegerField()),
                ('priority', models.PositiveSmallIntegerField()),
                ('calls', models.IntegerField()),
                ('arrived', models.IntegerField()),
                ('with_target', models.IntegerField()),
                ('within_target', models.IntegerField()),
                ('response', models.BinaryField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('grain', 'period', 'department_id', 'precinct_id', 'priority'), name='dispatch_precinct_rollup_key')],
            },
        ),
        migrations.RunPython(_mark_days_with_rollups, migrations.RunPython.noop),
    ]
