"""The form of the token page (a user's own tokens)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from api.models import Scope

LIFETIMES = [(7, gettext_lazy("7天")), (30, gettext_lazy("30天")), (90, gettext_lazy("90天")),
             (180, gettext_lazy("180天")), (365, gettext_lazy("365天"))]


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100,
                           help_text=gettext_lazy("写明用在哪里，例如“区大屏”。"),
                           widget=forms.TextInput(attrs={"class": "form-control"}))
    scopes = forms.MultipleChoiceField(label=gettext_lazy("权限范围"), choices=Scope.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required": gettext_lazy("请至少选择一个权限范围。")})
    days = forms.TypedChoiceField(label=gettext_lazy("有效期"), choices=LIFETIMES, coerce=int, initial=90,
                                  widget=forms.Select(attrs={"class": "form-select"}))

    def expires_at(self, now: datetime.datetime | None = None) -> datetime.datetime:
        days: Any = self.cleaned_data["days"]
        return (now or timezone.now()) + datetime.timedelta(days=int(days))
