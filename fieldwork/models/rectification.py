"""Rectification lists (整改清单): a patrol's or a campaign's problems, sent to the unit that fixes them."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Organisation, OrganisationMember
from accounts.scope import restrict_by_permission
from cases.models import Case, Status

from .patrols import Answer, Patrol
from .plans import PatrolPlan

# A case item counts as fixed once the unit has fed back (待核查) or later.
CASE_DONE_STATUSES = frozenset({Status.PENDING_VERIFY, Status.VERIFIED, Status.CLOSED})


class RectificationListQuerySet(models.QuerySet["RectificationList"]):
    def visible_to(self, user: Any) -> RectificationListQuerySet:
        """Lists of the areas where the user holds ``fieldwork.view_rectificationlist``, plus the lists
        sent to a unit the user acts for (a 物业 handler sees their company's lists only)."""
        in_areas = restrict_by_permission(self, user, "area_code", "fieldwork.view_rectificationlist")
        if user is None or not user.is_authenticated:
            return in_areas
        units = OrganisationMember.objects.unit_ids(user)
        sent = self.filter(organisation_id__in=units, sent_at__isnull=False).values("pk")
        return self.filter(Q(pk__in=in_areas.values("pk")) | Q(pk__in=sent))


class RectificationList(models.Model):
    """整改清单: the problems found by a patrol or a 专项巡查 campaign that one unit (物业, a department)
    is to fix, sent as one list with one deadline and worked through item by item.

    ``area_code`` is the patrol's grid or the campaign's area: the list is read where that area is.
    A draft (``sent_at`` empty) is seen by the community only; once sent, the unit's handlers see it.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("整改单位"), on_delete=models.PROTECT, related_name="rectification_lists"
    )
    title = models.CharField(_("标题"), max_length=200)
    area_code = models.CharField(_("区域编码"), max_length=18, db_index=True)
    patrol = models.ForeignKey(
        Patrol,
        verbose_name=_("巡查记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rectification_lists",
    )
    plan = models.ForeignKey(
        PatrolPlan,
        verbose_name=_("巡查计划"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rectification_lists",
    )
    deadline = models.DateField(_("整改期限"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("编制人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("编制时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发送人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RectificationListQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("整改清单")
        verbose_name_plural = pgettext_lazy("plural", "整改清单")
        indexes = [models.Index(fields=["organisation", "sent_at"], name="rectification_unit_sent")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class RectificationItem(models.Model):
    """整改事项: one problem on a list — a linked case (fixed when the unit has fed back), or a
    lightweight item fixed here with an after photo and a note (``done_at``)."""

    rectification = models.ForeignKey(
        RectificationList, verbose_name=_("整改清单"), on_delete=models.CASCADE, related_name="items"
    )
    answer = models.OneToOneField(
        Answer,
        verbose_name=_("检查结果"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rectification_item",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("事件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rectification_items",
    )
    grid_code = models.CharField(_("网格编码"), max_length=18, db_index=True)
    place = models.CharField(_("地点"), max_length=100)
    problem = models.CharField(_("问题"), max_length=500)
    position = models.PositiveIntegerField(_("序号"), default=0)
    done_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("整改人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_note = models.TextField(_("整改情况"), blank=True)
    reopen_note = models.TextField(_("退回原因"), blank=True)

    class Meta:
        ordering = ["rectification", "position", "pk"]
        verbose_name = _("整改事项")
        verbose_name_plural = pgettext_lazy("plural", "整改事项")

    def __str__(self) -> str:
        return f"{self.place}：{self.problem}"

    @property
    def is_done(self) -> bool:
        if self.case_id is not None:
            return self.case is not None and self.case.status in CASE_DONE_STATUSES
        return self.done_at is not None


def rectification_photo_path(instance: RectificationPhoto, filename: str) -> str:
    return f"fieldwork/rectification/{timezone.now():%Y/%m}/{instance.token}.jpg"


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("整改前")
    AFTER = "after", _("整改后")


class RectificationPhoto(models.Model):
    """整改照片: the problem as found (copied from the check-in) or as fixed (the unit's after photo)."""

    item = models.ForeignKey(
        RectificationItem, verbose_name=_("整改事项"), on_delete=models.CASCADE, related_name="photos"
    )
    stage = models.CharField(_("阶段"), max_length=10, choices=PhotoStage.choices)
    token = models.UUIDField(_("访问令牌"), default=uuid.uuid4, unique=True, editable=False)
    image = models.ImageField(_("照片"), upload_to=rectification_photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["item", "stage", "pk"]
        verbose_name = _("整改照片")
        verbose_name_plural = pgettext_lazy("plural", "整改照片")

    def __str__(self) -> str:
        return str(self.token)
