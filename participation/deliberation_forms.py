"""The forms of the 议事 pages; each only cleans input and calls the named operation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import User
from areas.models import Area, Level
from cases.forms.photofields import PhotoForm, PhotosField
from cases.models import Category
from participation.forms import StyledForm, _choices
from participation.models import Decision, MeetingKind, Proposal, ProposalSource, Rating, StageSet
from registry.models import Building, CareTag, Household, Resident
from registry.selectors import visible_care_tags

DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})  # the value a date input reads
WORKER_SOURCES = [(value, label) for value, label in ProposalSource.choices
                  if value in (ProposalSource.VISIT, ProposalSource.DESK)]
STANDALONE_KINDS = [(value, label) for value, label in MeetingKind.choices if value != MeetingKind.STAGE]


def _areas(user: Any) -> Any:
    return Area.objects.visible_to(user).active().filter(
        level__in=[Level.COMMUNITY, Level.GRID, Level.MICROGRID]).order_by("code")


class ProposalForm(StyledForm):
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=gettext_lazy("所属区域"))
    source = forms.ChoiceField(label=gettext_lazy("来源"), choices=WORKER_SOURCES)
    title = forms.CharField(label=gettext_lazy("议题"), max_length=100)
    details = forms.CharField(label=gettext_lazy("具体内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    proposer = forms.ModelChoiceField(queryset=Resident.objects.none(), label=gettext_lazy("提议居民"), required=False)
    proposer_name = forms.CharField(label=gettext_lazy("提议人"), max_length=50, required=False)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "area").queryset = _areas(user)
        _choices(self, "proposer").queryset = Resident.objects.visible_to(user).order_by("grid_code", "name")


class PublicProposalForm(StyledForm):
    title = forms.CharField(label=gettext_lazy("您的建议（一句话）"), max_length=100)
    details = forms.CharField(label=gettext_lazy("具体内容"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    name = forms.CharField(label=gettext_lazy("您的称呼"), max_length=50)
    phone = forms.CharField(label=gettext_lazy("手机号"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # honeypot: people leave it empty


class _PageForm(StyledForm):
    """A verb's form on a proposal's or meeting's page (which it does not need)."""

    def __init__(self, *args: Any, user: Any = None, proposal: Any = None, meeting: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class SubmitForm(_PageForm):
    stage_set = forms.ModelChoiceField(queryset=StageSet.objects.all(), label=gettext_lazy("议事规程"),
                                       required=False, empty_label=gettext_lazy("默认规程"))


class StageMeetingForm(PhotoForm, StyledForm):
    """The meeting that records a stage: when, where, who attended, the minutes, photos."""

    stage = forms.IntegerField(widget=forms.HiddenInput)  # the stage the page showed: a later decision loses
    held_on = forms.DateField(label=gettext_lazy("会议日期"), widget=DATE_INPUT)
    place = forms.CharField(label=gettext_lazy("地点"), max_length=100)
    title = forms.CharField(label=gettext_lazy("会议名称"), max_length=100, required=False)
    minutes = forms.CharField(label=gettext_lazy("会议纪要"), widget=forms.Textarea(attrs={"rows": 3}))
    attendees = forms.ModelMultipleChoiceField(queryset=Resident.objects.none(), label=gettext_lazy("参会居民"),
                                               required=False)
    staff = forms.ModelMultipleChoiceField(queryset=User.objects.none(), label=gettext_lazy("参会工作人员"),
                                           required=False)
    photos = PhotosField(label=gettext_lazy("会议照片"), limit=4, required=False)

    def __init__(self, *args: Any, user: Any = None, proposal: Proposal | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        if proposal is not None:
            self.fields["stage"].initial = proposal.stage_id
        if user is not None and proposal is not None:
            _multiple(self, "attendees").queryset = (Resident.objects.visible_to(user)
                                                     .filter(grid_code__startswith=proposal.area_code)
                                                     .order_by("grid_code", "name"))
            _multiple(self, "staff").queryset = team_users(user)


def _multiple(form: forms.BaseForm, name: str) -> forms.ModelMultipleChoiceField:  # type: ignore[type-arg]
    field = form.fields[name]
    assert isinstance(field, forms.ModelMultipleChoiceField)
    return field


def team_users(user: Any) -> Any:
    """The staff a meeting may list: users assigned to areas the user sees."""
    return (User.objects.filter(is_active=True, assignments__area__in=Area.objects.visible_to(user))
            .distinct().order_by("username"))


class DecideForm(StageMeetingForm):
    decision = forms.ChoiceField(label=gettext_lazy("决定"), choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=gettext_lazy("决定理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ImplementForm(StageMeetingForm):
    note = forms.CharField(label=gettext_lazy("实施情况"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(StageMeetingForm):
    note = forms.CharField(label=gettext_lazy("办结说明"), widget=forms.Textarea(attrs={"rows": 2}))


class SpawnCaseForm(StyledForm):
    category = forms.ModelChoiceField(queryset=Category.objects.none(), label=gettext_lazy("事件类别"))
    description = forms.CharField(label=gettext_lazy("事件描述"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("user", None)
        kwargs.pop("proposal", None)
        super().__init__(*args, **kwargs)
        _choices(self, "category").queryset = Category.objects.active().order_by("sort_order", "code")


def _households(form: forms.BaseForm, user: Any, area_code: str) -> None:
    _choices(form, "household").queryset = (Household.objects.visible_to(user)
                                            .filter(grid_code__startswith=area_code)
                                            .select_related("dwelling__building").order_by("grid_code", "pk"))


class IssueCodeForm(StyledForm):
    household = forms.ModelChoiceField(queryset=Household.objects.none(), label=gettext_lazy("户"))

    def __init__(self, *args: Any, user: Any = None, proposal: Proposal | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None and proposal is not None:
            _households(self, user, proposal.area_code)


class DoorEvaluationForm(IssueCodeForm):
    rating = forms.ChoiceField(label=gettext_lazy("评价"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=gettext_lazy("意见"), required=False, max_length=300)


class PublicEvaluationForm(StyledForm):
    code = forms.CharField(label=gettext_lazy("评议码"), max_length=12,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    rating = forms.ChoiceField(label=gettext_lazy("您对实施结果的评价"), choices=Rating.choices,
                               widget=forms.RadioSelect)
    comment = forms.CharField(label=gettext_lazy("意见和建议"), required=False, max_length=300,
                              widget=forms.Textarea(attrs={"rows": 3}))
    website = forms.CharField(required=False, widget=forms.HiddenInput)


class MeetingForm(StyledForm):
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=gettext_lazy("所属区域"))
    kind = forms.ChoiceField(label=gettext_lazy("会议类型"), choices=STANDALONE_KINDS)
    title = forms.CharField(label=gettext_lazy("会议名称"), max_length=100)
    held_on = forms.DateField(label=gettext_lazy("会议日期"), widget=DATE_INPUT)
    place = forms.CharField(label=gettext_lazy("地点"), max_length=100)
    agenda = forms.CharField(label=gettext_lazy("议程"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        _choices(self, "area").queryset = _areas(user)


class InviteForm(StyledForm):
    buildings = forms.ModelMultipleChoiceField(queryset=Building.objects.none(), label=gettext_lazy("按楼栋"),
                                               required=False, widget=forms.CheckboxSelectMultiple)
    households = forms.ModelMultipleChoiceField(queryset=Household.objects.none(), label=gettext_lazy("按户"),
                                                required=False)
    tag = forms.ModelChoiceField(queryset=CareTag.objects.all(), label=gettext_lazy("按关爱对象类别"), required=False)

    def __init__(self, *args: Any, user: Any = None, meeting: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None and meeting is not None:
            code = meeting.area_code
            tags = [tag.pk for tag in visible_care_tags(user, meeting.area)]
            _choices(self, "tag").queryset = CareTag.objects.filter(pk__in=tags).order_by("sort_order", "pk")
            _multiple(self, "buildings").queryset = (Building.objects.visible_to(user)
                                                     .filter(grid_code__startswith=code).order_by("grid_code", "name"))
            _multiple(self, "households").queryset = (Household.objects.visible_to(user)
                                                      .filter(grid_code__startswith=code)
                                                      .select_related("dwelling__building").order_by("pk"))


class MarkForm(_PageForm):
    invitation = forms.IntegerField(widget=forms.HiddenInput)


class MinutesForm(PhotoForm, StyledForm):
    minutes = forms.CharField(label=gettext_lazy("会议纪要"), widget=forms.Textarea(attrs={"rows": 4}))
    staff = forms.ModelMultipleChoiceField(queryset=User.objects.none(), label=gettext_lazy("参会工作人员"),
                                           required=False)
    photos = PhotosField(label=gettext_lazy("会议照片"), limit=4, required=False)

    def __init__(self, *args: Any, user: Any = None, meeting: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            _multiple(self, "staff").queryset = team_users(user)


class SpawnProposalForm(StyledForm):
    title = forms.CharField(label=gettext_lazy("议题"), max_length=100)
    details = forms.CharField(label=gettext_lazy("具体内容"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("user", None)
        kwargs.pop("meeting", None)
        super().__init__(*args, **kwargs)


class MeetingSpawnCaseForm(SpawnCaseForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("meeting", None)
        super().__init__(*args, **kwargs)


class SignInForm(StyledForm):
    invitation = forms.TypedChoiceField(label=gettext_lazy("从受邀名单中选择"), required=False, coerce=int,
                                        empty_value=None)
    name = forms.CharField(label=gettext_lazy("或填写姓名"), max_length=50, required=False)
    phone_last4 = forms.CharField(label=gettext_lazy("手机号后四位"), max_length=4, min_length=4,
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["invitation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *choices]
