"""Patrols as done (巡查记录): the patrol, its check-ins at targets, the answers, photos and route."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.scope import restrict_by_permission
from areas.models import Area
from cases.models import Case
from registry.models import Building, Establishment, Facility

from .checklists import ChecklistItem, ChecklistVersion
from .plans import PatrolPlan, PatrolWindow, PlanTarget


class PatrolQuerySet(models.QuerySet["Patrol"]):
    def visible_to(self, user: Any) -> PatrolQuerySet:
        """Patrols in the areas where the user holds ``fieldwork.view_patrol`` (not a 楼栋长, not a handler)."""
        return restrict_by_permission(self, user, "grid_code", "fieldwork.view_patrol")

    def active(self) -> PatrolQuerySet:
        return self.filter(finished_at__isnull=True)


class Patrol(models.Model):
    """一次巡查: a worker's patrol of one grid under a plan (in one of its windows for 日常巡查).

    It is active from ``started_at`` until ``finished_at``. ``day`` is the local date the patrol
    counts for. Location points are kept only with ``location_consent`` and only while active.
    """

    plan = models.ForeignKey(PatrolPlan, verbose_name=_("巡查计划"), on_delete=models.PROTECT, related_name="patrols")
    window = models.ForeignKey(PatrolWindow, verbose_name=_("巡查时段"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="patrols")
    grid = models.ForeignKey(Area, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(_("网格编码"), max_length=18, editable=False)
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("巡查人"), on_delete=models.PROTECT,
                               related_name="patrols")
    day = models.DateField(_("日期"))
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    note = models.TextField(_("巡查小结"), blank=True)
    location_consent = models.BooleanField(_("同意记录轨迹"), default=False)

    objects = PatrolQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("巡查记录")
        verbose_name_plural = pgettext_lazy("plural", "巡查记录")
        permissions = [("view_route", _("可以查看巡查轨迹")), ("view_compliance", _("可以查看巡查走访考核"))]
        indexes = [
            models.Index(fields=["grid_code", "day"], name="patrol_grid_day"),
            models.Index(fields=["worker", "finished_at"], name="patrol_worker_active"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.grid} · {self.day}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.grid_id:
            self.grid_code = self.grid.code
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.finished_at is None


class CheckInMethod(models.TextChoices):
    TAP = "tap", _("点选")
    QR = "qr", _("扫码")
    LOCATION = "location", _("定位")


class CheckIn(models.Model):
    """巡查签到: the worker at one target, with the checklist answered there (its version kept)."""

    patrol = models.ForeignKey(Patrol, verbose_name=_("巡查记录"), on_delete=models.CASCADE, related_name="checkins")
    target = models.ForeignKey(PlanTarget, verbose_name=_("巡查目标"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="checkins")
    building = models.ForeignKey(Building, verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    establishment = models.ForeignKey(Establishment, verbose_name=_("实有单位"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    facility = models.ForeignKey(Facility, verbose_name=_("部件设施"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    label = models.CharField(_("地点"), max_length=100)
    method = models.CharField(_("签到方式"), max_length=10, choices=CheckInMethod.choices, default=CheckInMethod.TAP)
    at = models.DateTimeField(_("签到时间"), default=timezone.now)
    checklist_version = models.ForeignKey(ChecklistVersion, verbose_name=_("检查清单版本"), null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="checkins")
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("巡查签到")
        verbose_name_plural = pgettext_lazy("plural", "巡查签到")

    def __str__(self) -> str:
        return self.label


class Handling(models.TextChoices):
    OPEN = "", _("未处理")
    REPORTED = "reported", _("已上报事件")
    RESOLVED = "resolved", _("当场解决")


class Answer(models.Model):
    """检查结果: the answer to one item at one check-in; a problem may become a case (both ways linked)."""

    checkin = models.ForeignKey(CheckIn, verbose_name=_("巡查签到"), on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("检查项"), on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("答案"), max_length=500, blank=True)
    is_problem = models.BooleanField(_("发现问题"), default=False)
    handling = models.CharField(_("处理"), max_length=10, choices=Handling.choices, default=Handling.OPEN, blank=True)
    case = models.ForeignKey(Case, verbose_name=_("事件"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="patrol_answers")

    class Meta:
        ordering = ["checkin", "item__position", "pk"]
        verbose_name = _("检查结果")
        verbose_name_plural = pgettext_lazy("plural", "检查结果")

    def __str__(self) -> str:
        return f"{self.item}: {self.value}"


def photo_path(instance: FieldPhoto, filename: str) -> str:
    return f"fieldwork/{timezone.now():%Y/%m}/{instance.token}.jpg"


class FieldPhoto(models.Model):
    """巡查照片: a photo taken at a check-in, re-encoded like case photos (``cases.photos``)."""

    checkin = models.ForeignKey(CheckIn, verbose_name=_("巡查签到"), on_delete=models.CASCADE, related_name="photos")
    answer = models.ForeignKey(Answer, verbose_name=_("检查结果"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="photos")
    token = models.UUIDField(_("访问令牌"), default=uuid.uuid4, unique=True, editable=False)
    image = models.ImageField(_("照片"), upload_to=photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["checkin", "pk"]
        verbose_name = _("巡查照片")
        verbose_name_plural = pgettext_lazy("plural", "巡查照片")

    def __str__(self) -> str:
        return str(self.token)


class RoutePoint(models.Model):
    """轨迹点: where the worker was during an active patrol, kept only with their consent."""

    patrol = models.ForeignKey(Patrol, verbose_name=_("巡查记录"), on_delete=models.CASCADE, related_name="route")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    lng = models.FloatField(_("经度(WGS-84)"))
    lat = models.FloatField(_("纬度(WGS-84)"))
    accuracy = models.FloatField(_("精度(米)"), null=True, blank=True)

    class Meta:
        ordering = ["patrol", "at", "pk"]
        verbose_name = _("轨迹点")
        verbose_name_plural = pgettext_lazy("plural", "轨迹点")

    def __str__(self) -> str:
        return f"{self.lng:.6f},{self.lat:.6f}"


class MissedWindow(models.Model):
    """漏巡: a window of a daily plan that passed without a finished patrol, claimed once.

    The row is the claim: ``notify_missed_patrols`` tells the 网格长 only when it inserts the row,
    so running the check twice (or twice at once) sends nothing twice.
    """

    window = models.ForeignKey(PatrolWindow, verbose_name=_("巡查时段"), on_delete=models.CASCADE,
                               related_name="missed")
    grid = models.ForeignKey(Area, verbose_name=_("网格"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("日期"))
    noticed_at = models.DateTimeField(_("发现时间"), default=timezone.now)

    class Meta:
        ordering = ["-day", "grid", "window"]
        verbose_name = _("漏巡记录")
        verbose_name_plural = pgettext_lazy("plural", "漏巡记录")
        constraints = [models.UniqueConstraint(fields=["window", "grid", "day"], name="missed_window_once")]

    def __str__(self) -> str:
        return f"{self.grid} {self.day} {self.window}"
