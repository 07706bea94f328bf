"""Inserting many new rows of one model fast, for imports that write tens of thousands at once.

``QuerySet.bulk_create`` builds each value of each row through the SQL compiler (expression
checks, per-value SQL fragments); for a 10,000-row roster that costs more than everything else a
commit does. ``insert_rows`` prepares each value as ``save()`` would (``pre_save`` with
``add=True``, then ``get_db_prep_save``: auto-now times, encryption of encrypted fields) and
gives every instance its primary key, like ``bulk_create``. On PostgreSQL the keys are drawn from
the table's sequence and the rows sent
with ``executemany`` (a statement with thousands of placeholders costs psycopg more to parse
than to send); on SQLite one multi-row ``INSERT … RETURNING`` per batch.

What it does not do, as ``bulk_create`` does not either: send signals, call ``save()`` or
``clean()``. Models with database defaults or generated fields are refused (their values would
have to be read back).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin

M = TypeVar("M", bound=models.Model)


def insert_rows(instances: Sequence[M], batch_size: int = 500) -> list[M]:
    """INSERT the (unsaved) instances, all of one model, and set their primary keys; returns them."""
    if not instances:
        return list(instances)
    model = type(instances[0])
    meta = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    pk = meta.pk
    assert pk is not None
    fields = [field for field in meta.concrete_fields
              if not (field.primary_key and isinstance(field, AutoFieldMixin))]
    if any(getattr(field, "db_default", models.NOT_PROVIDED) is not models.NOT_PROVIDED
           or getattr(field, "generated", False) for field in fields):
        raise ValueError(f"insert_rows cannot insert {meta.label}: it has database defaults or generated fields")
    for instance in instances:
        instance._prepare_related_fields_for_save(operation_name="insert_rows")  # type: ignore[attr-defined]
    if connection.vendor == "postgresql":
        _insert_with_keys(connection, model, instances, fields, batch_size)
    else:
        _insert_returning_keys(connection, model, instances, fields, batch_size)
    for instance in instances:
        instance._state.adding = False
        instance._state.db = alias
    return list(instances)


def _prepared(instance: models.Model, fields: list[Any], connection: Any) -> list[Any]:
    return [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]


def _insert_with_keys(connection: Any, model: type[models.Model], instances: Sequence[models.Model],
                      fields: list[Any], batch_size: int) -> None:
    """PostgreSQL: the keys are drawn from the table's sequence first, then the rows are copied in."""
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    key = pk.column or pk.attname
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [connection.ops.quote_name(meta.db_table), key, len(instances)])
        for instance, (value,) in zip(instances, cursor.fetchall(), strict=True):
            setattr(instance, pk.attname, value)
    columns = [key, *(field.column or field.attname for field in fields)]
    write_rows(connection, meta.db_table, columns,
               ([instance.pk, *_prepared(instance, fields, connection)] for instance in instances), batch_size)


def write_rows(connection: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
               batch_size: int = 500) -> None:
    """Write rows of values already prepared for the database (``get_db_prep_save``) into a table.

    PostgreSQL: ``COPY … FROM STDIN`` (psycopg 3). A client-side ``executemany`` interpolates every
    row into SQL text, which costs more than the rest of a large import. Elsewhere: ``executemany``
    of one short ``INSERT`` per ``batch_size`` rows.
    """
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    if connection.vendor == "postgresql":
        with connection.cursor() as wrapper, wrapper.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    batch: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _insert_returning_keys(connection: Any, model: type[models.Model], instances: Sequence[models.Model],
                           fields: list[Any], batch_size: int) -> None:
    """SQLite: multi-row ``INSERT … RETURNING`` (the keys come back in the rows' order, as
    ``bulk_create`` relies on too), batches kept under the database's variable limit."""
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column or field.attname) for field in fields)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(batch_size, connection.ops.bulk_batch_size(fields, instances)))
    with connection.cursor() as cursor:
        for start in range(0, len(instances), size):
            batch = instances[start:start + size]
            params: list[Any] = []
            for instance in batch:
                params.extend(_prepared(instance, fields, connection))
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([one_row] * len(batch))} "
                f"RETURNING {quote(pk.column or pk.attname)}",
                params,
            )
            for instance, (key,) in zip(batch, cursor.fetchall(), strict=True):
                setattr(instance, pk.attname, key)
