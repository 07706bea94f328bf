"""Records sent from the phone's offline queue (离线记录), each remembered by its idempotency key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SyncKind(models.TextChoices):
    CHECK_IN = "checkin", _("巡查签到")
    VISIT = "visit", _("走访记录")
    DIARY = "diary", _("民情日志")
    CASE = "case", _("事件上报")


class SyncedRecord(models.Model):
    """离线记录: one record the phone made offline and sent later, saved once per (user, key).

    The phone gives each record a random ``key`` when it is made; the row is inserted in the
    same transaction as the record itself, so a retried or concurrent send of the same key finds
    this row (or waits for it) and answers the first send's result instead of saving twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.UUIDField(_("幂等键"))
    kind = models.CharField(_("类型"), max_length=10, choices=SyncKind.choices)
    object_id = models.PositiveBigIntegerField(_("记录编号"), null=True, blank=True)
    url = models.CharField(_("地址"), max_length=200, blank=True)
    label = models.CharField(_("摘要"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("离线记录")
        verbose_name_plural = pgettext_lazy("plural", "离线记录")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="synced_record_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"
