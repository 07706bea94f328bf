"""Monthly slices at every area level (province, city, district, street, community): the
community slices already there are summed into the coarser levels, so a district's statistics
read the district's rows."""

from typing import Any

from django.db import migrations, models

KEY = ("id", "month", "area_code", "dimension", "value", "level")
COARSER_LEVELS = (2, 4, 6, 9)


def sum_coarser_levels(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("cases", "CaseRollupSlice")
    quote = schema_editor.quote_name
    table = quote(model._meta.db_table)
    counters = [quote(field.column) for field in model._meta.concrete_fields if field.name not in KEY]
    for level in COARSER_LEVELS:
        schema_editor.execute(
            f"INSERT INTO {table} (month, area_code, dimension, value, level, {', '.join(counters)}) "
            f"SELECT month, SUBSTR(area_code, 1, {level}), dimension, value, {level}, "
            f"{', '.join(f'SUM({name})' for name in counters)} FROM {table} WHERE level = 12 "
            f"GROUP BY month, SUBSTR(area_code, 1, {level}), dimension, value"
        )


def create_statistics(apps: Any, schema_editor: Any) -> None:
    """On PostgreSQL, tell the planner how dimension, level and area go together: without it a
    district's 58,000 unit slices were estimated at 1,000 and the listed units' rows were found
    by filtering all of them instead of through their own index."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE STATISTICS IF NOT EXISTS caserollupslice_area_stats (dependencies, mcv) "
            "ON dimension, level, area_code FROM cases_caserollupslice"
        )


def drop_statistics(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS caserollupslice_area_stats")


def drop_coarser_levels(apps: Any, schema_editor: Any) -> None:
    apps.get_model("cases", "CaseRollupSlice").objects.exclude(level=12).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0015_partition_big_tables'),
    ]

    operations = [
        # The rows before this migration are the community's (the default level, 12).
        migrations.RemoveConstraint(
            model_name='caserollupslice',
            name='caserollupslice_key',
        ),
        migrations.RemoveIndex(
            model_name='caserollupslice',
            name='caserollupslice_dim_area',
        ),
        migrations.AddField(
            model_name='caserollupslice',
            name='level',
            field=models.PositiveSmallIntegerField(default=12, verbose_name='编码长度'),
        ),
        migrations.AlterField(
            model_name='caserollupslice',
            name='area_code',
            field=models.CharField(max_length=12, verbose_name='区域编码'),
        ),
        migrations.AddIndex(
            model_name='caserollupslice',
            index=models.Index(
                fields=['dimension', 'level', 'area_code', 'month'], name='caserollupslice_level',
                include=['value', 'reported'],
            ),
        ),
        migrations.AddIndex(
            model_name='caserollupslice',
            index=models.Index(fields=['dimension', 'level', 'value', 'month'], name='caserollupslice_value'),
        ),
        migrations.AddConstraint(
            model_name='caserollupslice',
            constraint=models.UniqueConstraint(fields=('month', 'area_code', 'dimension', 'value', 'level'), name='caserollupslice_key'),
        ),
        migrations.RunPython(sum_coarser_levels, drop_coarser_levels, elidable=True),
        migrations.RunPython(create_statistics, drop_statistics),
    ]
