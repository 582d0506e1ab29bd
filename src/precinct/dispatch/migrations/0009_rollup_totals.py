"""Rows of each node's total over priorities and areas (priority 0, area ""), so that a
read grouped by neither (by department, by month) reads one row per node and period
instead of eight: written for the rows already stored, one period at a time, as a rebuild
writes them."""

from django.db import migrations


def _add_totals(apps, schema_editor):
    # The product's own row code, as in 0008: the rows are summaries only it decodes.
    from precinct.dispatch import rollups

    table = rollups.TABLES[0]
    stored = table.model.objects.exclude(priority=rollups.ALL_PRIORITIES)
    for grain, period in sorted(set(stored.values_list("grain", "period").distinct())):
        parts = table.load_parts(stored.filter(grain=grain, period=period))
        table.save(rollups.totals_of(rollups.merge([table.empty(), *parts])))


def _remove_totals(apps, schema_editor):
    apps.get_model("dispatch", "ResponseRollup").objects.filter(priority=0).delete()


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0008_rollup_changes_appended")]

    operations = [migrations.RunPython(_add_totals, _remove_totals)]
