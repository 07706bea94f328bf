"""``core.forms.PlainSelect`` and ``PlainDateInput``: the same markup as Django's widgets, written without
templates."""

from __future__ import annotations

import datetime

from django import forms
from django.test.html import Element, parse_html

from core.forms import PlainCheckboxSelectMultiple, PlainDateInput, PlainSelect

CHOICES = [("", "全部"), ("410102", "中原区"), ("x<1>", 'A & "B"'), ("3", "<script>alert(1)</script>")]


class Both(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False, widget=PlainSelect(attrs={"class": "form-select"}))
    django = forms.ChoiceField(choices=CHOICES, required=False, widget=forms.Select(attrs={"class": "form-select"}))


def _normalised(markup: str, name: str) -> Element:
    """The markup as a tree (attribute order and white space do not matter), the field's name taken out."""
    return parse_html(markup.replace(name, "f"))


def test_it_renders_what_djangos_select_renders() -> None:
    for data in (None, {"plain": "x<1>", "django": "x<1>"}, {"plain": "", "django": ""}, {"plain": "9", "django": "9"}):
        form = Both(data)
        form.is_valid()
        plain = _normalised(str(form["plain"]), "plain")
        django = _normalised(str(form["django"]), "django")
        assert plain == django, (data, plain, django)


def test_values_and_labels_are_escaped_and_one_option_is_selected() -> None:
    form = Both({"plain": "x<1>"})
    markup = str(form["plain"])
    assert '<option value="x&lt;1&gt;" selected>A &amp; &quot;B&quot;</option>' in markup
    assert "<script>" not in markup and "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert markup.count(" selected") == 1
    assert markup.startswith('<select name="plain" class="form-select" id="id_plain">')


class Dates(forms.Form):
    plain = forms.DateField(required=False, widget=PlainDateInput(
        attrs={"type": "date", "class": "form-control", "required": True, "disabled": False}, format="%Y-%m-%d"))
    django = forms.DateField(required=False, widget=forms.DateInput(
        attrs={"type": "date", "class": "form-control", "required": True, "disabled": False}, format="%Y-%m-%d"))


def test_the_date_input_renders_what_djangos_renders() -> None:
    for data in (None, {"plain": "2026-12-06", "django": "2026-12-06"}, {"plain": '"><b>', "django": '"><b>'},
                 {"plain": "", "django": ""}):
        form = Dates(data)
        form.is_valid()
        plain = _normalised(str(form["plain"]), "plain")
        django = _normalised(str(form["django"]), "django")
        assert plain == django, (data, plain, django)
    initial = Dates(initial={"plain": datetime.date(2026, 1, 2)})
    assert 'value="2026-01-02"' in str(initial["plain"])
    assert "&quot;&gt;&lt;b&gt;" in str(Dates({"plain": '"><b>'})["plain"])


UNITS = [(1, "城管中队（执法单位）"), ("x<1>", 'A & "B"'), (3, "<script>alert(1)</script>"), (4, "物业")]


class Boxes(forms.Form):
    plain = forms.MultipleChoiceField(choices=UNITS, required=False, widget=PlainCheckboxSelectMultiple)
    django = forms.MultipleChoiceField(choices=UNITS, required=False, widget=forms.CheckboxSelectMultiple)


class StyledBoxes(forms.Form):
    plain = forms.MultipleChoiceField(choices=UNITS, widget=PlainCheckboxSelectMultiple(attrs={"class": "wg-units"}))
    django = forms.MultipleChoiceField(choices=UNITS, widget=forms.CheckboxSelectMultiple(attrs={"class": "wg-units"}))


def test_the_checkbox_list_renders_what_djangos_renders() -> None:
    for form_class in (Boxes, StyledBoxes):
        for data in (None, {"plain": ["1", "x<1>"], "django": ["1", "x<1>"]}, {"plain": ["9"], "django": ["9"]}, {}):
            form = form_class(data)
            form.is_valid()
            plain = _normalised(str(form["plain"]), "plain")
            django = _normalised(str(form["django"]), "django")
            assert plain == django, (form_class, data, plain, django)
    unnamed = PlainCheckboxSelectMultiple(choices=UNITS).render("u", ["4"])
    assert _normalised(unnamed, "u") == _normalised(forms.CheckboxSelectMultiple(choices=UNITS).render("u", ["4"]), "u")


def test_the_checkbox_list_escapes_and_checks_what_was_chosen() -> None:
    markup = str(Boxes({"plain": ["x<1>", "3"]})["plain"])
    assert '<input type="checkbox" name="plain" value="x&lt;1&gt;" id="id_plain_1" checked>' in markup
    assert "<script>" not in markup and "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert markup.count(" checked") == 2 and markup.startswith('<div id="id_plain">')
    assert '<label for="id_plain_0"><input type="checkbox" name="plain" value="1" id="id_plain_0"> 城管中队' in markup


def test_the_checkbox_list_leaves_option_groups_to_django() -> None:
    grouped = [("执法", [(1, "城管")]), ("服务", [(2, "物业")])]
    plain = PlainCheckboxSelectMultiple(choices=grouped).render("u", ["2"], attrs={"id": "id_u"})
    assert _normalised(plain, "u") == _normalised(
        forms.CheckboxSelectMultiple(choices=grouped).render("u", ["2"], attrs={"id": "id_u"}), "u")
