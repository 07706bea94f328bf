"""Ledger exports (台账导出): a large 事件台账 or 矛盾纠纷台账 written by the task worker."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStampedModel


class LedgerKind(models.TextChoices):
    CASES = "cases", _("事件台账")
    DISPUTES = "disputes", _("矛盾纠纷台账")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在导出")
    DONE = "done", _("导出完成")
    FAILED = "failed", _("失败")


class LedgerExportQuerySet(models.QuerySet["LedgerExport"]):
    def visible_to(self, user: Any) -> LedgerExportQuerySet:
        """A user's own exports only: the file holds what its owner could see when it was written."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(created_by=user)


class LedgerExport(TimeStampedModel):
    """台账导出: one ledger export too large to write during the request.

    The page's filter (``query``) is applied again by the task worker as the owner, through
    ``Case.objects.visible_to``; ``scope`` keeps the owner's area prefixes of that moment (null:
    everything, a superuser), so the file is handed out only to its owner and only while their
    scope still covers it. The file is deleted after ``CASES_LEDGER_EXPORT_RETENTION_DAYS``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("台账"), max_length=10, choices=LedgerKind.choices)
    query = models.TextField(_("筛选条件"), blank=True)
    language = models.CharField(_("语言"), max_length=12)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.CASCADE, related_name="+"
    )
    scope = models.JSONField(_("导出时的管辖范围"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    file = models.FileField(_("文件"), upload_to="ledgers/%Y/%m/", blank=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    error = models.TextField(_("错误"), blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = LedgerExportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("台账导出")
        verbose_name_plural = pgettext_lazy("plural", "台账导出")
        indexes = [models.Index(fields=["created_at"], name="ledger_export_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_running(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def percent(self) -> int:
        """Progress, 0–100."""
        if self.status == ExportStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.processed_rows * 100 // self.total_rows)
