"""共建共治: micro-wishes (微心愿) and door-to-door ballots (逐户签字 / 业主表决).

A wish and a ballot live in an area (``area_code`` mirrors the area's code) and are scoped like
every other record through ``visible_to``. Their workflows are the named operations of
``participation.wishes`` and ``participation.ballots``; the models keep only their own invariants.
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

from accounts.models import Organisation
from accounts.scope import restrict
from areas.models import Area
from audit.models import AppendOnlyModel
from core.models import TimeStampedModel
from fieldwork.models import Visit
from registry.fields import EncryptedCharField, index_value
from registry.models import Building, CareTag, Dwelling, Household, Resident


class ScopedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any) -> ScopedQuerySet:
        return restrict(self, user, "area_code")


class WishState(models.TextChoices):
    COLLECTED = "collected", _("已征集")
    APPROVED = "approved", _("已审核")
    DECLINED = "declined", _("未通过")
    PUBLISHED = "published", _("已发布")
    CLAIMED = "claimed", _("已认领")
    FULFILLED = "fulfilled", _("已圆梦")
    CONFIRMED = "confirmed", _("已确认")


class ClaimantKind(models.TextChoices):
    PARTY_MEMBER = "party_member", _("党员")
    VOLUNTEER_TEAM = "volunteer_team", _("志愿服务队")
    PARTNER_UNIT = "partner_unit", _("共驻共建单位")
    PUBLIC = "public", _("爱心群众")


def wish_photo_path(instance: Wish, filename: str) -> str:
    return f"participation/{timezone.now():%Y/%m}/{secrets.token_hex(12)}.jpg"


class Wish(TimeStampedModel):
    """微心愿: a small wish of a resident of a care group, collected on a visit, reviewed by the
    community, published on the wish wall, claimed by a helper and fulfilled (认领圆梦).

    ``public_label`` is the only thing about the beneficiary the wall shows, in words they agreed
    to (e.g. "王奶奶，78岁，独居"); without ``consent_to_publish`` the wish is never published.
    """

    area = models.ForeignKey(Area, verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(max_length=18, db_index=True, editable=False)
    resident = models.ForeignKey(
        Resident, verbose_name=_("心愿人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    care_tag = models.ForeignKey(CareTag, verbose_name=_("关爱对象类别"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("心愿内容"), max_length=100)
    details = models.TextField(_("心愿说明"), blank=True)
    estimated_value = models.DecimalField(_("预估价值(元)"), max_digits=8, decimal_places=2)
    consent_to_publish = models.BooleanField(_("同意公开"), default=False)
    public_label = models.CharField(
        _("公开称呼"), max_length=40, blank=True, help_text=_("经本人同意公开的称呼，如“王奶奶，78岁”。")
    )
    state = models.CharField(_("状态"), max_length=12, choices=WishState.choices, default=WishState.COLLECTED)
    review_meeting = models.CharField(_("审核会议"), max_length=100, blank=True)
    review_reason = models.TextField(_("审核意见"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    claimant_kind = models.CharField(_("认领人类别"), max_length=20, choices=ClaimantKind.choices, blank=True)
    claimant_name = models.CharField(_("认领人"), max_length=100, blank=True)
    claimant_phone = EncryptedCharField(_("认领人电话"), blank=True)
    claimant_phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    claimant_organisation = models.ForeignKey(
        Organisation, verbose_name=_("认领单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claim_source_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True, db_index=True)
    claim_expires_at = models.DateTimeField(_("认领有效期至"), null=True, blank=True, db_index=True)
    fulfilled_at = models.DateTimeField(_("圆梦时间"), null=True, blank=True)
    fulfilment_note = models.TextField(_("圆梦说明"), blank=True)
    fulfilment_photo = models.ImageField(_("圆梦照片"), upload_to=wish_photo_path, blank=True)
    token = models.UUIDField(_("公开令牌"), default=uuid.uuid4, unique=True, editable=False)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_visit = models.ForeignKey(
        Visit, verbose_name=_("来源走访"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("微心愿")
        verbose_name_plural = pgettext_lazy("plural", "微心愿")
        indexes = [models.Index(fields=["state", "area_code"], name="wish_state_area")]
        permissions = [
            ("review_wish", _("可以审核和发布微心愿")),
            ("handle_wish", _("可以登记微心愿的认领、圆梦和确认")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_area(self) -> Area:
        return self.area

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_code = self.area.code
        self.claimant_phone_index = index_value("phone", self.claimant_phone) if self.claimant_phone else ""
        super().save(*args, **kwargs)


class WishEvent(AppendOnlyModel):
    """One entry of a wish's timeline (征集、审核、发布、认领、圆梦、确认、认领过期)."""

    wish = models.ForeignKey(Wish, verbose_name=_("微心愿"), on_delete=models.CASCADE, related_name="events")
    time = models.DateTimeField(_("时间"), default=timezone.now)
    verb = models.CharField(_("动作"), max_length=20)
    from_state = models.CharField(max_length=12, choices=WishState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=WishState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人名称"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    area_code = models.CharField(max_length=18, db_index=True)

    class Meta:
        ordering = ["time", "pk"]
        verbose_name = _("微心愿日志")
        verbose_name_plural = pgettext_lazy("plural", "微心愿日志")

    def __str__(self) -> str:
        return f"{self.wish} {self.verb}"


class UnitKind(models.TextChoices):
    HOUSEHOLD = "household", _("按户")
    DWELLING = "dwelling", _("按房屋(业主)")


class ThresholdRule(models.TextChoices):
    MAJORITY = "majority", _("过半数同意")
    SHARE = "share", _("同意率达到设定比例")
    CIVIL_CODE_ORDINARY = "civil_ordinary", _("民法典第278条一般事项")
    CIVIL_CODE_SPECIAL = "civil_special", _("民法典第278条重大事项")


class BallotQuerySet(models.QuerySet["Ballot"]):
    def visible_to(self, user: Any) -> BallotQuerySet:
        """Ballots of the user's areas, and ballots reaching buildings the user sees (a grid worker
        collects the votes of a community's ballot in the buildings of their grid)."""
        own = restrict(Ballot.objects.all(), user, "area_code").values("pk")
        reached = Ballot.buildings.through.objects.filter(
            building__in=Building.objects.visible_to(user)
        ).values("ballot_id")
        return self.filter(Q(pk__in=own) | Q(pk__in=reached))


class BallotState(models.TextChoices):
    OPEN = "open", _("表决中")
    CLOSED = "closed", _("已结束")


class Ballot(TimeStampedModel):
    """逐户签字协商 / 业主表决: one question put to the households or owners of some buildings.

    Its threshold is a rule (``rule``, with ``share_numerator``/``share_denominator`` for a set
    share), evaluated by ``participation.thresholds``; never free text.
    """

    area = models.ForeignKey(Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(max_length=18, db_index=True, editable=False)
    question = models.CharField(_("表决事项"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    buildings = models.ManyToManyField(Building, verbose_name=_("楼栋"), related_name="+")
    unit_kind = models.CharField(_("表决单位"), max_length=12, choices=UnitKind.choices, default=UnitKind.HOUSEHOLD)
    rule = models.CharField(_("通过规则"), max_length=20, choices=ThresholdRule.choices,
                            default=ThresholdRule.MAJORITY)
    share_numerator = models.PositiveSmallIntegerField(_("比例分子"), default=2)
    share_denominator = models.PositiveSmallIntegerField(_("比例分母"), default=3)
    state = models.CharField(_("状态"), max_length=10, choices=BallotState.choices, default=BallotState.OPEN)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    publish_result = models.BooleanField(
        _("结束后公开汇总结果"), default=False,
        help_text=_("表决结束后，在网格公开页显示汇总结果（不含任何住户或个人）。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = BallotQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("表决")
        verbose_name_plural = pgettext_lazy("plural", "表决")
        permissions = [("record_vote", _("可以入户登记表决意见"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(share_numerator__gt=0) & Q(share_numerator__lte=models.F("share_denominator")),
                name="ballot_share_is_a_fraction",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def scope_area(self) -> Area:
        return self.area

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_code = self.area.code
        super().save(*args, **kwargs)


class VoteChannel(models.TextChoices):
    DOOR = "door", _("入户签字")
    LINK = "link", _("扫码表决")


class Choice(models.TextChoices):
    AGREE = "agree", _("同意")
    AGAINST = "against", _("反对")
    ABSTAIN = "abstain", _("弃权")


def vote_photo_path(instance: Vote, filename: str) -> str:
    return f"participation/votes/{timezone.now():%Y/%m}/{secrets.token_hex(12)}.jpg"


class Vote(TimeStampedModel):
    """One unit's vote (a household's, or a dwelling's owner's), collected door to door.

    One per unit and ballot (the database enforces it); it may change until the ballot closes,
    each change logged in ``VoteChange``.
    """

    ballot = models.ForeignKey(Ballot, verbose_name=_("表决"), on_delete=models.CASCADE, related_name="votes")
    dwelling = models.ForeignKey(Dwelling, verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        Household, verbose_name=_("户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    choice = models.CharField(_("意见"), max_length=10, choices=Choice.choices)
    signer_name = models.CharField(_("签字人"), max_length=50)
    signer_relation = models.CharField(_("与户主或产权人关系"), max_length=30, blank=True)
    signed_on = models.DateField(_("签字日期"), default=timezone.localdate)
    photo = models.ImageField(_("签字照片"), upload_to=vote_photo_path, blank=True)
    channel = models.CharField(_("表决方式"), max_length=10, choices=VoteChannel.choices, default=VoteChannel.DOOR)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["ballot", "dwelling"]
        verbose_name = _("表决意见")
        verbose_name_plural = pgettext_lazy("plural", "表决意见")
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "household"], condition=Q(household__isnull=False), name="vote_one_per_household"
            ),
            models.UniqueConstraint(
                fields=["ballot", "dwelling"], condition=Q(household__isnull=True), name="vote_one_per_dwelling"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ballot} · {self.dwelling}"


class VoteChange(AppendOnlyModel):
    """Every recording or change of a vote: who, when, from what to what."""

    vote = models.ForeignKey(Vote, verbose_name=_("表决意见"), on_delete=models.CASCADE, related_name="changes")
    time = models.DateTimeField(_("时间"), default=timezone.now)
    previous_choice = models.CharField(_("原意见"), max_length=10, choices=Choice.choices, blank=True)
    choice = models.CharField(_("意见"), max_length=10, choices=Choice.choices)
    signer_name = models.CharField(_("签字人"), max_length=50)
    channel = models.CharField(_("表决方式"), max_length=10, choices=VoteChannel.choices, default=VoteChannel.DOOR)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    area_code = models.CharField(max_length=18, db_index=True)

    class Meta:
        ordering = ["time", "pk"]
        verbose_name = _("表决意见变更")
        verbose_name_plural = pgettext_lazy("plural", "表决意见变更")

    def __str__(self) -> str:
        return f"{self.vote}: {self.previous_choice} → {self.choice}"


# 公约 (conventions) and the deliberation models (议事) live in their own modules; imported here so
# Django registers them.
from participation.models.convention import (  # noqa: E402
    CommentSource,
    Convention,
    ConventionBreach,
    ConventionComment,
    ConventionEvent,
    ConventionKind,
    ConventionState,
    ConventionVersion,
)
from participation.models.deliberation import (  # noqa: E402
    Decision,
    Evaluation,
    EvaluationCode,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingPhoto,
    Proposal,
    ProposalEvent,
    ProposalSource,
    ProposalState,
    Rating,
    Stage,
    StageKind,
    StageSet,
)
from participation.models.votelinks import VoteCode, VoteLink  # noqa: E402

__all__ = [
    "Ballot", "BallotState", "Choice", "ClaimantKind", "CommentSource", "Convention", "ConventionBreach",
    "ConventionComment", "ConventionEvent", "ConventionKind", "ConventionState", "ConventionVersion", "Decision",
    "Evaluation", "EvaluationCode", "Invitation",
    "Meeting", "MeetingKind", "MeetingPhoto", "Proposal", "ProposalEvent", "ProposalSource", "ProposalState",
    "Rating", "Stage", "StageKind", "StageSet", "ThresholdRule", "UnitKind", "Vote", "VoteChange", "VoteChannel",
    "VoteCode", "VoteLink", "Wish",
    "WishEvent", "WishState",
]
