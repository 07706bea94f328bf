"""The forms of the 公约 pages; each only cleans input and calls the named operation."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from areas.models import Area, Level
from core.forms import EARLIEST_DAY
from participation.forms import StyledForm, _choices
from participation.models import ConventionKind, ThresholdRule, UnitKind
from registry.models import Building

TEXT_ROWS = 10


class DraftForm(StyledForm):
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=gettext_lazy("所属区域"))
    title = forms.CharField(label=gettext_lazy("公约名称"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("公约类别"), choices=ConventionKind.choices)
    buildings = forms.ModelMultipleChoiceField(queryset=Building.objects.none(), label=gettext_lazy("楼栋"),
                                               widget=forms.CheckboxSelectMultiple)
    text = forms.CharField(label=gettext_lazy("公约正文"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": TEXT_ROWS}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "area").queryset = Area.objects.visible_to(user).active().filter(
            level__in=[Level.COMMUNITY, Level.GRID, Level.MICROGRID]).order_by("code")
        _choices(self, "buildings").queryset = Building.objects.visible_to(user).order_by("grid_code", "estate", "name")


class ReviseForm(StyledForm):
    text = forms.CharField(label=gettext_lazy("公约正文"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": TEXT_ROWS}))
    note = forms.CharField(label=gettext_lazy("修改说明"), max_length=200, required=False)


class CommentForm(StyledForm):
    commenter = forms.CharField(label=gettext_lazy("提出人"), max_length=50, required=False,
                                help_text=gettext_lazy("如“3号楼住户”，可不填姓名。"))
    text = forms.CharField(label=gettext_lazy("意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class PublicCommentForm(CommentForm):
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # honeypot: people leave it empty


class VoteForm(StyledForm):
    unit_kind = forms.ChoiceField(label=gettext_lazy("表决单位"), choices=UnitKind.choices)
    rule = forms.ChoiceField(label=gettext_lazy("通过规则"), choices=ThresholdRule.choices)
    share_numerator = forms.IntegerField(label=gettext_lazy("比例分子"), min_value=1, initial=2)
    share_denominator = forms.IntegerField(label=gettext_lazy("比例分母"), min_value=1, initial=3)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        numerator, denominator = cleaned.get("share_numerator"), cleaned.get("share_denominator")
        if numerator and denominator and numerator > denominator:
            self.add_error("share_numerator", gettext_lazy("比例不能超过1。"))
        return cleaned

    def share(self) -> Fraction:
        return Fraction(self.cleaned_data["share_numerator"], self.cleaned_data["share_denominator"])


class RepealForm(StyledForm):
    reason = forms.CharField(label=gettext_lazy("废止原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class BreachForm(StyledForm):
    occurred_on = forms.DateField(label=gettext_lazy("发生日期"), widget=forms.DateInput(attrs={"type": "date"}))
    case_number = forms.CharField(label=gettext_lazy("事件编号"), max_length=20, required=False)
    finding = forms.IntegerField(label=gettext_lazy("巡查发现"), required=False, widget=forms.Select)
    note = forms.CharField(label=gettext_lazy("情况说明"), max_length=200, required=False)

    def __init__(self, *args: Any, findings: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finding"].widget.choices = [("", "—"), *(findings or [])]

    def clean_occurred_on(self) -> Any:
        day = self.cleaned_data["occurred_on"]
        if day < EARLIEST_DAY:
            raise forms.ValidationError(gettext_lazy("日期无效。"))
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("case_number", "").strip() and not cleaned.get("finding"):
            self.add_error("case_number", gettext_lazy("请关联一个事件或一条巡查发现。"))
        return cleaned
