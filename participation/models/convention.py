"""公约: conventions of a building, an estate or a community (楼道公约, 居民公约, 文明养犬公约 …).

A convention is drafted (its text kept version by version), put to the residents for comments,
adopted by a ballot over its buildings (``participation.ballots``), published, signed by the
households (a second ballot, 签署, where 同意 means signed) and watched: breaches are noted against
a case or a patrol finding. The workflow is the named operations of ``participation.conventions``.
"""

from __future__ import annotations

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
from fieldwork.models import Answer
from registry.models import Building


class ConventionKind(models.TextChoices):
    STAIRWELL = "stairwell", _("楼道公约")
    RESIDENTS = "residents", _("居民公约")
    DOGS = "dogs", _("文明养犬公约")
    OTHER = "other", _("其他公约")


class ConventionState(models.TextChoices):
    DRAFT = "draft", _("起草")
    COMMENTING = "commenting", _("征求意见")
    VOTING = "voting", _("表决")
    ADOPTED = "adopted", _("已通过")
    REJECTED = "rejected", _("未通过")
    REPEALED = "repealed", _("已废止")


class ConventionQuerySet(models.QuerySet["Convention"]):
    def visible_to(self, user: Any) -> ConventionQuerySet:
        """Conventions of the user's areas, and those reaching buildings the user sees (a grid
        worker of the building a community's 楼道公约 covers), like ballots."""
        own = restrict(Convention.objects.all(), user, "area_code").values("pk")
        reached = Convention.buildings.through.objects.filter(
            building__in=Building.objects.visible_to(user)
        ).values("convention_id")
        return self.filter(Q(pk__in=own) | Q(pk__in=reached))

    def public(self) -> ConventionQuerySet:
        """What anyone may read: drafts open for comments, and adopted conventions once published."""
        return self.filter(Q(state=ConventionState.COMMENTING)
                           | Q(state=ConventionState.ADOPTED, published_at__isnull=False))


class Convention(TimeStampedModel):
    """公约: its scope (an area and the buildings it covers), its state, its two ballots."""

    area = models.ForeignKey(Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(max_length=18, db_index=True, editable=False)
    title = models.CharField(_("公约名称"), max_length=100)
    kind = models.CharField(_("公约类别"), max_length=12, choices=ConventionKind.choices,
                            default=ConventionKind.STAIRWELL)
    buildings = models.ManyToManyField(Building, verbose_name=_("楼栋"), related_name="+")
    state = models.CharField(_("状态"), max_length=12, choices=ConventionState.choices,
                             default=ConventionState.DRAFT)
    ballot = models.ForeignKey("Ballot", verbose_name=_("表决"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    voted_version = models.ForeignKey("ConventionVersion", verbose_name=_("表决文本"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    signature_ballot = models.ForeignKey("Ballot", verbose_name=_("签署"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    adopted_on = models.DateField(_("通过日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    repealed_at = models.DateTimeField(_("废止时间"), null=True, blank=True)
    repeal_reason = models.TextField(_("废止原因"), blank=True)
    token = models.UUIDField(_("公开令牌"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("起草人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ConventionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("公约")
        verbose_name_plural = pgettext_lazy("plural", "公约")
        permissions = [("record_convention", _("可以登记公约意见和违约情况"))]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_area(self) -> Area:
        return self.area

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_code = self.area.code
        super().save(*args, **kwargs)

    def current_version(self) -> ConventionVersion | None:
        return self.versions.order_by("-number").first()

    @property
    def in_force(self) -> bool:
        return self.state == ConventionState.ADOPTED


class ConventionVersion(AppendOnlyModel):
    """One text of a convention: every drafting edit is a new version, none is ever changed."""

    convention = models.ForeignKey(Convention, verbose_name=_("公约"), on_delete=models.CASCADE,
                                   related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    text = models.TextField(_("公约正文"))
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True,
                               on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["convention", "number"]
        verbose_name = _("公约文本")
        verbose_name_plural = pgettext_lazy("plural", "公约文本")
        constraints = [models.UniqueConstraint(fields=["convention", "number"], name="convention_version_number")]

    def __str__(self) -> str:
        return f"{self.convention} v{self.number}"


class CommentSource(models.TextChoices):
    WORKER = "worker", _("工作人员代录")
    PUBLIC = "public", _("居民网上提交")


class ConventionComment(models.Model):
    """A resident's comment on a draft: recorded by a worker, or left on the public page."""

    convention = models.ForeignKey(Convention, verbose_name=_("公约"), on_delete=models.CASCADE,
                                   related_name="comments")
    version = models.ForeignKey(ConventionVersion, verbose_name=_("版本"), on_delete=models.CASCADE,
                                related_name="comments")
    text = models.TextField(_("意见"))
    commenter = models.CharField(_("提出人"), max_length=50, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=CommentSource.choices)
    source_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("公约意见")
        verbose_name_plural = pgettext_lazy("plural", "公约意见")

    def __str__(self) -> str:
        return self.text[:30]


EVENT_VERBS = {
    "draft": _("起草"), "revise": _("修改"), "open_comments": _("征求意见"), "put_to_vote": _("提交表决"),
    "adopt": _("表决通过"), "reject": _("表决未通过"), "publish": _("公布"), "open_signatures": _("组织签署"),
    "breach": _("登记违约"), "repeal": _("废止"),
}


class ConventionEvent(AppendOnlyModel):
    """One entry of a convention's timeline (起草、修改、征求意见、提交表决、通过、公布、签署、废止…)."""

    convention = models.ForeignKey(Convention, verbose_name=_("公约"), on_delete=models.CASCADE,
                                   related_name="events")
    time = models.DateTimeField(_("时间"), default=timezone.now)
    verb = models.CharField(_("动作"), max_length=20)
    from_state = models.CharField(max_length=12, choices=ConventionState.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=ConventionState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(_("操作人名称"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    area_code = models.CharField(max_length=18, db_index=True)

    class Meta:
        ordering = ["time", "pk"]
        verbose_name = _("公约日志")
        verbose_name_plural = pgettext_lazy("plural", "公约日志")

    def __str__(self) -> str:
        return f"{self.convention} {self.verb}"

    @property
    def verb_label(self) -> str:
        return str(EVENT_VERBS.get(self.verb, self.verb))


class ConventionBreach(models.Model):
    """违约: a breach of a convention in force, noted against a case (e.g. 楼道堆物) or a patrol
    finding, so the community sees month by month whether the convention works."""

    convention = models.ForeignKey(Convention, verbose_name=_("公约"), on_delete=models.CASCADE,
                                   related_name="breaches")
    occurred_on = models.DateField(_("发生日期"), db_index=True)
    note = models.CharField(_("情况说明"), max_length=200, blank=True)
    case = models.ForeignKey(Case, verbose_name=_("事件"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    finding = models.ForeignKey(Answer, verbose_name=_("巡查发现"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("违约记录")
        verbose_name_plural = pgettext_lazy("plural", "违约记录")
        constraints = [
            models.UniqueConstraint(fields=["convention", "case"], condition=Q(case__isnull=False),
                                    name="breach_one_per_case"),
            models.UniqueConstraint(fields=["convention", "finding"], condition=Q(finding__isnull=False),
                                    name="breach_one_per_finding"),
        ]

    def __str__(self) -> str:
        return f"{self.convention} {self.occurred_on}"
