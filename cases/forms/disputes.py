"""Forms of the dispute pages (矛盾纠纷): the mediation record, parties, sessions, the ledger filter.

The forms turn the request into typed values; the rules of a mediation record live in
``cases.disputes`` (``check_dispute``, ``check_session``), which the forms call so that every
error appears next to its field, and which the operations call again when they save.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import RoleAssignment, User
from cases.disputes import check_dispute, check_session
from cases.filters import ALL, SELECT, CaseFilterForm
from cases.models import Case, Dispute, DisputeKind, DisputeResult, PartyRole
from core.forms import BoundedDateField
from registry.normalise import normalise_phone
from registry.validators import validate_phone

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PENDING = "pending"


class StyledForm(forms.Form):
    """Bootstrap classes and "请填写<字段>。" for missing values."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = _("请填写%(field)s。") % {"field": field.label}
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


def mediator_candidates(case: Case, current: list[int]) -> QuerySet[User]:
    """Users working in the case's street (grid workers, community and street staff), plus the
    mediators already chosen."""
    assigned = RoleAssignment.objects.active().filter(area__code__startswith=case.street_code[:9]).values("user_id")
    return (User.objects.filter(Q(is_active=True, pk__in=assigned) | Q(pk__in=current))
            .order_by("full_name", "username"))


class DisputeForm(StyledForm):
    """调解档案: kind, mediators, agreement, result, dates and follow-up."""

    kind = forms.ChoiceField(label=gettext_lazy("纠纷类型"), choices=DisputeKind.choices)
    mediators = forms.ModelMultipleChoiceField(
        label=gettext_lazy("调解员"), queryset=User.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    other_mediators = forms.CharField(label=gettext_lazy("其他调解人员"), max_length=200, required=False)
    agreement = forms.CharField(label=gettext_lazy("调解协议"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.ChoiceField(label=gettext_lazy("调解结果"), choices=DisputeResult.choices, required=False)
    concluded_on = BoundedDateField(label=gettext_lazy("调解结束日期"), required=False, widget=DATE_WIDGET)
    follow_up_on = BoundedDateField(label=gettext_lazy("回访日期"), required=False, widget=DATE_WIDGET)
    follow_up_notes = forms.CharField(label=gettext_lazy("回访情况"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, dispute: Dispute, **kwargs: Any) -> None:
        current = [user.pk for user in dispute.mediators.all()]
        kwargs.setdefault("initial", {
            "kind": dispute.kind, "mediators": current, "other_mediators": dispute.other_mediators,
            "agreement": dispute.agreement, "result": dispute.result, "concluded_on": dispute.concluded_on,
            "follow_up_on": dispute.follow_up_on, "follow_up_notes": dispute.follow_up_notes,
        })
        super().__init__(*args, **kwargs)
        self.dispute = dispute
        mediators = self.fields["mediators"]
        assert isinstance(mediators, forms.ModelMultipleChoiceField)
        mediators.queryset = mediator_candidates(dispute.case, current)
        for name in ("kind", "result"):
            self.fields[name].error_messages["invalid_choice"] = _("请从列表中选择%(field)s。") % {
                "field": self.fields[name].label}
        for name in ("concluded_on", "follow_up_on"):
            self.fields[name].error_messages["invalid"] = _("请填写有效的日期。")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                check_dispute(cleaned, self.dispute.case)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def values(self) -> dict[str, Any]:
        """The record's fields for ``dispute_update`` (mediators apart)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "mediators"}


class PartyForm(StyledForm):
    """当事人: role, name, phone (stored encrypted, shown masked) and address."""

    role = forms.ChoiceField(label=gettext_lazy("身份"), choices=PartyRole.choices)
    name = forms.CharField(label=gettext_lazy("姓名或名称"), max_length=100)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30, required=False)
    address = forms.CharField(label=gettext_lazy("住址"), max_length=200, required=False)

    def clean_name(self) -> str:
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            raise ValidationError(_("请填写姓名或名称。"))
        return name

    def clean_phone(self) -> str:
        phone = normalise_phone(self.cleaned_data.get("phone"))
        if phone:
            validate_phone(phone)
        return phone


class SessionForm(StyledForm):
    """调解记录: the date, the place and what was said."""

    held_on = BoundedDateField(label=gettext_lazy("调解日期"), widget=DATE_WIDGET)
    place = forms.CharField(label=gettext_lazy("地点"), max_length=100)
    notes = forms.CharField(label=gettext_lazy("调解记录"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["held_on"].error_messages["invalid"] = _("请填写有效的日期。")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "held_on" in cleaned:
            try:
                check_session(cleaned["held_on"], self.case)
            except ValidationError as error:
                self.add_error(None, error)
        for name in ("place", "notes"):
            if name in cleaned and not cleaned[name].strip():
                self.add_error(name, _("请填写%(field)s。") % {"field": self.fields[name].label})
        return cleaned


class DisputeFilterForm(CaseFilterForm):
    """The ledger's filter: the shared case filter (disputes only) plus the mediation result."""

    result = forms.ChoiceField(label=gettext_lazy("调解结果"), required=False)
    filtering: ClassVar[tuple[str, ...]] = (*CaseFilterForm.filtering, "result")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        result = self.fields["result"]
        assert isinstance(result, forms.ChoiceField)
        result.choices = [ALL, *((value or PENDING, label) for value, label in DisputeResult.choices)]
        result.widget.attrs.update(SELECT)
        result.error_messages["invalid_choice"] = _("请从列表中选择%(field)s。") % {"field": result.label}

    def apply(self, cases: QuerySet[Case], now: datetime.datetime | None = None,
              skip: Iterable[str] = ()) -> QuerySet[Case]:
        return super().apply(cases, now, skip).filter(dispute__isnull=False)

    def _condition(self, name: str, value: Any, now: Any) -> Q:
        if name == "result":
            return Q(dispute__result="" if value == PENDING else value)
        return super()._condition(name, value, now)
