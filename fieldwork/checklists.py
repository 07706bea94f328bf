"""Checklist operations: revising a checklist (a new version) and checking answers by item type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cases.workflow import Photo
from fieldwork.models import NO, YES, Checklist, ChecklistItem, ChecklistVersion, ItemKind

MAX_TEXT = 500


def field_name(item: ChecklistItem) -> str:
    """The form field (and error key) of an item's answer."""
    return f"item_{item.pk}"


def checklist_revise(
    *, checklist: Checklist, items: Sequence[Mapping[str, Any]], actor: Any = None,
) -> ChecklistVersion:
    """A new version of ``checklist`` with these items; earlier versions and their answers stay as they were.

    Each item is a mapping of ``ChecklistItem`` fields (``label``, ``kind``, ``required``, ``options``…).
    """
    if not items:
        raise ValidationError({"items": [_("检查清单至少需要一个检查项。")]})
    with transaction.atomic():
        locked = Checklist.objects.select_for_update().get(pk=checklist.pk)
        number = (locked.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        version = ChecklistVersion.objects.create(checklist=locked, number=number, created_by=actor)
        for position, fields in enumerate(items):
            item = ChecklistItem(version=version, position=position * 10, **fields)
            item.full_clean(exclude=["version"])
            item.save()
    return version


def checklist_copy_version(*, version: ChecklistVersion, actor: Any = None) -> ChecklistVersion:
    """A new version that starts as a copy of ``version`` (the admin's "copy as a new version")."""
    with transaction.atomic():
        locked = Checklist.objects.select_for_update().get(pk=version.checklist_id)
        number = (locked.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        copy = ChecklistVersion.objects.create(checklist=locked, number=number, created_by=actor)
        for item in version.items.all():
            item.copy_to(copy).save()
    return copy


def _clean_one(item: ChecklistItem, raw: str, photos: Sequence[Photo]) -> str:
    """The stored answer to ``item``, or a ValidationError naming the item."""
    value = (raw or "").strip()
    name = {"item": item.display_label}
    if item.kind == ItemKind.PHOTO:
        if item.required and not photos:
            raise ValidationError(_("“%(item)s”需要拍照。") % name)
        return ""
    if not value:
        if item.required:
            raise ValidationError(_("请回答“%(item)s”。") % name)
        return ""
    if item.kind == ItemKind.YES_NO and value not in (YES, NO):
        raise ValidationError(_("“%(item)s”只能回答是或否。") % name)
    if item.kind == ItemKind.CHOICE and value not in item.options:
        raise ValidationError(_("“%(item)s”请选择给出的选项之一。") % name)
    if item.kind == ItemKind.NUMBER:
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValidationError(_("“%(item)s”须为数字。") % name) from None
        if not number.is_finite() or abs(number) >= Decimal("1e8"):
            raise ValidationError(_("“%(item)s”须为数字。") % name)
        value = str(number)
    return value[:MAX_TEXT]


def clean_answers(
    items: Sequence[ChecklistItem], raw: Mapping[str, str], photos: Mapping[str, Sequence[Photo]],
) -> dict[int, str]:
    """Answers by item id, checked by item type; one ValidationError naming every bad item."""
    cleaned: dict[int, str] = {}
    errors: dict[str, list[str]] = {}
    for item in items:
        name = field_name(item)
        try:
            cleaned[item.pk] = _clean_one(item, raw.get(name, ""), photos.get(name, ()))
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned
