"""The forms of the webhook pages: a new subscription (area or unit), and editing one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, User
from api.models import WebhookEvent
from api.webhooks.events import subscribable_units
from api.webhooks.subscriptions import check_target, check_url
from areas.models import Area
from core.validators import without_control_characters

TEXT = {"class": "form-control"}


class SubscriptionEditForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=100,
        widget=forms.TextInput(attrs=TEXT),
        help_text=gettext_lazy("写明接收的系统，例如“物业工单系统”。"),
    )
    url = forms.URLField(
        label=gettext_lazy("接收地址"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={**TEXT, "placeholder": "https://"}),
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("订阅事件"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("请至少选择一个事件。")},
    )

    def clean_name(self) -> str:
        return without_control_characters(self.cleaned_data["name"]).strip()

    def clean_url(self) -> str:
        try:
            return check_url(self.cleaned_data["url"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["url"]) from error


class SubscriptionForm(SubscriptionEditForm):
    area = forms.CharField(
        label=gettext_lazy("区域编码"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "numeric"}),
        help_text=gettext_lazy("接收这个区域（含下级）的事件；或者选择一个单位。"),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("单位"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text=gettext_lazy("接收派给这个单位的事件。"),
    )

    field_order = ["name", "url", "area", "organisation", "events"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        units = subscribable_units(user).select_related("home_area").order_by("name", "pk")
        self.fields["organisation"].queryset = units  # type: ignore[attr-defined]

    def clean_area(self) -> Area | None:
        code = (self.cleaned_data.get("area") or "").strip()
        if not code:
            return None
        area = Area.objects.visible_to(self.user).filter(code=code).first()
        if area is None:
            raise ValidationError(_("没有这个区域，或它不在您的范围内。"))
        return area

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "area" in self.errors or "organisation" in self.errors:
            return cleaned
        try:
            check_target(self.user, cleaned.get("area"), cleaned.get("organisation"))
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                self.add_error(name, problems)
        return cleaned
