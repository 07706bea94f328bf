"""The forms of the case page's actions (办理操作): one per verb, each calling its transition.

A form only turns the request into the transition's arguments (types, choices, uploads); the
rules — what is required, what is allowed now and to whom — stay in ``cases.transitions``,
whose ``ValidationError`` is put back on the form's fields (``apply_errors``). ``ACTION_FORMS``
maps each verb to its form.

Every note a form asks for is internal (仅工作人员可见: ``INTERNAL`` fields); where the reporter
should hear something, a separate optional ``reply`` (给反映人的答复, 反映人可见) is the only
text the tracking page shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case as When_
from django.db.models import IntegerField, Q, QuerySet, Value, When
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, OrganisationKind
from cases import followup
from cases import transitions as t
from cases.forms.intake import staff_photo_limit
from cases.forms.photofields import PhotoForm, PhotosField
from cases.models import Case, Category, ExtensionState, Outcome, Rating, SupervisionKind
from cases.routing import route_for, suggested_units
from cases.selectors import desk_of, dispatch_units
from cases.workflow import TRANSITIONS
from core.forms import BoundedDateTimeField, LazyChoices, PlainCheckboxSelectMultiple, PlainSelect

SPLIT_ROWS = 4
TEXTAREA = forms.Textarea(attrs={"rows": 3})
# The names of the internal notes (仅工作人员可见) of the action forms.
INTERNAL = ("comment", "reason", "note")
INTERNAL_HELP = gettext_lazy("仅工作人员可见，不会显示给反映人。")
REPLY_HELP = gettext_lazy("反映人可见：会显示在查询进度页面上。")


class ActionForm(PhotoForm):
    """The base of every action form: bound to a case and the acting user (photos are prepared
    last, once every other field is valid)."""

    verb: ClassVar[str] = ""
    # The question of the confirm dialog for actions that cannot be undone (None: no dialog).
    confirm: ClassVar[Promise | None] = None
    # Fields the transition requires, marked with an asterisk (the transition checks them).
    marked: ClassVar[tuple[str, ...]] = ()

    def __init__(self, data: Any = None, files: Any = None, *, case: Case, user: Any) -> None:
        super().__init__(data, files, prefix=self.verb)
        self.case, self.user = case, user
        for name, field in self.fields.items():
            widget = field.widget
            if name in self.marked:
                widget.attrs["required"] = "required"
            if name in INTERNAL and not field.help_text:
                field.help_text = INTERNAL_HELP
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                continue
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")

    @property
    def label(self) -> Any:
        return TRANSITIONS[self.verb].label

    def perform(self) -> Any:
        """Call the transition (raises ActionRefused or ValidationError). By default that is
        ``transitions.case_<verb>`` given each field's text under the field's own name; forms
        whose fields are not all texts (units, photos, days, a yes/no) say how to call it."""
        transition = getattr(t, f"case_{self.verb}")
        return transition(case=self.case, actor=self.user, **{name: self.text(name) for name in self.fields})

    def success_message(self, result: Any) -> str:
        return _("“%(action)s”已完成。") % {"action": self.label}

    def apply_errors(self, error: ValidationError) -> None:
        """Put the transition's errors on the fields they name (the others above the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)

    def text(self, name: str) -> str:
        return str(self.cleaned_data.get(name) or "")


def _text(label: Any, *, required: bool = False, long: bool = True) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=2000,
                           widget=TEXTAREA if long else forms.TextInput)


def _reply() -> forms.CharField:
    """The optional answer to the reporter, shown on the tracking page (反映人可见)."""
    return forms.CharField(label=gettext_lazy("给反映人的答复"), required=False, max_length=2000,
                           help_text=REPLY_HELP, widget=forms.Textarea(attrs={"rows": 2}))


# --- accepting and routing -------------------------------------------------------------------------


class AcceptForm(ActionForm):
    verb = "accept"
    comment = _text(gettext_lazy("受理意见"))
    reply = _reply()


class RejectForm(ActionForm):
    verb = "reject"
    confirm = gettext_lazy("确定不予受理这个事件吗？")
    marked = ("reason",)
    reason = _text(gettext_lazy("不予受理的理由"))
    reply = _reply()


class SelfHandleForm(ActionForm):
    verb = "self_handle"
    comment = _text(gettext_lazy("办理意见"))
    reply = _reply()


class EscalateForm(ActionForm):
    verb = "escalate"
    marked = ("reason",)
    reason = _text(gettext_lazy("上报理由"))


UNIT_ERRORS = {"required": gettext_lazy("请选择主办单位。"), "invalid_choice": gettext_lazy("请从列表中选择处置单位。")}


class UnitChoiceField(forms.ModelChoiceField):
    """Units, the one the routing rules name marked as suggested (推荐)."""

    widget = PlainSelect
    suggested: frozenset[int] = frozenset()

    def label_from_instance(self, obj: Any) -> str:
        label = unit_label(obj)
        return label + _("（推荐）") if obj.pk in self.suggested else label


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    default_error_messages = {"invalid_choice": gettext_lazy("请从列表中选择处置单位。")}

    def label_from_instance(self, obj: Any) -> str:
        return unit_label(obj)


def unit_label(unit: Organisation) -> str:
    """A unit as the dispatch lists name it: its name and its kind, as ``get_kind_display`` names
    it (which hashes every kind's translated label again for each unit)."""
    try:
        kind: Any = OrganisationKind(unit.kind).label
    except ValueError:
        kind = unit.kind
    return f"{unit.name}（{kind}）"


def unit_choices(user: Any, suggested: Sequence[Organisation]) -> QuerySet[Organisation]:
    """Units the user may dispatch to, the suggested ones (routed, then nearest) first, in that order."""
    ids = [unit.pk for unit in suggested]
    rank = When_(*(When(pk=pk, then=Value(index)) for index, pk in enumerate(ids)),
                 default=Value(len(ids)), output_field=IntegerField()) if ids else Value(0)
    allowed = dispatch_units(desk_of(user)).values("pk")
    return (Organisation.objects.filter(is_active=True).filter(Q(pk__in=allowed) | Q(pk__in=ids))
            .annotate(rank=rank).order_by("rank", "kind", "name"))


def _due_at_field() -> forms.DateTimeField:
    return BoundedDateTimeField(
        label=gettext_lazy("办理时限"), required=False,
        help_text=gettext_lazy("留空则按类别的处置时限计算。"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _assist_due_at_field() -> forms.DateTimeField:
    return BoundedDateTimeField(
        label=gettext_lazy("协办时限"), required=False,
        help_text=gettext_lazy("协办单位自己的办理时限，不晚于主办单位的时限；留空则与主办单位相同。"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class DispatchForm(ActionForm):
    """派单: a lead unit (suggested by the routing rules) and optional assisting units."""

    verb = "dispatch"
    lead = UnitChoiceField(label=gettext_lazy("主办单位"), queryset=Organisation.objects.none(),
                           empty_label=gettext_lazy("请选择主办单位"), error_messages=UNIT_ERRORS)
    assists = UnitsChoiceField(label=gettext_lazy("协办单位"), queryset=Organisation.objects.none(), required=False,
                               widget=PlainCheckboxSelectMultiple)
    due_at = _due_at_field()
    assist_due_at = _assist_due_at_field()
    comment = _text(gettext_lazy("派遣意见"))
    reply = _reply()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        routed = route_for(self.case.category, self.case.grid)
        units = unit_choices(self.user, suggested_units(self.case))
        lead = self.fields["lead"]
        assert isinstance(lead, UnitChoiceField)
        lead.queryset = units
        if routed is not None:
            lead.suggested, lead.initial = frozenset({routed.pk}), routed.pk
        assists = self.fields["assists"]
        assert isinstance(assists, UnitsChoiceField)
        assists.queryset = units
        # Both lists show the same units, read once when the form is shown (``units`` keeps its rows;
        # the fields' own choices would read them again for each). A POST only looks its choice up.
        lead.widget.choices = LazyChoices(lambda: [
            *([("", lead.empty_label)] if lead.empty_label is not None else []),
            *((unit.pk, lead.label_from_instance(unit)) for unit in units)])
        assists.widget.choices = LazyChoices(lambda: [(unit.pk, assists.label_from_instance(unit)) for unit in units])

    def perform(self) -> Any:
        return t.case_dispatch(case=self.case, actor=self.user, lead=self.cleaned_data["lead"],
                               assists=list(self.cleaned_data["assists"] or ()), comment=self.text("comment"),
                               reply=self.text("reply"), due_at=self.cleaned_data.get("due_at"),
                               assist_due_at=self.cleaned_data.get("assist_due_at"))


# --- handling ------------------------------------------------------------------------------------


class SignForm(ActionForm):
    verb = "sign"


class ReturnForm(ActionForm):
    verb = "return"
    confirm = gettext_lazy("确定退单吗？事件将退回派遣人重新派遣。")
    marked = ("reason",)
    reason = _text(gettext_lazy("退单理由"))


class FeedbackForm(ActionForm):
    verb = "feedback"
    marked = ("comment",)
    comment = _text(gettext_lazy("办理情况"))
    before_photos = PhotosField(label=gettext_lazy("处置前照片"), limit=staff_photo_limit)
    after_photos = PhotosField(label=gettext_lazy("处置后照片"), limit=staff_photo_limit)
    reply = _reply()

    def perform(self) -> Any:
        return t.case_feedback(case=self.case, actor=self.user, comment=self.text("comment"), reply=self.text("reply"),
                               before_photos=self.cleaned_data["before_photos"],
                               after_photos=self.cleaned_data["after_photos"])


class RequestExtensionForm(ActionForm):
    verb = "request_extension"
    marked = ("reason",)
    extra_days = forms.IntegerField(label=gettext_lazy("延长工作日"), min_value=1, max_value=30, initial=3,
                                    error_messages={"required": gettext_lazy("请填写延长的工作日数。")})
    reason = _text(gettext_lazy("延期理由"))

    def perform(self) -> Any:
        return t.case_request_extension(case=self.case, actor=self.user, extra_days=self.cleaned_data["extra_days"],
                                        reason=self.text("reason"))


class DecideExtensionForm(ActionForm):
    verb = "decide_extension"
    decision = forms.ChoiceField(
        label=gettext_lazy("审批结果"), widget=forms.RadioSelect,
        choices=[("approve", gettext_lazy("批准")), ("deny", gettext_lazy("驳回"))],
        error_messages={"required": gettext_lazy("请选择批准或驳回。")},
    )
    note = _text(gettext_lazy("审批意见"))
    # Which pending request is decided (the oldest; each unit may have one of its own).
    extension = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.pending is not None:
            self.fields["extension"].initial = self.pending.pk

    @property
    def pending(self) -> Any:
        rows = [row for row in self.case.extensions.all() if row.state == ExtensionState.PENDING]
        return min(rows, key=lambda row: (row.created_at, row.pk), default=None)

    def perform(self) -> Any:
        return t.case_decide_extension(case=self.case, actor=self.user, extension=self.cleaned_data.get("extension"),
                                       approve=self.cleaned_data["decision"] == "approve", note=self.text("note"))


class HoldForm(ActionForm):
    verb = "hold"
    marked = ("reason",)
    reason = _text(gettext_lazy("挂账原因"))
    reply = _reply()


class ResumeForm(ActionForm):
    verb = "resume"
    comment = _text(gettext_lazy("说明"))
    reply = _reply()


# --- verifying, closing, rating ----------------------------------------------------------------------


class VerifyForm(ActionForm):
    verb = "verify"
    passed = forms.ChoiceField(
        label=gettext_lazy("核查结果"), widget=forms.RadioSelect,
        choices=[("yes", gettext_lazy("通过：问题已解决")), ("no", gettext_lazy("不通过：退回重办"))],
        error_messages={"required": gettext_lazy("请选择核查结果。")},
    )
    comment = _text(gettext_lazy("核查意见"), required=False)
    photos = PhotosField(label=gettext_lazy("现场照片"), limit=staff_photo_limit)
    reply = _reply()

    def perform(self) -> Any:
        return t.case_verify(case=self.case, actor=self.user, passed=self.cleaned_data["passed"] == "yes",
                             comment=self.text("comment"), reply=self.text("reply"), photos=self.cleaned_data["photos"])


class CloseForm(ActionForm):
    verb = "close"
    confirm = gettext_lazy("确定结案吗？结案后将请反映人评价。")
    marked = ("outcome", "note")
    outcome = forms.ChoiceField(label=gettext_lazy("办理结果"), required=False,
                                choices=[("", gettext_lazy("请选择")), *Outcome.choices])
    note = _text(gettext_lazy("结案说明"))
    reply = _reply()


class CallbackForm(ActionForm):
    """回访: what the resident said on the phone, when, recorded by the caller (the acting user)."""

    verb = "callback"
    marked = ("rating", "called_at")
    rating = forms.ChoiceField(label=gettext_lazy("回访评价"), required=False,
                               choices=[("", gettext_lazy("请选择")), *Rating.choices])
    called_at = forms.DateTimeField(
        label=gettext_lazy("回访时间"), required=False,
        error_messages={"invalid": gettext_lazy("请填写有效的回访时间。")},
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    comment = _text(gettext_lazy("反映人的意见"))

    def perform(self) -> Any:
        return followup.case_callback(case=self.case, actor=self.user, rating=self.text("rating"),
                                      called_at=self.cleaned_data.get("called_at"), comment=self.text("comment"))


class SpotCheckForm(ActionForm):
    """抽查 of a self-handled case by the 网格长."""

    verb = "spot_check"
    result = forms.ChoiceField(
        label=gettext_lazy("抽查结果"), widget=forms.RadioSelect,
        choices=[("ok", gettext_lazy("无问题")), ("flag", gettext_lazy("有问题，标记"))],
        error_messages={"required": gettext_lazy("请选择抽查结果。")},
    )
    note = _text(gettext_lazy("抽查意见"))

    def perform(self) -> Any:
        return followup.case_spot_check(case=self.case, actor=self.user, flagged=self.cleaned_data["result"] == "flag",
                                        note=self.text("note"))


class ReopenForm(ActionForm):
    verb = "reopen"
    marked = ("reason",)
    reason = _text(gettext_lazy("重新办理的理由"))
    reply = _reply()


class DeclineReopenForm(ActionForm):
    verb = "decline_reopen"
    marked = ("reason",)
    reason = _text(gettext_lazy("不予重办的理由"))
    reply = _reply()


# --- cancelling, merging, splitting, supervising ---------------------------------------------------


class CancelForm(ActionForm):
    verb = "cancel"
    confirm = gettext_lazy("确定撤销这个事件吗？撤销后不能恢复。")
    reason = _text(gettext_lazy("撤销原因"))


class DecideCancelForm(ActionForm):
    """审批撤销申请: the reporter asked to withdraw a case a unit already has."""

    verb = "decide_cancel"
    decision = forms.ChoiceField(
        label=gettext_lazy("审批结果"), widget=forms.RadioSelect,
        choices=[("approve", gettext_lazy("同意撤销")), ("deny", gettext_lazy("不同意，继续办理"))],
        error_messages={"required": gettext_lazy("请选择同意或不同意。")},
    )
    note = _text(gettext_lazy("审批意见"))
    reply = _reply()

    def perform(self) -> Any:
        return followup.case_decide_cancel(case=self.case, actor=self.user,
                                           approve=self.cleaned_data["decision"] == "approve",
                                           note=self.text("note"), reply=self.text("reply"))


class MergeForm(ActionForm):
    verb = "merge"
    confirm = gettext_lazy("确定合并吗？这个事件将作为重复事件结束，不能恢复。")
    marked = ("into",)
    into = forms.CharField(label=gettext_lazy("合并到事件编号"), required=False, max_length=20,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    comment = _text(gettext_lazy("说明"))
    reply = _reply()

    def clean_into(self) -> Case | None:
        number = self.text("into").strip()
        if not number:
            return None
        target = Case.objects.visible_to(self.user).filter(number=number).first()
        if target is None:
            raise ValidationError(_("没有找到编号为 %(number)s 的事件。") % {"number": number})
        return target

    def perform(self) -> Any:
        target = self.cleaned_data["into"]
        if target is None:
            raise ValidationError({"into": [_("请填写要合并到的事件编号。")]})
        return t.case_merge(case=self.case, actor=self.user, into=target, comment=self.text("comment"),
                            reply=self.text("reply"))


class SplitForm(ActionForm):
    """拆分: up to four rows of category + description; empty rows are ignored."""

    verb = "split"
    confirm = gettext_lazy("确定拆分吗？这个事件将结束，由拆分出的事件分别办理。")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = Category.objects.active().order_by("sort_order", "code")
        menus: list[forms.ModelChoiceField[Any]] = []
        for row in range(1, SPLIT_ROWS + 1):
            menus.append(forms.ModelChoiceField(
                label=_("类别 %(row)s") % {"row": row}, queryset=categories, required=False,
                widget=PlainSelect(attrs={"class": "form-select"})))
            self.fields[f"category_{row}"] = menus[-1]
            self.fields[f"text_{row}"] = forms.CharField(
                label=_("描述 %(row)s") % {"row": row}, required=False, max_length=2000,
                widget=forms.TextInput(attrs={"class": "form-control"}))
        # The four menus show the same choices: one read of ``categories``, which keeps its rows.
        first = menus[0]
        shared = LazyChoices(lambda: [("", first.empty_label), *(
            (category.pk, first.label_from_instance(category)) for category in categories)])
        for menu in menus:
            menu.widget.choices = shared

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"category_{row}"], self[f"text_{row}"]) for row in range(1, SPLIT_ROWS + 1)]

    def parts(self) -> list[tuple[Category | None, str]]:
        found = []
        for row in range(1, SPLIT_ROWS + 1):
            category, text = self.cleaned_data.get(f"category_{row}"), self.text(f"text_{row}").strip()
            if category is None and not text:
                continue
            found.append((category, text))
        return found

    def perform(self) -> Any:
        parts = [(category, text) for category, text in self.parts() if category is not None]
        if len(parts) != len(self.parts()):
            raise ValidationError({"parts": [_("拆分至少要有两项，每项都要有类别和描述。")]})
        return t.case_split(case=self.case, actor=self.user, parts=parts)

    def success_message(self, result: Any) -> str:
        numbers = "、".join(child.number for child in result)
        return _("已拆分为：%(numbers)s。") % {"numbers": numbers}


class SuperviseForm(ActionForm):
    verb = "supervise"
    marked = ("kind", "comment")
    kind = forms.ChoiceField(label=gettext_lazy("督办方式"), required=False,
                             choices=[("", gettext_lazy("请选择")), *SupervisionKind.choices])
    comment = _text(gettext_lazy("督办意见"))


ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.verb: form for form in (
        AcceptForm, RejectForm, SelfHandleForm, EscalateForm, DispatchForm, SignForm, ReturnForm, FeedbackForm,
        RequestExtensionForm, DecideExtensionForm, HoldForm, ResumeForm, VerifyForm, CloseForm, CallbackForm,
        SpotCheckForm, ReopenForm, DeclineReopenForm, CancelForm, DecideCancelForm, MergeForm, SplitForm,
        SuperviseForm,
    )
}


class BulkDispatchForm(forms.Form):
    """批量派遣 from the workbench: the selected cases, one lead unit and optional assisting units."""

    cases = forms.ModelMultipleChoiceField(
        queryset=Case.objects.none(), error_messages={"required": gettext_lazy("请至少选择一个事件。"),
                                                      "invalid_choice": gettext_lazy("所选事件不存在或无权查看。"),
                                                      "invalid_pk_value": gettext_lazy("所选事件不存在或无权查看。")})
    lead = UnitChoiceField(label=gettext_lazy("主办单位"), queryset=Organisation.objects.none(),
                           empty_label=gettext_lazy("请选择主办单位"), error_messages=UNIT_ERRORS)
    assists = UnitsChoiceField(label=gettext_lazy("协办单位"), queryset=Organisation.objects.none(), required=False,
                               widget=PlainCheckboxSelectMultiple)
    due_at = _due_at_field()
    assist_due_at = _assist_due_at_field()
    comment = _text(gettext_lazy("派遣意见"))

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data, prefix="bulk")
        self.user = user
        self.fields["cases"].queryset = Case.objects.visible_to(user)  # type: ignore[attr-defined]
        units = dispatch_units(desk_of(user))
        self.fields["lead"].queryset = units  # type: ignore[attr-defined]
        self.fields["assists"].queryset = units  # type: ignore[attr-defined]
        for name in ("lead", "due_at", "assist_due_at", "comment"):
            widget = self.fields[name].widget
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")

    def dispatch_each(self) -> tuple[list[Case], list[tuple[Case, str]]]:
        """``case_dispatch`` for each selected case, each in its own transaction: (done, refused with reason)."""
        done: list[Case] = []
        refused: list[tuple[Case, str]] = []
        assists = list(self.cleaned_data["assists"] or ())
        for case in self.cleaned_data["cases"].order_by("pk"):
            try:
                done.append(t.case_dispatch(case=case, actor=self.user, lead=self.cleaned_data["lead"],
                                            assists=assists, comment=self.text("comment"),
                                            due_at=self.cleaned_data.get("due_at"),
                                            assist_due_at=self.cleaned_data.get("assist_due_at")))
            except t.ActionRefused as refusal:
                refused.append((case, refusal.message))
            except ValidationError as error:
                refused.append((case, "；".join(error.messages)))
        return done, refused

    def text(self, name: str) -> str:
        return str(self.cleaned_data.get(name) or "")
