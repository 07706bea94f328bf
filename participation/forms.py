"""The forms of the participation pages; each only cleans input and calls the named operation."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy

from areas.models import Area, Level
from cases.forms.photofields import PhotoForm, PhotosField
from fieldwork.models import Visit
from participation.models import Choice, ClaimantKind, ThresholdRule, UnitKind
from registry.models import Building, CareTag, Resident


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget, so the templates render fields as they are."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


def _choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class WishRecordForm(StyledForm):
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=gettext_lazy("所属网格"))
    resident = forms.ModelChoiceField(queryset=Resident.objects.none(), label=gettext_lazy("心愿人"))
    care_tag = forms.ModelChoiceField(queryset=CareTag.objects.all(), label=gettext_lazy("关爱对象类别"))
    title = forms.CharField(label=gettext_lazy("心愿内容"), max_length=100)
    details = forms.CharField(label=gettext_lazy("心愿说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    estimated_value = forms.DecimalField(label=gettext_lazy("预估价值(元)"), max_digits=8, decimal_places=2,
                                         min_value=0)
    consent_to_publish = forms.BooleanField(label=gettext_lazy("本人同意在心愿墙公开"), required=False)
    public_label = forms.CharField(label=gettext_lazy("公开称呼"), max_length=40, required=False,
                                   help_text=gettext_lazy("经本人同意公开的称呼，如“王奶奶，78岁”。不写姓名和住址。"))

    def __init__(self, *args: Any, user: Any, visit: Visit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "area").queryset = Area.objects.visible_to(user).active().filter(
            level__in=[Level.GRID, Level.MICROGRID]).order_by("code")
        # The target groups: residents with a care tag, in the user's scope (and the visited one).
        targets = Q(care_tags__isnull=False) | Q(pk=visit.resident_id) if visit and visit.resident_id else Q(
            care_tags__isnull=False)
        _choices(self, "resident").queryset = (Resident.objects.visible_to(user).filter(targets)
                                            .distinct().order_by("grid_code", "name"))
        if visit is not None and visit.household_id:
            self.fields["resident"].required = False  # the visited household is the beneficiary then


class ReviewForm(StyledForm):
    meeting = forms.CharField(label=gettext_lazy("审核会议"), max_length=100,
                              help_text=gettext_lazy("如“社区党委会 2026年12月1日”。"))
    reason = forms.CharField(label=gettext_lazy("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StaffClaimForm(StyledForm):
    kind = forms.ChoiceField(label=gettext_lazy("认领人类别"), choices=ClaimantKind.choices)
    name = forms.CharField(label=gettext_lazy("认领人或单位"), max_length=100)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20, required=False)


class PublicClaimForm(StyledForm):
    name = forms.CharField(label=gettext_lazy("您的称呼"), max_length=100)
    phone = forms.CharField(label=gettext_lazy("手机号"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # honeypot: people leave it empty


class FulfilForm(PhotoForm, StyledForm):
    note = forms.CharField(label=gettext_lazy("圆梦说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photo = PhotosField(label=gettext_lazy("圆梦照片"), limit=1, required=True)


class ConfirmForm(StyledForm):
    note = forms.CharField(label=gettext_lazy("心愿人的确认"), required=False, max_length=200)


class BallotForm(StyledForm):
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=gettext_lazy("所属区域"))
    question = forms.CharField(label=gettext_lazy("表决事项"), max_length=200)
    description = forms.CharField(label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    buildings = forms.ModelMultipleChoiceField(queryset=Building.objects.none(), label=gettext_lazy("楼栋"),
                                               widget=forms.CheckboxSelectMultiple)
    unit_kind = forms.ChoiceField(label=gettext_lazy("表决单位"), choices=UnitKind.choices)
    rule = forms.ChoiceField(label=gettext_lazy("通过规则"), choices=ThresholdRule.choices)
    share_numerator = forms.IntegerField(label=gettext_lazy("比例分子"), min_value=1, initial=2)
    share_denominator = forms.IntegerField(label=gettext_lazy("比例分母"), min_value=1, initial=3)
    publish_result = forms.BooleanField(label=gettext_lazy("结束后公开汇总结果"), required=False,
                                        help_text=gettext_lazy("表决结束后，在网格公开页显示汇总结果（不含任何住户或个人）。"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "area").queryset = Area.objects.visible_to(user).active().filter(
            level__in=[Level.COMMUNITY, Level.GRID, Level.MICROGRID]).order_by("code")
        _choices(self, "buildings").queryset = Building.objects.visible_to(user).order_by("grid_code", "estate", "name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        numerator, denominator = cleaned.get("share_numerator"), cleaned.get("share_denominator")
        if numerator and denominator and numerator > denominator:
            self.add_error("share_numerator", gettext_lazy("比例不能超过1。"))
        return cleaned

    def share(self) -> Fraction:
        return Fraction(self.cleaned_data["share_numerator"], self.cleaned_data["share_denominator"])


class VoteForm(PhotoForm, StyledForm):
    choice = forms.ChoiceField(label=gettext_lazy("意见"), choices=Choice.choices, widget=forms.RadioSelect)
    signer_name = forms.CharField(label=gettext_lazy("签字人"), max_length=50)
    signer_relation = forms.CharField(label=gettext_lazy("关系"), max_length=30, required=False)
    photo = PhotosField(label=gettext_lazy("签字照片"), limit=1)
