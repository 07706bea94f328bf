"""Forms of the fieldwork pages. They read input; the rules are in the operations they call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from areas.models import Area
from cases.forms.photofields import PhotoForm, PhotosField
from cases.models import Category
from fieldwork.checklists import field_name
from fieldwork.models import NO, YES, ChecklistItem, DiaryTag, ItemKind, VisitMethod, VisitPurpose
from fieldwork.patrols import GENERAL_PHOTOS
from fieldwork.selectors import patrol_grids

YES_NO_CHOICES = [(YES, _("是")), (NO, _("否"))]


def _photo_limit() -> int:
    return int(settings.FIELDWORK_MAX_PHOTOS)


def _item_field(item: ChecklistItem) -> forms.Field:
    label = item.display_label
    if item.kind == ItemKind.YES_NO:
        return forms.ChoiceField(label=label, choices=YES_NO_CHOICES, required=False, widget=forms.RadioSelect)
    if item.kind == ItemKind.CHOICE:
        return forms.ChoiceField(label=label, choices=[(option, option) for option in item.options],
                                 required=False, widget=forms.RadioSelect)
    if item.kind == ItemKind.NUMBER:
        return forms.CharField(label=label, required=False, max_length=20,
                               widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    if item.kind == ItemKind.PHOTO:
        return PhotosField(label=label, limit=_photo_limit)
    return forms.CharField(label=label, required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class CheckInForm(PhotoForm):
    """The checklist of one check-in, one field per item of the version being answered."""

    def __init__(self, *args: Any, items: Sequence[ChecklistItem] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[field_name(item)] = _item_field(item)
        self.fields["note"] = forms.CharField(label=_("备注"), required=False, max_length=1000,
                                              widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
        self.fields[GENERAL_PHOTOS] = PhotosField(label=_("现场照片"), limit=_photo_limit)

    def item_fields(self) -> list[tuple[ChecklistItem, forms.BoundField]]:
        return [(item, self[field_name(item)]) for item in self.items]

    def answers(self) -> dict[str, str]:
        return {field_name(item): self.cleaned_data.get(field_name(item)) or "" for item in self.items
                if item.kind != ItemKind.PHOTO}

    def photos(self) -> dict[str, Any]:
        names = [field_name(item) for item in self.items if item.kind == ItemKind.PHOTO] + [GENERAL_PHOTOS]
        return {name: self.cleaned_data.get(name) or [] for name in names}

    def apply_errors(self, error: ValidationError) -> None:
        """Put an operation's errors on the fields they name (others above the form)."""
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class FindingForm(forms.Form):
    """上报事件 / 当场解决 of one problem: the category (preselected from the item) and, to resolve, a note."""

    category = forms.ModelChoiceField(label=_("事件类别"), queryset=Category.objects.filter(is_active=True),
                                      required=False)
    note = forms.CharField(label=_("处理情况"), required=False, max_length=1000)


class VisitForm(forms.Form):
    visited_at = forms.DateTimeField(label=_("走访时间"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local", "data-offline-now": "minute"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"])
    method = forms.ChoiceField(label=_("方式"), choices=VisitMethod.choices, widget=forms.RadioSelect)
    purpose = forms.ChoiceField(label=_("事由"), choices=VisitPurpose.choices)
    met = forms.TypedChoiceField(
        label=_("是否见到本人"), choices=[("1", _("见到本人")), ("0", _("未见到（没敲开门）"))],
        coerce=lambda value: value == "1", widget=forms.RadioSelect,
    )
    retry_on = forms.DateField(label=_("再次走访日期"), required=False, widget=forms.DateInput(attrs={"type": "date"},
                                                                                          format="%Y-%m-%d"))
    findings = forms.CharField(label=_("发现情况"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    opinions = forms.CharField(label=_("社情民意"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    follow_up = forms.CharField(label=_("后续跟进"), required=False, max_length=1000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    workers: forms.ModelMultipleChoiceField[User] = forms.ModelMultipleChoiceField(
        label=_("同行人员"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, colleagues: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                                      "method": VisitMethod.HOME, "met": "1"})
        super().__init__(*args, **kwargs)
        self.fields["workers"].queryset = colleagues  # type: ignore[attr-defined]  # the field's own queryset
        for name in ("visited_at", "purpose", "retry_on", "findings", "opinions", "follow_up"):
            self.fields[name].widget.attrs["class"] = "form-select" if name == "purpose" else "form-control"

    def apply_errors(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class VisitFindingForm(forms.Form):
    category = forms.ModelChoiceField(label=_("事件类别"), queryset=Category.objects.filter(is_active=True),
                                      widget=forms.Select(attrs={"class": "form-select"}))


class DiaryEntryForm(forms.Form):
    grid = forms.ModelChoiceField(label=_("网格"), queryset=Area.objects.none(),
                                  widget=forms.Select(attrs={"class": "form-select"}))
    day = forms.DateField(label=_("日期"), widget=forms.DateInput(
        attrs={"type": "date", "class": "form-control", "data-offline-now": "day"}, format="%Y-%m-%d"))
    place = forms.CharField(label=_("地点"), required=False, max_length=100,
                            widget=forms.TextInput(attrs={"class": "form-control"}))
    people = forms.CharField(label=_("人员"), required=False, max_length=100,
                             widget=forms.TextInput(attrs={"class": "form-control"}))
    what = forms.CharField(label=_("事由"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    handling = forms.CharField(label=_("处理情况"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    result = forms.CharField(label=_("结果"), required=False, max_length=1000,
                             widget=forms.TextInput(attrs={"class": "form-control"}))
    tags = forms.MultipleChoiceField(label=_("标签"), choices=DiaryTag.choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        kwargs.setdefault("initial", {"day": timezone.localdate()})
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["grid"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
            pk__in=[grid.pk for grid in patrol_grids(user)])


class DiaryCommentForm(forms.Form):
    """点评 of a day of a worker's diary; an empty comment is refused by ``diary_comment`` in its own words."""

    text = forms.CharField(label=_("点评"), max_length=2000, required=False)
