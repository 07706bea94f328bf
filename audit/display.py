"""How a change-log entry reads on a page: field labels, values in words, linked records.

The log stores raw column values (``id_card``, ``M``, ``true``, UTC timestamps, foreign-key
ids). A reader needs what the record's own pages show, so a value is shown through its model
field: a choice by its label, a boolean as 是/否, a timestamp in the site's time zone, a
foreign key (or a many-to-many list) by the related record's name, linked to its page
(``get_absolute_url``) when the reader may see it. Everything comes from the models' ``_meta``
and the related model's own ``visible_to`` — ``audit`` imports no domain app.

Related records are fetched once per related model for a whole page of entries
(``EntryFormatter``), never per row. A record the reader may not see, or one deleted since,
is named by its kind and number only (``居民 #17``), which the entry already carried.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import ChangeLogEntry
from audit.registry import named_with

VALUE_PREVIEW_LENGTH = 300
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

# Keys that operations log beside the model's own fields.
EXTRA_LABELS = {"verification_note": gettext_lazy("核实说明")}

Reference = tuple[type[models.Model], str]


@dataclass(frozen=True)
class Shown:
    """A value as the page shows it: text, and the address of the record it names (if any)."""

    text: str
    url: str = ""


@dataclass(frozen=True)
class FieldChange:
    """One changed field of an entry, as shown in its before/after diff."""

    label: str
    before: list[Shown]
    after: list[Shown]


@dataclass(frozen=True)
class EntryRow:
    entry: ChangeLogEntry
    type_label: str
    record: Shown
    changes: list[FieldChange]


def model_field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    """The field a logged key stands for (a column's ``attname`` or a many-to-many name)."""
    if model is None:
        return None
    for field in model._meta.concrete_fields:
        if field.attname == name:
            return field
    for m2m in model._meta.many_to_many:
        if m2m.name == name:
            return m2m  # type: ignore[return-value]
    return None


def field_label(model: type[models.Model] | None, name: str) -> str:
    """A logged key in words: the field's verbose name, in the active language."""
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    field = model_field(model, name)
    return str(field.verbose_name) if field is not None else name


def bookkeeping_fields(model: type[models.Model] | None) -> set[str]:
    """Fields the database keeps up to date by itself (``updated_at``): noise in a diff."""
    if model is None:
        return set()
    return {field.attname for field in model._meta.concrete_fields if getattr(field, "auto_now", False)}


def changed_field_labels(entry: ChangeLogEntry) -> list[str]:
    """The verbose names of the fields an entry changed, in the active language (bookkeeping fields left out)."""
    model = entry.content_type.model_class()
    hidden = bookkeeping_fields(model)
    return [field_label(model, name) for name in entry.changed_fields() if name not in hidden]


def _related_model(field: models.Field[Any, Any] | None) -> type[models.Model] | None:
    if field is None or not (field.many_to_one or field.one_to_one or field.many_to_many):
        return None
    related = field.related_model
    return related if isinstance(related, type) else None


def _references(field: models.Field[Any, Any] | None, value: Any) -> list[Reference]:
    related = _related_model(field)
    if related is None or value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [(related, str(pk)) for pk in values]


def _local_time(value: str) -> str:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime(TIME_FORMAT)


def _plain(field: models.Field[Any, Any] | None, value: Any) -> str:
    """A value without related records, through its field: choice label, 是/否, local time."""
    if field is not None and field.choices and not isinstance(value, list | dict):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        return _local_time(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text[:VALUE_PREVIEW_LENGTH] + "…" if len(text) > VALUE_PREVIEW_LENGTH else text


def _valid_keys(model: type[models.Model], pks: set[str]) -> list[Any]:
    """The logged keys that can be primary keys of ``model`` (a stale or odd value is skipped)."""
    keys = []
    for pk in pks:
        try:
            keys.append(model._meta.pk.to_python(pk))  # type: ignore[union-attr]
        except ValidationError:
            continue
    return keys


class EntryFormatter:
    """Formats a page of entries for one reader, fetching the records they name in bulk."""

    def __init__(self, entries: Iterable[ChangeLogEntry], viewer: Any) -> None:
        self.entries = list(entries)
        self.viewer = viewer
        self.names: dict[Reference, Shown] = {}
        wanted: dict[type[models.Model], set[str]] = defaultdict(set)
        for entry in self.entries:
            model = entry.content_type.model_class()
            if model is not None and hasattr(model, "get_absolute_url") and entry.action != "delete":
                wanted[model].add(entry.object_id)
            for name in entry.changed_fields():
                field = model_field(model, name)
                for side in (entry.before or {}, entry.after or {}):
                    for related, pk in _references(field, side.get(name)):
                        wanted[related].add(pk)
        for related, pks in wanted.items():
            self._fetch(related, pks)

    def _fetch(self, model: type[models.Model], pks: set[str]) -> None:
        """Name and link the records the reader may see (``visible_to``, where the model has it)."""
        queryset: Any = model._default_manager.select_related(*named_with(model))
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(self.viewer)
        for record in queryset.filter(pk__in=_valid_keys(model, pks)):
            url = record.get_absolute_url() if hasattr(record, "get_absolute_url") else ""
            self.names[(model, str(record.pk))] = Shown(str(record), url)

    def _name(self, reference: Reference) -> Shown:
        model, pk = reference
        found = self.names.get(reference)
        return found if found else Shown(f"{model._meta.verbose_name} #{pk}")

    def shown(self, model: type[models.Model] | None, values: dict[str, Any] | None, name: str) -> list[Shown]:
        if values is None or values.get(name) is None or values.get(name) == []:
            return [Shown("—")]
        field = model_field(model, name)
        references = _references(field, values[name])
        if references:
            return [self._name(reference) for reference in references]
        return [Shown(_plain(field, values[name]))]

    def row(self, entry: ChangeLogEntry) -> EntryRow:
        model = entry.content_type.model_class()
        hidden = bookkeeping_fields(model)
        changes = [
            FieldChange(field_label(model, name), self.shown(model, entry.before, name),
                        self.shown(model, entry.after, name))
            for name in entry.changed_fields()
            if name not in hidden
        ]
        label = str(model._meta.verbose_name) if model else entry.content_type.model
        found = self.names.get((model, entry.object_id)) if model else None
        record = Shown(entry.object_repr, found.url if found else "")
        return EntryRow(entry=entry, type_label=label, record=record, changes=changes)

    def rows(self) -> list[EntryRow]:
        return [self.row(entry) for entry in self.entries]
