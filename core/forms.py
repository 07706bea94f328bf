"""Form fields shared by the domain apps.

Dates and times typed into a form or a filter stay between ``EARLIEST_DAY`` and ``LATEST_DAY``:
Python's dates reach from year 1 to 9999, but a day at either end cannot be turned into a moment
in another time zone (the database stores UTC), and nothing Wangge records happens outside
1900–2100. A date outside that range is a form error naming the field, never a server error.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from core.markup import escape

EARLIEST_DAY = datetime.date(1900, 1, 1)
LATEST_DAY = datetime.date(2100, 12, 31)


def check_day_in_range(label: Any, day: datetime.date | None) -> None:
    """Refuse a day outside ``EARLIEST_DAY``–``LATEST_DAY`` with a message naming the field."""
    if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(
            _("%(field)s应在 %(earliest)s 到 %(latest)s 之间。"), code="out_of_range",
            params={"field": label or _("日期"), "earliest": EARLIEST_DAY.isoformat(),
                    "latest": LATEST_DAY.isoformat()},
        )


class BoundedDateField(forms.DateField):
    """A date between 1900 and 2100 (every date field and every date filter uses it)."""

    default_error_messages = {"invalid": _("请填写有效的日期。")}

    def validate(self, value: Any) -> None:
        super().validate(value)
        check_day_in_range(self.label, value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.DateInput) and widget.input_type == "date":
            attrs.update(min=EARLIEST_DAY.isoformat(), max=LATEST_DAY.isoformat())
        return attrs


class BoundedDateTimeField(forms.DateTimeField):
    """A date and time whose day lies between 1900 and 2100."""

    default_error_messages = {"invalid": _("请填写有效的日期和时间。")}

    def validate(self, value: Any) -> None:
        super().validate(value)
        check_day_in_range(self.label, value.date() if isinstance(value, datetime.datetime) else None)


class LazyChoices(BaseChoiceIterator):
    """A choice field's choices, built on first use by ``build`` as flat ``(value, label)`` pairs.

    Django normalises the pairs a callable returns one by one, every time they are read (to
    validate, to render): for a district's 1,400 areas that was tens of milliseconds a request.
    These are built once per form and taken as they are (no option groups).
    """

    def __init__(self, build: Callable[[], Iterable[tuple[Any, Any]]]) -> None:
        self.build = build
        self.pairs: list[tuple[Any, Any]] | None = None

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.pairs is None:
            self.pairs = list(self.build())
        return iter(self.pairs)


SELECTED = " selected"


class PlainSelect(forms.Select):
    """A single-choice ``<select>`` whose options are written in Python.

    Django's ``Select`` renders one template per option; a filter that offers a district's
    thousands of areas and units spent most of the statistics page there (2.4 s of 3.2 s for a
    generated city of 1 M cases). The markup is the same as Django's (no option groups: the
    filters have none), the values and labels are escaped (``format_html`` per option was itself
    most of the time).
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = self.format_value(value)
        selected = chosen[0] if chosen else None
        options = "".join(
            f'<option value="{escape(option)}"{SELECTED if str(option) == selected else ""}>{escape(label)}</option>'
            for option, label in self.choices
        )
        markup = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{markup}>{options}</select>')


class PlainDateInput(forms.DateInput):
    """A date ``<input>`` written in Python, with the markup of Django's ``DateInput`` (which
    renders two templates per field: most of a list page's filter panel)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        shown = self.format_value(value)
        current = "" if shown is None else f' value="{escape(shown)}"'
        markup = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<input type="{escape(self.input_type)}" name="{escape(name)}"{current}{markup}>')


class PlainCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """A list of checkboxes (``CheckboxSelectMultiple``) written in Python, with Django's markup.

    Django renders three templates per option; the case page's 协办单位 list of a street's units
    was the slowest part of the page. Choices with option groups are left to Django.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        choices = list(self.choices)
        if any(isinstance(label, list | tuple) for _option, label in choices):
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        final = self.build_attrs(self.attrs, attrs)
        outer = final.get("id")
        options = []
        for index, (option, label) in enumerate(choices):
            each = dict(final)
            if outer:
                each["id"] = self.id_for_label(outer, str(index))
            if str(option) in chosen:
                each["checked"] = True
            target = f' for="{escape(each["id"])}"' if outer else ""
            options.append(f'<div><label{target}><input type="checkbox" name="{escape(name)}" value="{escape(option)}"'
                           f'{flatatt(each)}> {escape(label)}</label></div>')
        around = (f' id="{escape(outer)}"' if outer else "") + (
            f' class="{escape(final["class"])}"' if final.get("class") else "")
        return mark_safe(f'<div{around}>{"".join(options)}</div>')
