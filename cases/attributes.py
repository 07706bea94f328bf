"""The extra typed questions of a category (``CategoryAttribute``): checking the answers."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.models import AttributeKind, Category, CategoryAttribute


def field_name(attribute: CategoryAttribute) -> str:
    """The form field (and error key) of an attribute."""
    return f"attr_{attribute.code}"


def _clean_number(raw: Any) -> float:
    """A finite number: NaN and the infinities ("nan", "Infinity", "-inf", "1e999") are refused,
    as JSON, and PostgreSQL's jsonb with it, has no place for them."""
    try:
        number = Decimal(str(raw).strip())
        if number.is_nan():
            raise ValueError
        value = float(number)
    except (InvalidOperation, ValueError):
        raise ValidationError(_("请填写数字。")) from None
    if not math.isfinite(value):
        raise ValidationError(_("数值超出范围。"))
    return value


def _clean_one(attribute: CategoryAttribute, raw: Any) -> Any:
    if attribute.kind == AttributeKind.NUMBER:
        return _clean_number(raw)
    if attribute.kind == AttributeKind.DATE:
        try:
            return datetime.date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise ValidationError(_("请填写日期，格式如 2026-10-01。")) from None
    if attribute.kind == AttributeKind.CHOICE:
        if str(raw) not in attribute.option_list:
            raise ValidationError(_("请从选项中选择。"))
        return str(raw)
    if attribute.kind == AttributeKind.MULTIPLE:
        values = [str(value) for value in (raw if isinstance(raw, list | tuple) else [raw])]
        if any(value not in attribute.option_list for value in values):
            raise ValidationError(_("请从选项中选择。"))
        return values
    return str(raw).strip()[:500]


def _is_empty(raw: Any) -> bool:
    return raw is None or raw == "" or raw == [] or (isinstance(raw, str) and not raw.strip())


def clean_attributes(category: Category, raw: dict[str, Any] | None) -> dict[str, Any]:
    """Check answers (keyed by attribute code) against the category; errors name the field.

    Unknown keys are dropped; required attributes must be answered.
    """
    raw = raw or {}
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for attribute in category.attributes.all():
        value = raw.get(attribute.code)
        if _is_empty(value):
            if attribute.required:
                errors[field_name(attribute)] = [_("请填写“%(label)s”。") % {"label": attribute.display_label}]
            continue
        try:
            cleaned[attribute.code] = _clean_one(attribute, value)
        except ValidationError as error:
            errors[field_name(attribute)] = [f"{attribute.display_label}：{message}" for message in error.messages]
    if errors:
        raise ValidationError(errors)
    return cleaned
