"""The in-app inbox (消息): one row per user and message."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message to one user about a case (派单、催办、待核查…), shown in their inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("事件"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="notifications",
    )
    verb = models.CharField(_("类型"), max_length=30)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("消息")
        verbose_name_plural = pgettext_lazy("plural", "消息")
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.title


class UnreadCount(models.Model):
    """The number of unread notifications of one user (未读消息数): the inbox badge on every page.

    Counting the unread rows would probe every monthly partition of the inbox on PostgreSQL
    (``cases.partitions``), a cost that grows by a partition a month; this row is one primary-key
    read. It is kept in step in the same transaction as every write that changes the user's unread
    set, with atomic increments (``cases.inbox``); the inbox page and ``manage.py recount_inbox``
    put back the exact count when rows left without it (a deleted case, an archived month).
    No row means no unread notification.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), primary_key=True, on_delete=models.CASCADE,
        related_name="+",
    )
    unread = models.PositiveIntegerField(_("未读消息数"), default=0)

    class Meta:
        verbose_name = _("未读消息数")
        verbose_name_plural = pgettext_lazy("plural", "未读消息数")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.unread}"


class Announcement(models.Model):
    """The claim that one timeline entry has been announced (已通知): its notifications written and
    its listeners told, once.

    The task that announces an entry inserts this row in the same transaction as the inbox rows;
    the primary key makes a second run of the same task (a retry, two workers) find it and stop,
    so nobody hears of an entry twice.
    """

    event = models.OneToOneField(
        "cases.CaseEvent", verbose_name=_("事件日志"), primary_key=True, on_delete=models.CASCADE, related_name="+",
        db_constraint=False,  # the timeline is partitioned on PostgreSQL (cases.partitions)
    )
    announced_at = models.DateTimeField(_("通知时间"), default=timezone.now)

    class Meta:
        verbose_name = _("通知记录")
        verbose_name_plural = pgettext_lazy("plural", "通知记录")

    def __str__(self) -> str:
        return f"{self.event_id} @ {self.announced_at:%Y-%m-%d %H:%M}"
