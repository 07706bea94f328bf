"""Which models are audited, and how a change becomes a ChangeLogEntry.

Models opt in with ``audit.registry.register(Model, area_code=...)`` in their app's
``ready()``. Signals capture the row before and after each save or delete; the entry is
written in the same transaction as the change. Bulk ``QuerySet.update()`` bypasses signals:
code that changes audited records in bulk must log through ``record`` itself.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone, translation

from audit.models import ChangeLogEntry
from core.bulk import write_rows
from core.request_context import current

AreaCodeOf = Callable[[Any], str]
_registry: dict[type[models.Model], AreaCodeOf] = {}
_excluded: dict[type[models.Model], frozenset[str]] = {}
_masked: dict[type[models.Model], dict[str, Callable[[Any], Any]]] = {}
_fields_logged: dict[type[models.Model], list[tuple[str, Callable[[Any], Any] | None]]] = {}
_named_with: dict[type[models.Model], tuple[str, ...]] = {}
_BEFORE = "_audit_before"


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a record as JSON-safe data."""
    values: dict[str, Any] = {}
    for attname, mask in _logged_fields(type(instance)):
        value = getattr(instance, attname)
        if mask is not None:
            value = mask(value)
        values[attname] = value if type(value) in _PLAIN else _json_safe(value)  # most are: no call
    return values


def _logged_fields(model: type[models.Model]) -> list[tuple[str, Callable[[Any], Any] | None]]:
    """(attname, mask or None) of each field a snapshot keeps, worked out once per model (bulk logging)."""
    fields = _fields_logged.get(model)
    if fields is None:
        excluded = _excluded.get(model, frozenset())
        masked = _masked.get(model, {})
        fields = _fields_logged[model] = [
            (field.attname, masked.get(field.attname)) for field in model._meta.concrete_fields
            # Encrypted personal data never reaches the log, even when a model forgets to exclude it.
            if field.attname not in excluded and not getattr(field, "personal_data", False)
        ]
    return fields


_PLAIN = frozenset({type(None), bool, int, float, str})


def _json_safe(value: Any) -> Any:
    if type(value) in _PLAIN:  # most values of a snapshot: checked once, not against every type
        return value
    if isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return str(value)


def record(
    instance: models.Model, action: str, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> None:
    context = current()
    user = context.user if context.user is not None and context.user.is_authenticated else None
    area_code_of = _registry.get(type(instance))
    ChangeLogEntry.objects.create(
        user=user,
        user_name=str(user) if user else "",
        request_id=context.request_id,
        remote_addr=context.remote_addr,
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=_label(instance),
        area_code=(area_code_of(instance) if area_code_of else "") or "",
        before=before,
        after=after,
    )


def _label(instance: models.Model) -> str:
    """The object's name in the site's language, whoever made the change (the log is one record)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(instance)[:200]


def _pre_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None or instance._state.adding:
        setattr(instance, _BEFORE, None)
        return
    stored = sender._default_manager.filter(pk=instance.pk).first()
    setattr(instance, _BEFORE, snapshot(stored) if stored else None)


def _post_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    before = getattr(instance, _BEFORE, None)
    after = snapshot(instance)
    if not created and _without_bookkeeping(sender, before) == _without_bookkeeping(sender, after):
        return
    record(instance, "create" if created else "update", None if created else before, after)


def _without_bookkeeping(model: type[models.Model], values: dict[str, Any] | None) -> dict[str, Any] | None:
    """Values minus fields refreshed on every save (auto_now, e.g. updated_at): no change by themselves."""
    if values is None:
        return None
    automatic = {f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)}
    return {name: value for name, value in values.items() if name not in automatic}


def _post_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    record(instance, "delete", snapshot(instance), None)


def _m2m_changed(sender: Any, instance: models.Model, action: str, reverse: bool, **kwargs: Any) -> None:
    if reverse or type(instance) not in _registry:
        return
    field = next(f for f in instance._meta.many_to_many if f.remote_field.through is sender)
    if action == "pre_clear":
        ids = sorted(str(pk) for pk in getattr(instance, field.name).values_list("pk", flat=True))
        setattr(instance, f"_audit_clear_{field.name}", ids)
        return
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    after_ids = sorted(str(pk) for pk in getattr(instance, field.name).values_list("pk", flat=True))
    pk_set = {str(pk) for pk in (kwargs.get("pk_set") or set())}
    if action == "post_add":
        before_ids = sorted(set(after_ids) - pk_set)
    elif action == "post_remove":
        before_ids = sorted(set(after_ids) | pk_set)
    else:
        before_ids = getattr(instance, f"_audit_clear_{field.name}", [])
    record(instance, "update", {field.name: before_ids}, {field.name: after_ids})


def register(
    model: type[models.Model], area_code: AreaCodeOf | None = None, exclude: tuple[str, ...] = (),
    mask: dict[str, Callable[[Any], Any]] | None = None, named_with: tuple[str, ...] = (),
) -> None:
    """Audit every create/update/delete of ``model``.

    ``area_code`` scopes its log entries; ``exclude`` names fields never logged (secrets,
    bookkeeping such as ``last_login``); ``mask`` maps a field to the function that turns its
    value into what the log may keep (a change still shows, the value does not);
    ``named_with`` lists the relations its ``__str__`` reads (``select_related`` paths), so
    that the log page names a page of such records in one query (``audit.display``).
    """
    _registry[model] = area_code or (lambda instance: "")
    _named_with[model] = tuple(named_with)
    _excluded[model] = frozenset(exclude)
    _masked[model] = dict(mask or {})
    _fields_logged.pop(model, None)
    uid = f"audit-{model._meta.label}"
    pre_save.connect(_pre_save, sender=model, dispatch_uid=f"{uid}-pre")
    post_save.connect(_post_save, sender=model, dispatch_uid=f"{uid}-post")
    post_delete.connect(_post_delete, sender=model, dispatch_uid=f"{uid}-delete")
    for field in model._meta.many_to_many:
        through = field.remote_field.through
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"{uid}-m2m-{field.name}")


def is_audited(model: type[models.Model]) -> bool:
    return model in _registry


def named_with(model: type[models.Model]) -> tuple[str, ...]:
    """The relations ``str()`` of a record of ``model`` reads (given to ``register``)."""
    return _named_with.get(model, ())


def record_created_in_bulk(instances: Sequence[models.Model], batch_size: int = 500) -> None:
    """One "create" entry per saved instance, written in bulk: ``bulk_create`` sends no signals,
    so code that inserts audited rows that way logs them through this, exactly as ``record`` would."""
    record_in_bulk([(instance, "create", None, snapshot(instance)) for instance in instances], batch_size)


Change = tuple[models.Model, str, dict[str, Any] | None, dict[str, Any] | None]


def record_in_bulk(changes: Sequence[Change], batch_size: int = 500) -> None:
    """One entry per (instance, action, before, after), written in bulk, exactly as ``record`` would.

    For ``bulk_create``/``bulk_update``, which send no signals: the caller takes ``snapshot``
    before and after the change (or, for a many-to-many field, ``{field: sorted ids}`` as the
    signal handler logs it).
    """
    if not changes:
        return
    context = current()
    user = context.user if context.user is not None and context.user.is_authenticated else None
    connection = connections[router.db_for_write(ChangeLogEntry)]
    fields = {field.attname: field for field in ChangeLogEntry._meta.concrete_fields if not field.primary_key}
    before_field, after_field = fields["before"], fields["after"]
    # The columns every entry of the batch shares, prepared once (the time as ``auto_now_add`` would).
    shared = {
        "time": fields["time"].get_db_prep_save(timezone.now(), connection), "user_id": user.pk if user else None,
        "user_name": str(user) if user else "", "request_id": context.request_id,
        "remote_addr": context.remote_addr,
    }
    content_types: dict[type[models.Model], int] = {}
    rows = []
    with translation.override(settings.LANGUAGE_CODE):  # as _label, once for the batch
        for instance, action, before, after in changes:
            model = type(instance)
            if model not in content_types:
                content_types[model] = ContentType.objects.get_for_model(model).pk
            area_code_of = _registry.get(model)
            values = {
                **shared, "action": action, "content_type_id": content_types[model], "object_id": str(instance.pk),
                "object_repr": str(instance)[:200], "area_code": (area_code_of(instance) if area_code_of else "") or "",
                "before": before_field.get_db_prep_save(before, connection),
                "after": after_field.get_db_prep_save(after, connection),
            }
            rows.append([values[name] for name in fields])
    # Written as ``save()`` would prepare the values, without the ORM's per-value statement building
    # (COPY on PostgreSQL, see ``core.bulk.write_rows``); the ids are not read back (nothing refers
    # to a log entry).
    write_rows(connection, ChangeLogEntry._meta.db_table, [field.column or name for name, field in fields.items()],
               rows, batch_size)
