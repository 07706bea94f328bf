"""Build the POST data of a Django admin form from the page the test client just fetched.

Tests then change only the fields they care about, as a user editing the form would.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Model


def _encode(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _offered(field: Any, value: Any) -> Any:
    values = value if isinstance(value, list | tuple) else [value]
    keys = [item.pk if isinstance(item, Model) else item for item in values]
    offered = {str(pk) for pk in field.queryset.filter(pk__in=keys).values_list("pk", flat=True)}
    kept = [str(key) for key in keys if str(key) in offered]
    return kept if isinstance(value, list | tuple) else (kept[0] if kept else "")


def _form_fields(form: Any, data: dict[str, Any]) -> None:
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled:
            continue
        if isinstance(value, bool) or getattr(field.widget, "input_type", None) == "checkbox":
            if value:
                data[form.add_prefix(name)] = "on"
            continue
        if hasattr(value, "all"):
            value = list(value.all())
        if hasattr(field, "queryset") and value not in (None, ""):
            # A browser posts only the options the widget rendered: the visible choices.
            value = _offered(field, value)
        data[form.add_prefix(name)] = _encode(value)


def admin_form_data(response: Any) -> dict[str, Any]:
    """The values of the admin change form (and its inlines) in ``response``, ready to POST."""
    data: dict[str, Any] = {}
    _form_fields(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _form_fields(formset.management_form, data)
        for form in formset.forms:
            _form_fields(form, data)
    return data


def add_inline_row(data: dict[str, Any], prefix: str, row: dict[str, Any]) -> dict[str, Any]:
    """Append one new row to an inline formset in ``data``."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in row.items():
        data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    return data
