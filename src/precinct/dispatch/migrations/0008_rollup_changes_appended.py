"""Rollup rows that may repeat a key (a rebuilt day's change is appended to its month and
years, and merged later), and year rows made cumulative: "c" rows, everything from the
first call to the end of their year, so a run of whole years is one row minus another.

The year rows ("y") already stored become "c" rows in place: each year's rows are added to
the running sum of the years before it (fixed-bin summaries add exactly), a year at a time.
"""

from django.db import migrations, models


def _cumulate_year_rows(apps, schema_editor):
    # The product's own row code: the rows are binary summaries only it decodes. The
    # tables' columns at this point are those of the current models.
    from precinct.dispatch import rollups

    for table in rollups.TABLES:
        historical = apps.get_model("dispatch", table.model.__name__)
        years = sorted(
            historical.objects.filter(grain="y").values_list("period", flat=True).distinct()
        )
        so_far = table.empty()
        for year in years:
            stored = table.model.objects.filter(grain="y", period=year)
            of_year = rollups.merge([table.empty(), *table.load_parts(stored)])
            so_far = rollups.merge([so_far.moved(year, table.fields), of_year.moved(year, table.fields)])
            stored.delete()
            table.save(so_far)


class Migration(migrations.Migration):

    dependencies = [
        ('dispatch', '0007_precinct_rollups'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='precinctrollup',
            name='dispatch_precinct_rollup_key',
        ),
        migrations.RemoveConstraint(
            model_name='responserollup',
            name='dispatch_rollup_key',
        ),
        migrations.AddIndex(
            model_name='precinctrollup',
            index=models.Index(fields=['grain', 'period', 'department_id', 'precinct_id', 'priority'], name='dispatch_precinct_rollup_key'),
        ),
        migrations.AddIndex(
            model_name='responserollup',
            index=models.Index(fields=['grain', 'period', 'department_id', 'own', 'priority', 'area_type'], name='dispatch_rollup_key'),
        ),
        migrations.RunPython(_cumulate_year_rows, migrations.RunPython.noop),
    ]
