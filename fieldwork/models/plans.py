"""Patrol plans (巡查计划) per area subtree: 日常巡查 with daily windows, 专项巡查 campaigns with targets."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.scope import restrict, scope_prefixes
from areas.models import Area, code_prefix
from registry.models import Building, Establishment, Facility

from .checklists import Checklist


class PlanKind(models.TextChoices):
    DAILY = "daily", _("日常巡查")
    SPECIAL = "special", _("专项巡查")


class PlanDays(models.TextChoices):
    EVERY_DAY = "every_day", _("每天")
    WORKDAYS = "workdays", _("仅工作日")


class PatrolPlanQuerySet(models.QuerySet["PatrolPlan"]):
    def visible_to(self, user: Any) -> PatrolPlanQuerySet:
        """Plans of the user's areas, and plans of the areas above them that cover their grids."""
        from_above = Q(pk__in=[])
        for prefix in _user_prefixes(user):
            from_above |= Q(area_prefix__in=[prefix[:length] for length in range(1, len(prefix))])
        return restrict(self, user, "area_prefix") | self.filter(from_above)

    def covering(self, grid: Area) -> PatrolPlanQuerySet:
        """Active plans whose subtree holds this grid."""
        return self.filter(is_active=True, area_prefix__in=[grid.code[:length] for length in range(1, 16)])


def _user_prefixes(user: Any) -> list[str]:
    return scope_prefixes(user) or []


class PatrolPlan(models.Model):
    """巡查计划: who patrols what in an area's subtree, and when.

    A 日常巡查 plan (kind ``daily``) asks every grid of its subtree for one patrol in each of its
    windows (``PatrolWindow``: 一日双巡 is a morning and an afternoon window) on every day or on
    working days only (``cases.calendar.WorkCalendar``: holidays and 调休 included). A 专项巡查
    campaign (kind ``special``) runs from ``starts_on`` to ``ends_on`` over its targets
    (``PlanTarget``), each to be checked once, or every ``target_interval_days`` days.
    """

    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    area_prefix = models.CharField(_("区域编码前缀"), max_length=18, db_index=True, editable=False)
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=10, choices=PlanKind.choices, default=PlanKind.DAILY)
    checklist = models.ForeignKey(Checklist, verbose_name=_("检查清单"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="plans")
    days = models.CharField(_("巡查日"), max_length=10, choices=PlanDays.choices, default=PlanDays.EVERY_DAY)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    target_interval_days = models.PositiveSmallIntegerField(
        _("目标检查周期(天)"), null=True, blank=True, help_text=_("空表示每个目标检查一次。"))
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = PatrolPlanQuerySet.as_manager()

    class Meta:
        ordering = ["area_prefix", "kind", "name"]
        verbose_name = _("巡查计划")
        verbose_name_plural = pgettext_lazy("plural", "巡查计划")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.area_id:
            self.area_prefix = code_prefix(self.area.code, self.area.level)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
        if self.kind == PlanKind.SPECIAL and not self.ends_on:
            raise ValidationError({"ends_on": _("专项巡查需要结束日期。")})

    def runs_on(self, day: datetime.date) -> bool:
        """Whether the plan's dates include ``day`` (the working-day rule is the schedule's)."""
        return self.is_active and self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class PatrolWindow(models.Model):
    """巡查时段: one window of a daily plan (上午巡 08:00–11:30, 下午巡 14:00–17:30)."""

    plan = models.ForeignKey(PatrolPlan, verbose_name=_("巡查计划"), on_delete=models.CASCADE, related_name="windows")
    name = models.CharField(_("名称"), max_length=20)
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))

    class Meta:
        ordering = ["plan", "starts_at"]
        verbose_name = _("巡查时段")
        verbose_name_plural = pgettext_lazy("plural", "巡查时段")

    def __str__(self) -> str:
        return f"{self.name} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("结束时间必须晚于开始时间。")})


class TargetKind(models.TextChoices):
    BUILDING = "building", _("楼栋")
    ESTABLISHMENT = "establishment", _("实有单位")
    FACILITY = "facility", _("部件设施")
    POINT = "point", _("点位")


class PlanTargetQuerySet(models.QuerySet["PlanTarget"]):
    def visible_to(self, user: Any) -> PlanTargetQuerySet:
        return restrict(self, user, "grid_code")


class PlanTarget(models.Model):
    """巡查目标: one thing a campaign checks — a building, a 实有单位, a facility or a named point."""

    plan = models.ForeignKey(PatrolPlan, verbose_name=_("巡查计划"), on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("类型"), max_length=20, choices=TargetKind.choices)
    building = models.ForeignKey(Building, verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    establishment = models.ForeignKey(Establishment, verbose_name=_("实有单位"), null=True, blank=True,
                                      on_delete=models.CASCADE, related_name="+")
    facility = models.ForeignKey(Facility, verbose_name=_("部件设施"), null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    grid = models.ForeignKey(Area, verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(_("网格编码"), max_length=18, db_index=True, editable=False)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)

    objects = PlanTargetQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "grid_code", "name"]
        verbose_name = _("巡查目标")
        verbose_name_plural = pgettext_lazy("plural", "巡查目标")
        constraints = [
            models.UniqueConstraint(fields=["plan", "building"], condition=Q(building__isnull=False),
                                    name="plan_target_unique_building"),
            models.UniqueConstraint(fields=["plan", "establishment"], condition=Q(establishment__isnull=False),
                                    name="plan_target_unique_establishment"),
            models.UniqueConstraint(fields=["plan", "facility"], condition=Q(facility__isnull=False),
                                    name="plan_target_unique_facility"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.grid_id:
            self.grid_code = self.grid.code
        super().save(*args, **kwargs)
