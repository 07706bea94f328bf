"""Personal access tokens (个人访问令牌) of the REST API.

A token belongs to one user (a person, or a service account an administrator created for an
organisation's system) and carries scopes; it never grants more than its user may do. Only a
hash of the secret is stored, with a short public prefix to find the row.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a token may be used for, on top of what its user may do."""

    AREAS_READ = "areas:read", _("读取区域与网格")
    CASES_READ = "cases:read", _("读取事件")
    CASES_WRITE = "cases:write", _("办理事件")
    REGISTRY_READ = "registry:read", _("读取基础信息")


class AccessTokenQuerySet(models.QuerySet["AccessToken"]):
    def usable(self, now: datetime.datetime | None = None) -> AccessTokenQuerySet:
        """Tokens neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class AccessToken(models.Model):
    """个人访问令牌: a named, expiring, revocable credential of one user for the API."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("所属用户"), on_delete=models.CASCADE,
                             related_name="access_tokens")
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("权限范围"), default=list)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+", editable=False)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True, editable=False)
    last_used_from = models.CharField(_("最近使用地址"), max_length=64, blank=True, editable=False)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("个人访问令牌")
        verbose_name_plural = _("个人访问令牌")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: datetime.datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def scope_labels(self) -> list[Any]:
        return [Scope(scope).label for scope in self.scopes if scope in Scope.values]
