"""议事 (deliberation): proposals (民事民提) through configurable stages, meetings, 居民评议.

A **proposal** moves through the stages of a **stage set** (议事规程, data: the default
网格党支部审议 → 党员服务区初议 → 社区党委决议 → 实施 → 居民评议, or 四议两公开), each stage
naming the body that decides there and each decision recorded as a **meeting**. Meetings also
stand alone (协商会议, 议事会, 微更新协商会) with invited residents who sign in by QR. After
implementation the households of the area **evaluate** the result, one rating per household.
The workflows are the operations of ``participation.deliberation``, ``participation.meetings``
and ``participation.evaluations``.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.scope import restrict
from areas.models import Area
from audit.models import AppendOnlyModel
from cases.models import Case
from core.models import TimeStampedModel
from registry.fields import EncryptedCharField, index_value
from registry.models import Household, Resident


class AreaScopedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> AreaScopedQuerySet:
        return restrict(self, user, "area_code")


class StageKind(models.TextChoices):
    DELIBERATE = "deliberate", _("审议决议")
    IMPLEMENT = "implement", _("实施")
    EVALUATE = "evaluate", _("居民评议")


class StageSet(models.Model):
    """议事规程: the ordered stages a proposal goes through, e.g. the 五步工作法 or 四议两公开.
    Data, edited in the admin; the one marked default is used when a proposal names none."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.TextField(_("说明"), blank=True)
    is_default = models.BooleanField(_("默认"), default=False)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("议事规程")
        verbose_name_plural = pgettext_lazy("plural", "议事规程")
        constraints = [models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                               name="stageset_one_default")]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    """One step of a stage set and the body that decides there (网格党支部, 社区党委…)."""

    stage_set = models.ForeignKey(StageSet, verbose_name=_("议事规程"), on_delete=models.CASCADE,
                                  related_name="stages")
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("阶段"), max_length=50)
    deciding_body = models.CharField(_("决策主体"), max_length=50)
    kind = models.CharField(_("阶段类型"), max_length=12, choices=StageKind.choices, default=StageKind.DELIBERATE)

    class Meta:
        ordering = ["stage_set", "position"]
        verbose_name = _("议事阶段")
        verbose_name_plural = pgettext_lazy("plural", "议事阶段")
        constraints = [models.UniqueConstraint(fields=["stage_set", "position"], name="stage_position_unique")]

    def __str__(self) -> str:
        return self.name

    def following(self) -> Stage | None:
        return self.stage_set.stages.filter(position__gt=self.position).order_by("position").first()

    def preceding(self) -> Stage | None:
        return self.stage_set.stages.filter(position__lt=self.position).order_by("-position").first()


class ProposalSource(models.TextChoices):
    RESIDENT = "resident", _("居民网上提议")
    VISIT = "visit", _("走访收集")
    DESK = "desk", _("窗口/民意直通车")
    CASE = "case", _("事件转入")
    MEETING = "meeting", _("协商会议")


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", _("待提交")
    DELIBERATING = "deliberating", _("议事中")
    CLOSED = "closed", _("已办结")
    REJECTED = "rejected", _("未通过")


class Proposal(TimeStampedModel):
    """民事民提: a matter residents want the community to decide (安装充电桩, 修补道路…).

    While ``state`` is 议事中 ``stage`` is where it stands; every move is a ``ProposalEvent``.
    ``token`` addresses its public evaluation page, never the sequential id.
    """

    area = models.ForeignKey(Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(max_length=18, db_index=True, editable=False)
    title = models.CharField(_("议题"), max_length=100)
    details = models.TextField(_("具体内容"), blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=ProposalSource.choices)
    proposer_name = models.CharField(_("提议人"), max_length=50, blank=True)
    proposer_phone = EncryptedCharField(_("提议人电话"), blank=True)
    proposer_phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    proposer = models.ForeignKey(Resident, verbose_name=_("提议居民"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    source_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    source_case = models.ForeignKey(Case, verbose_name=_("来源事件"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    source_meeting = models.ForeignKey("Meeting", verbose_name=_("来源会议"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="spawned_proposals")
    spawned_cases = models.ManyToManyField(Case, verbose_name=_("转办事件"), blank=True, related_name="+")
    stage_set = models.ForeignKey(StageSet, verbose_name=_("议事规程"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    stage = models.ForeignKey(Stage, verbose_name=_("当前阶段"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=12, choices=ProposalState.choices,
                             default=ProposalState.PROPOSED)
    rejection_reason = models.TextField(_("未通过理由"), blank=True)
    implementation_note = models.TextField(_("实施情况"), blank=True)
    implemented_at = models.DateTimeField(_("实施完成时间"), null=True, blank=True)
    closing_note = models.TextField(_("办结说明"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    token = models.UUIDField(_("公开令牌"), default=uuid.uuid4, unique=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = AreaScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("议题")
        verbose_name_plural = pgettext_lazy("plural", "议题")
        indexes = [models.Index(fields=["state", "area_code"], name="proposal_state_area")]
        permissions = [
            ("decide_proposal", _("可以登记议事会议和决定")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_area(self) -> Area:
        return self.area

    @property
    def evaluating(self) -> bool:
        return self.state == ProposalState.DELIBERATING and self.stage is not None \
            and self.stage.kind == StageKind.EVALUATE

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_code = self.area.code
        self.proposer_phone_index = index_value("phone", self.proposer_phone) if self.proposer_phone else ""
        super().save(*args, **kwargs)


EVENT_VERBS = {
    "propose": _("居民提议"), "record": _("登记议题"), "from_case": _("事件转入"), "submit": _("提交议事"),
    "pass": _("通过"), "return": _("退回"), "reject": _("不通过"), "implement": _("实施"), "close": _("办结"),
    "spawn_case": _("转为事件"),
}


class ProposalEvent(AppendOnlyModel):
    """One entry of a proposal's timeline (提议、提交、通过、退回、未通过、实施、办结…)."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="events")
    time = models.DateTimeField(_("时间"), default=timezone.now)
    verb = models.CharField(_("动作"), max_length=20)
    stage_name = models.CharField(_("阶段"), max_length=50, blank=True)
    meeting = models.ForeignKey("Meeting", verbose_name=_("会议"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(_("操作人名称"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    area_code = models.CharField(max_length=18, db_index=True)

    class Meta:
        ordering = ["time", "pk"]
        verbose_name = _("议题日志")
        verbose_name_plural = pgettext_lazy("plural", "议题日志")

    def __str__(self) -> str:
        return f"{self.proposal} {self.verb}"

    @property
    def verb_label(self) -> str:
        return str(EVENT_VERBS.get(self.verb, self.verb))


class MeetingKind(models.TextChoices):
    STAGE = "stage", _("议事阶段会议")
    CONSULTATION = "consultation", _("协商会议")
    COUNCIL = "council", _("议事会")
    RENEWAL = "renewal", _("微更新协商会")


class Decision(models.TextChoices):
    PASS = "pass", _("通过")
    RETURN = "return", _("退回")
    REJECT = "reject", _("不通过")


class Meeting(TimeStampedModel):
    """A meeting: the one deciding a proposal at a stage, or a standalone consultation with
    invited residents who sign in by QR (``token``) until the minutes are recorded."""

    area = models.ForeignKey(Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(max_length=18, db_index=True, editable=False)
    kind = models.CharField(_("会议类型"), max_length=12, choices=MeetingKind.choices)
    title = models.CharField(_("会议名称"), max_length=100)
    agenda = models.TextField(_("议程"), blank=True)
    held_on = models.DateField(_("会议日期"), default=timezone.localdate)
    place = models.CharField(_("地点"), max_length=100)
    minutes = models.TextField(_("会议纪要"), blank=True)
    minuted_at = models.DateTimeField(_("纪要登记时间"), null=True, blank=True)
    proposal = models.ForeignKey(Proposal, verbose_name=_("议题"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="meetings")
    stage = models.ForeignKey(Stage, verbose_name=_("议事阶段"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("决定"), max_length=10, choices=Decision.choices, blank=True)
    reason = models.TextField(_("决定理由"), blank=True)
    attendees = models.ManyToManyField(Resident, verbose_name=_("参会居民"), blank=True, related_name="+")
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("参会工作人员"), blank=True,
                                   related_name="+")
    spawned_cases = models.ManyToManyField(Case, verbose_name=_("转办事件"), blank=True, related_name="+")
    token = models.UUIDField(_("签到令牌"), default=uuid.uuid4, unique=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = AreaScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("会议")
        verbose_name_plural = pgettext_lazy("plural", "会议")

    def __str__(self) -> str:
        return self.title

    @property
    def scope_area(self) -> Area:
        return self.area

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_code = self.area.code
        super().save(*args, **kwargs)


def meeting_photo_path(instance: MeetingPhoto, filename: str) -> str:
    return f"participation/meetings/{timezone.now():%Y/%m}/{secrets.token_hex(12)}.jpg"


class MeetingPhoto(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=meeting_photo_path)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("会议照片")
        verbose_name_plural = pgettext_lazy("plural", "会议照片")

    def __str__(self) -> str:
        return f"{self.meeting} #{self.pk}"


class Invitation(models.Model):
    """A resident invited to a consultation meeting; ``signed_in_at`` once, by QR or by staff."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="invitations")
    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="+")
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    signed_in_by_staff = models.BooleanField(_("工作人员代签"), default=False)

    class Meta:
        ordering = ["meeting", "resident__name", "pk"]
        verbose_name = _("会议邀请")
        verbose_name_plural = pgettext_lazy("plural", "会议邀请")
        constraints = [models.UniqueConstraint(fields=["meeting", "resident"], name="invitation_once")]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.resident}"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class EvaluationCode(models.Model):
    """A one-time code a worker gives a household so it can rate a proposal's result by link/QR."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("议题"), on_delete=models.CASCADE,
                                 related_name="evaluation_codes")
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("评议码"), max_length=12)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发放人"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(_("发放时间"), default=timezone.now)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评议码")
        verbose_name_plural = pgettext_lazy("plural", "评议码")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "household"], name="evaluation_code_per_household"),
            models.UniqueConstraint(fields=["proposal", "code"], name="evaluation_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} · {self.household}"


class Evaluation(TimeStampedModel):
    """居民评议: one household's rating of an implemented proposal (one per household)."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("议题"), on_delete=models.CASCADE,
                                 related_name="evaluations")
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices)
    comment = models.CharField(_("意见"), max_length=300, blank=True)
    by_code = models.BooleanField(_("居民扫码评议"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["proposal", "pk"]
        verbose_name = _("居民评议")
        verbose_name_plural = pgettext_lazy("plural", "居民评议")
        constraints = [models.UniqueConstraint(fields=["proposal", "household"], name="evaluation_one_per_household")]

    def __str__(self) -> str:
        return f"{self.proposal} · {self.household}: {self.rating}"
