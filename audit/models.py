"""The append-only logs: changes to domain records, and looks at personal data in clear."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import scope


class Action(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Rows of a log: scoped by their ``area_code``, never updated or deleted in bulk."""

    def visible_to(self, user: Any) -> AppendOnlyQuerySet:
        return scope.restrict(self, user, "area_code")

    def update(self, **kwargs: Any) -> int:
        raise TypeError(f"{self.model.__name__} is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{self.model.__name__} is append-only.")


class AppendOnlyModel(models.Model):
    """A log row: written once, never changed or deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError(f"{type(self).__name__} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError(f"{type(self).__name__} is append-only.")


class ChangeLogEntry(AppendOnlyModel):
    """One create/update/delete of a domain record: who, when, in which request, before/after."""

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", db_constraint=False,
    )
    user_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, db_index=True)
    remote_addr = models.CharField(_("来源地址"), max_length=45, blank=True)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    # No index of its own: (content_type, object_id, -time) below leads with it.
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT, related_name="+", db_index=False,
    )
    object_id = models.CharField(_("对象编号"), max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200)
    area_code = models.CharField(
        _("所属区域编码"), max_length=18, blank=True, db_index=True,
        help_text=_("用于按管辖范围筛选日志。"),
    )
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("变更日志")
        verbose_name_plural = pgettext_lazy("plural", "变更日志")
        indexes = [models.Index(fields=["content_type", "object_id", "-time"])]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"


    def changed_fields(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))


class AccessLogEntry(AppendOnlyModel):
    """One look at personal data in clear (an unmasked ID number or phone): who, whose, when, why."""

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("查看人"), null=True, on_delete=models.SET_NULL,
        related_name="+", db_constraint=False,
    )
    user_name = models.CharField(_("查看人名称"), max_length=150)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    remote_addr = models.CharField(_("来源地址"), max_length=45, blank=True)
    # No index of its own: (content_type, object_id, -time) below leads with it.
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT, related_name="+", db_index=False,
    )
    object_id = models.CharField(_("对象编号"), max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200)
    area_code = models.CharField(_("所属区域编码"), max_length=18, blank=True, db_index=True)
    fields = models.CharField(_("查看的字段"), max_length=200)
    reason = models.CharField(_("查看事由"), max_length=200)

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("个人信息查看日志")
        verbose_name_plural = pgettext_lazy("plural", "个人信息查看日志")
        indexes = [models.Index(fields=["content_type", "object_id", "-time"])]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.user_name} → {self.object_repr}"

