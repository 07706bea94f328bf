"""Forms of 扫码表决: issuing a building's links (staff) and the household's three steps (public)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from participation.forms import StyledForm, _choices
from participation.models import Ballot, Choice
from registry.models import Building


class LinkIssueForm(StyledForm):
    building = forms.ModelChoiceField(queryset=Building.objects.none(), label=gettext_lazy("楼栋"))

    def __init__(self, *args: Any, ballot: Ballot, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "building").queryset = (Building.objects.visible_to(user)
                                               .filter(pk__in=ballot.buildings.values("pk")).order_by("estate", "name"))


class PhoneForm(StyledForm):
    phone = forms.CharField(label=gettext_lazy("本户登记的手机号"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # honeypot: people leave it empty


class CodeForm(StyledForm):
    code = forms.RegexField(label=gettext_lazy("短信验证码"), regex=r"^\s*\d{6}\s*$", max_length=8,
                            error_messages={"invalid": gettext_lazy("请输入6位数字验证码。")},
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class LinkVoteForm(StyledForm):
    choice = forms.ChoiceField(label=gettext_lazy("您的意见"), choices=Choice.choices, widget=forms.RadioSelect)
