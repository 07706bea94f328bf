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

import datetime
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Leave the objects that exist now out of the garbage collector's full passes while the
    block runs (``gc.freeze``), and put them back afterwards (``gc.unfreeze``).

    A large import allocates hundreds of thousands of objects, so the collector runs its full
    pass several times, and each one walks every object of the process (Django's modules,
    models, URL patterns…): a quarter of a roster's dry run went there. Objects made inside
    the block are collected as always; frozen ones only wait until the block ends.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def instance_maker(model: type[M]) -> Callable[..., M]:
    """A function that makes ``model(**values)``, the same unsaved instance, for thousands of them.

    ``Model.__init__`` with keyword arguments looks every field up among them; given every
    concrete field's value in order it only sets them. The maker passes them so: the given
    values, each other field's default as ``__init__`` would take it (a callable default is
    called for each instance), and a related object (``grid=area``) through its descriptor
    afterwards, as ``__init__`` sets it. Only concrete fields may be given (``TypeError`` else).
    """
    slots: list[tuple[str, str | None, Any, Callable[[], Any] | None]] = []
    related: list[str] = []
    for field in model._meta.concrete_fields:
        name = field.name if field.is_relation else None
        factory = field.get_default if field.has_default() and callable(field.default) else None
        slots.append((field.attname, name, None if factory is not None else field.get_default(), factory))
        if name is not None:
            related.append(name)
    known = {attname for attname, _name, _default, _factory in slots} | set(related)

    def make(**values: Any) -> M:
        if not values.keys() <= known:
            raise TypeError(f"{model.__name__}() got unexpected keyword arguments: {sorted(values.keys() - known)}")
        args: list[Any] = []
        for attname, name, constant, factory in slots:
            if name is not None and name in values:
                args.append(None)  # set through the descriptor below
            elif attname in values:
                args.append(values[attname])
            else:
                args.append(factory() if factory is not None else constant)
        instance = model(*args)
        for name in related:
            if name in values:
                setattr(instance, name, values[name])
        return instance

    return make


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
    prepare_related = _related_preparer(model)
    for instance in instances:
        prepare_related(instance)
    if connection.vendor == "postgresql":
        _insert_with_keys(connection, model, instances, fields, batch_size)
    else:
        _insert_returning_keys(connection, model, instances, fields, batch_size)
    for instance in instances:
        instance._state.adding = False
        instance._state.db = alias
    return list(instances)


def _related_preparer(model: type[models.Model]) -> Callable[[models.Model], None]:
    """What ``Model._prepare_related_fields_for_save`` does before a save, worked out once per model.

    A related object assigned before it was saved (a new household for a new member) gives the
    instance its key now; one still unsaved is refused (``ValueError``, as ``save()`` refuses it);
    a cached object whose key no longer matches is forgotten. Done here with one dictionary look-up
    per relation instead of Django's descriptors, which ask the database router on every
    assignment. Models with one-to-one, multi-column or generic relations take Django's own method.
    """
    def django(instance: models.Model) -> None:
        instance._prepare_related_fields_for_save(operation_name="insert_rows")  # type: ignore[attr-defined]

    meta = model._meta
    if any(field.is_relation for field in meta.private_fields):
        return django
    relations: list[tuple[str, str, str, str, list[Any]]] = []
    for concrete in meta.concrete_fields:
        if not concrete.is_relation:
            continue
        field: Any = concrete  # a ForeignKey (its relation attributes are not in the stubs' Field)
        if not field.remote_field.multiple or len(field.related_fields) != 1:
            return django
        relations.append((field.name, field.cache_name, field.attname, field.target_field.attname,
                          list(field.empty_values)))

    def prepare(instance: models.Model) -> None:
        cache = instance._state.fields_cache  # type: ignore[attr-defined]
        for name, cache_name, attname, target, empty in relations:
            related = cache.get(cache_name)
            if related is None:
                continue
            key = getattr(related, target)
            if not related._is_pk_set():
                raise ValueError(
                    f"insert_rows() prohibited to prevent data loss due to unsaved related object '{name}'.")
            value = instance.__dict__.get(attname)
            if value in empty:
                instance.__dict__[attname] = key  # as the descriptor sets it (setting ``attname`` would drop the cache)
            elif key != value:
                del cache[cache_name]

    return prepare


def _plain_text(field: Any) -> bool:
    """Whether ``save()`` writes the field's ``str`` value as it is: a char or text field that
    overrides none of the steps (``pre_save``, ``get_db_prep_save``, ``get_db_prep_value``,
    ``get_prep_value``, ``to_python``). Encrypted fields override them and are never plain."""
    kind = type(field)
    return (
        kind.pre_save is models.Field.pre_save and kind.get_db_prep_save is models.Field.get_db_prep_save
        and kind.get_db_prep_value is models.Field.get_db_prep_value
        and (kind.get_prep_value, kind.to_python) in {
            (models.CharField.get_prep_value, models.CharField.to_python),
            (models.TextField.get_prep_value, models.TextField.to_python),
        }
    )


_STEPS = ("get_db_prep_save", "get_db_prep_value", "get_prep_value", "to_python")


def _behaves_as(field: Any, base: type[models.Field[Any, Any]]) -> bool:
    """Whether the field's class prepares values exactly as ``base`` does (overrides none of its steps)."""
    kind = type(field)
    return isinstance(field, base) and all(getattr(kind, step) is getattr(base, step) for step in _STEPS)


Convert = Callable[[Any], Any]


def _converter(field: Any, connection: Any) -> Convert:
    """``field.get_db_prep_save(value, connection)`` for a value ``pre_save`` returned, with the
    common cases of Django's own fields done directly, as those steps do them (a roster's commit
    prepares a quarter of a million values): ``None`` and a ``str`` (a choice too) in a plain text
    field, an ``int`` in an integer field or a key, a ``bool``, a ``date``, an aware ``datetime``.
    Any other value, and every value of any other field (encrypted ones, JSON…), takes the full path."""
    def slow(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    ops = connection.ops
    if _plain_text(field):
        # Any str (also a TextChoices member) comes out of ``to_python`` as it is.
        return lambda value: value if isinstance(value, str) or value is None else slow(value)
    if type(field).get_db_prep_save is models.ForeignKey.get_db_prep_save:
        target = _converter(field.target_field, connection)
        return lambda value: None if value is None else target(value) if type(value) is int else slow(value)
    if _behaves_as(field, models.AutoField):  # also BigAutoField, SmallAutoField (the same steps)
        return lambda value: ops.validate_autopk_value(value) if type(value) is int else slow(value)
    if _behaves_as(field, models.IntegerField):  # and the small, big and positive ones
        internal_type = field.get_internal_type()
        return lambda value: (ops.adapt_integerfield_value(value, internal_type)
                              if type(value) is int or value is None else slow(value))
    if _behaves_as(field, models.BooleanField):
        return lambda value: value if type(value) is bool or value is None else slow(value)
    if _behaves_as(field, models.DateTimeField):
        return lambda value: (ops.adapt_datetimefield_value(value)
                              if value is None or (type(value) is datetime.datetime and timezone.is_aware(value))
                              else slow(value))
    if _behaves_as(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return lambda value: (ops.adapt_datefield_value(value)
                              if value is None or type(value) is datetime.date else slow(value))
    return slow


Step = Callable[[models.Model], Any]


def _step(field: Any, connection: Any) -> Step:
    """The value ``save()`` would write for the field of an instance being added: ``pre_save``
    (``add=True``) then ``get_db_prep_save``, through ``_converter``. ``auto_now``/``auto_now_add``
    times are set on the instance as their ``pre_save`` sets them."""
    attname, convert = field.attname, _converter(field, connection)
    kind = type(field)
    if kind.pre_save is models.Field.pre_save:
        return lambda instance: convert(getattr(instance, attname))
    if (kind.pre_save is models.DateTimeField.pre_save and (field.auto_now or field.auto_now_add)
            and _behaves_as(field, models.DateTimeField)):
        def stamped(instance: models.Model) -> Any:
            value = timezone.now()
            setattr(instance, attname, value)
            return convert(value)

        return stamped
    return lambda instance: convert(field.pre_save(instance, True))


def _preparer(fields: list[Any], connection: Any) -> Callable[[models.Model], list[Any]]:
    """The values of an instance as ``save()`` prepares them for the database (``pre_save`` with
    ``add=True``, then ``get_db_prep_save``), one ``_step`` per field worked out once per insert."""
    steps = [_step(field, connection) for field in fields]

    def prepared(instance: models.Model) -> list[Any]:
        return [step(instance) for step in steps]

    return prepared


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
    prepared = _preparer(fields, connection)
    write_rows(connection, meta.db_table, columns,
               ([instance.pk, *prepared(instance)] for instance in instances), batch_size)


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
    prepared = _preparer(fields, connection)
    with connection.cursor() as cursor:
        for start in range(0, len(instances), size):
            batch = instances[start:start + size]
            params: list[Any] = []
            for instance in batch:
                params.extend(prepared(instance))
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([one_row] * len(batch))} "
                f"RETURNING {quote(pk.column or pk.attname)}",
                params,
            )
            for instance, (key,) in zip(batch, cursor.fetchall(), strict=True):
                setattr(instance, pk.attname, key)
