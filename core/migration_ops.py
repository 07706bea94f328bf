"""Migration operations the apps share."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def drop_pattern_indexes(*fields: tuple[str, str, str]) -> migrations.RunPython:
    """Drop the second index PostgreSQL gets for each indexed char field given as (app, model, field).

    Beside the plain index, Django gives every ``db_index`` char field on PostgreSQL a
    ``varchar_pattern_ops`` index (``…_like``) for ``LIKE 'prefix%'``. Fields only ever compared
    whole (blind indexes, request ids, object ids) never use it, and every insert keeps it up to
    date: a change-log entry is written with every saved record. The model state is unchanged
    (the plain index stays); a later change of the field drops the index with ``IF EXISTS``. Other
    databases have no such index: nothing happens there. Reversed, the indexes come back.
    """

    def names(apps: Any, schema_editor: Any) -> list[tuple[str, str, str]]:
        found = []
        for app_label, model_name, field_name in fields:
            model = apps.get_model(app_label, model_name)
            table, column = model._meta.db_table, model._meta.get_field(field_name).column
            # Django names the index so (``BaseDatabaseSchemaEditor._create_index_name``, suffix "_like").
            found.append((schema_editor._create_index_name(table, [column], suffix="_like"), table, column))
        return found

    def drop(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        for name, _table, _column in names(apps, schema_editor):
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")

    def restore(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        for name, table, column in names(apps, schema_editor):
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} ({quote(column)} varchar_pattern_ops)")

    return migrations.RunPython(drop, restore, elidable=False)
