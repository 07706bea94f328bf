"""Writing generated rows fast: PostgreSQL ``COPY``, ``bulk_create`` elsewhere.

A ``TableWriter`` takes plain tuples in the order of the columns it was given and fills every
other column with the field's default (``created_at``/``updated_at`` with one fixed moment), so
the generator never builds a model instance on PostgreSQL. Values are prepared by the model's own
fields where storage differs from Python (``EncryptedCharField`` encrypts exactly as on save,
JSON is serialised); blind-index columns are the caller's to fill (``registry.pii.index_value``),
as ``bulk_create`` requires everywhere.
"""

from __future__ import annotations

import contextlib
import datetime
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, models

from registry.fields import EncryptedCharField

__all__ = ["TableWriter", "analyze", "next_ids", "reset_sequences", "uses_copy", "without_secondary_indexes"]


def uses_copy() -> bool:
    return connection.vendor == "postgresql"


class TableWriter:
    """Insert rows of one model; ``columns`` are attribute names (``grid_id``, not ``grid``)."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], *, now: datetime.datetime) -> None:
        fields = {field.attname: field for field in model._meta.concrete_fields}
        unknown = [name for name in columns if name not in fields]
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {unknown}")
        self.model = model
        self.columns = list(columns)
        self.fields = [fields[name] for name in self.columns]
        # Columns not given: a constant default (TimeStampedModel's auto_now ones: ``now``).
        self.rest = [field for name, field in fields.items() if name not in self.columns and not field.primary_key]
        self.rest_values = [self._default(field, now) for field in self.rest]
        self.rows = 0

    @staticmethod
    def _default(field: models.Field[Any, Any], now: datetime.datetime) -> Any:
        if field.name in ("created_at", "updated_at"):
            return now
        value = field.get_default()
        if value is None and not field.null:
            raise ValueError(f"{field.model.__name__}.{field.name} needs a value: it has no default")
        return value

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        batch = list(rows)
        if not batch:
            return 0
        if uses_copy():
            self._copy(batch)
        else:
            self._bulk_create(batch)
        self.rows += len(batch)
        return len(batch)

    def _copy(self, batch: list[Sequence[Any]]) -> None:
        fields = self.fields + self.rest
        names = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
        prepare = [self._preparer(field) for field in fields]
        rest = [prepare[len(self.fields) + index](value) for index, value in enumerate(self.rest_values)]
        table = connection.ops.quote_name(self.model._meta.db_table)
        given = range(len(self.fields))
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor  # psycopg 3
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row([prepare[i](row[i]) for i in given] + rest)

    @staticmethod
    def _preparer(field: models.Field[Any, Any]) -> Any:
        if isinstance(field, EncryptedCharField):
            return lambda value: field.get_db_prep_save(value, connection)
        if isinstance(field, models.JSONField):
            return lambda value: json.dumps(value, ensure_ascii=False)
        return lambda value: value

    def _bulk_create(self, batch: list[Sequence[Any]]) -> None:
        names = [field.attname for field in self.rest]
        objects = [
            self.model(**dict(zip(self.columns, row, strict=True)), **dict(zip(names, self.rest_values, strict=True)))
            for row in batch
        ]
        self.model._default_manager.bulk_create(objects, batch_size=500)


def next_ids(*models_: type[models.Model]) -> dict[type[models.Model], int]:
    """The first free primary key of each model (the generator assigns keys itself)."""
    result = {}
    for model in models_:
        top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
        result[model] = (top or 0) + 1
    return result


def reset_sequences(*models_: type[models.Model]) -> None:
    """After rows were written with explicit keys, move PostgreSQL's sequences past them."""
    if not uses_copy():
        return
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            column = model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE((SELECT MAX({column}) FROM "
                f"{connection.ops.quote_name(table)}), 0) + 1, false)",
                [table, column],
            )


def analyze() -> None:
    """After a bulk load, give PostgreSQL's planner statistics (what autovacuum would do later).

    Without them a fresh city is planned as if its tables were empty: the Open311 feed's
    per-case subqueries walked the whole event table through its time index (9 s at 20,000
    cases instead of 14 ms).
    """
    if uses_copy():
        # The project's tables by name: a bare ANALYZE also analyses the catalogs shared by every
        # database of the server, and holds their locks to the end of the caller's transaction
        # (a test's whole module), which stalls CREATE and DROP DATABASE of any other session.
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(table) for table in sorted(tables)))


@contextlib.contextmanager
def without_secondary_indexes(*models_: type[models.Model]) -> Iterator[int]:
    """On PostgreSQL, drop the models' tables' indexes that back no constraint (not the primary
    key or a unique constraint) for the duration, and create them again after: one sort per
    index at the end instead of index maintenance on every row copied. Inside the caller's
    transaction, so an error leaves the indexes as they were. Yields how many were dropped."""
    if not uses_copy():
        yield 0
        return
    tables = [model._meta.db_table for model in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT index.relname, pg_get_indexdef(index.oid)
               FROM pg_index x JOIN pg_class index ON index.oid = x.indexrelid
               JOIN pg_class tab ON tab.oid = x.indrelid
               WHERE tab.relname = ANY(%s) AND tab.relnamespace = current_schema()::regnamespace
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield len(indexes)
    with connection.cursor() as cursor:
        # The copied rows' foreign-key checks (deferred to the commit) must run before a table's
        # index may be built in the same transaction; Django's constraints are deferred again after.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in indexes:
            # A partitioned table's index reads "ON ONLY parent": made so, it would stay invalid
            # with no index on any partition. Without ONLY it is made on every partition too.
            cursor.execute(definition.replace(" ON ONLY ", " ON ", 1))
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
