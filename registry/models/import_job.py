"""Import jobs (导入任务): uploaded rosters checked in a dry run, then committed as a whole."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.scope import restrict
from areas.models import Area
from core.models import TimeStampedModel


class ImportKind(models.TextChoices):
    RESIDENTS = "residents", pgettext_lazy("plural", "居民")
    HOUSEHOLDS = "households", pgettext_lazy("plural", "住户")
    BUILDINGS = "buildings", pgettext_lazy("plural", "楼栋与房屋")
    ORGANISATIONS = "organisations", pgettext_lazy("plural", "实有单位")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    VALIDATING = "validating", _("正在检查")
    VALIDATED = "validated", _("检查完成")
    COMMITTING = "committing", _("正在导入")
    DONE = "done", _("导入完成")
    FAILED = "failed", _("失败")


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: Any) -> ImportJobQuerySet:
        """Jobs for areas in the user's scope (the rows of a job are the area's registry data)."""
        return restrict(self, user, "area_code")


class ImportJob(TimeStampedModel):
    """导入任务: one uploaded roster (Excel/CSV) checked in a dry run, then committed as a whole.

    The file is read twice by a background task: the dry run (``dry_run`` true) counts what
    would be created, updated, merged and rejected; the commit re-checks every row and saves
    the accepted ones in one transaction. Rejected rows come back as a workbook.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("导入类型"), max_length=20, choices=ImportKind.choices)
    area = models.ForeignKey(Area, verbose_name=_("导入区域"), on_delete=models.PROTECT, related_name="+")
    area_code = models.CharField(_("区域编码"), max_length=18, db_index=True, editable=False)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_filename = models.CharField(_("原文件名"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED, db_index=True
    )
    dry_run = models.BooleanField(_("仅检查"), default=True)
    create_places = models.BooleanField(
        _("按花名册新建楼栋和房屋"), default=False,
        help_text=_("确认导入时，新建文件中提到但系统中还没有的楼栋、单元和房屋。"),
    )
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    merged_count = models.PositiveIntegerField(_("合并"), default=0)
    rejected_count = models.PositiveIntegerField(_("拒绝"), default=0)
    unchanged_count = models.PositiveIntegerField(_("无变化"), default=0)
    report = models.JSONField(_("报告"), default=dict, blank=True)
    rejected_file = models.FileField(_("被拒绝的行"), upload_to="imports/rejected/%Y/%m/", blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入任务")
        verbose_name_plural = pgettext_lazy("plural", "导入任务")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_filename}"

    @property
    def scope_area(self) -> Area:
        return self.area

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.VALIDATING, ImportStatus.COMMITTING)

    @property
    def percent(self) -> int:
        """Progress of the current pass, 0–100."""
        if self.status in (ImportStatus.VALIDATED, ImportStatus.DONE):
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.area_id:
            self.area_code = self.area.code
        super().save(*args, **kwargs)
