"""Personal access tokens (个人访问令牌) of the REST API, and webhook subscriptions and deliveries.

A token belongs to one user (a person, or a service account an administrator created for an
organisation's system) and carries scopes; it never grants more than its user may do. Only a
hash of the secret is stored, with a short public prefix to find the row.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scope import restrict, restrict_by_permission
from cases.models import Case
from core.models import TimeStampedModel
from registry.fields import EncryptedCharField


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


# ----- webhooks (docs/webhooks.md) --------------------------------------------------------------


class WebhookEvent(models.TextChoices):
    """The case events an organisation's system may subscribe to."""

    REPORTED = "case.reported", _("事件上报")
    ACCEPTED = "case.accepted", _("事件受理")
    DISPATCHED = "case.dispatched", _("事件派遣")
    SIGNED = "case.signed", _("事件签收")
    FED_BACK = "case.fed_back", _("反馈办理结果")
    CLOSED = "case.closed", _("事件结案")
    RATED = "case.rated", _("事件评价")
    OVERDUE = "case.overdue", _("事件超期")


class WebhookSubscriptionQuerySet(models.QuerySet["WebhookSubscription"]):
    def visible_to(self, user: Any) -> WebhookSubscriptionQuerySet:
        """Subscriptions in the user's areas (a unit's belongs to its home area), and their own.
        Managing one also needs ``api.manage_webhook`` there (``managed_by``)."""
        in_scope = restrict(self, user, "area_code")
        if user is None or not user.is_authenticated or not user.is_active:
            return in_scope
        return self.filter(Q(pk__in=in_scope.values("pk")) | Q(owner=user))

    def managed_by(self, user: Any) -> WebhookSubscriptionQuerySet:
        """The user's own subscriptions, and those of the areas where they hold ``api.manage_webhook``."""
        managed = restrict_by_permission(self, user, "area_code", "api.manage_webhook")
        if user is None or not user.is_authenticated or not user.is_active:
            return managed
        return self.filter(Q(pk__in=managed.values("pk")) | Q(owner=user))


class WebhookSubscription(TimeStampedModel):
    """Webhook订阅: an organisation's own system told of case events in an area subtree or of its unit.

    The secret signs every delivery; it is stored encrypted (``registry.fields.EncryptedCharField``,
    the personal-data keys) because the server needs it in clear to sign, and shown to the owner
    once. ``area_code`` is the area's code, or the unit's home area's, for scope.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.CASCADE,
                              related_name="webhook_subscriptions")
    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("接收地址"), max_length=500)
    events = models.JSONField(_("订阅事件"), default=list)
    area = models.ForeignKey("areas.Area", verbose_name=_("区域"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", verbose_name=_("单位"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    area_code = models.CharField(_("区域编码"), max_length=18, db_index=True, editable=False)
    secret = EncryptedCharField(_("签名密钥"), editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    disabled_at = models.DateTimeField(_("停用时间"), null=True, blank=True, editable=False)
    disabled_reason = models.CharField(_("停用原因"), max_length=200, blank=True, editable=False)
    failing_since = models.DateTimeField(_("连续失败起始"), null=True, blank=True, editable=False)

    objects = WebhookSubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Webhook订阅")
        verbose_name_plural = _("Webhook订阅")
        ordering = ["-created_at", "-pk"]
        permissions = [("manage_webhook", _("管理Webhook订阅"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=False, organisation__isnull=True)
                | Q(area__isnull=True, organisation__isnull=False),
                name="webhook_area_or_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def event_labels(self) -> list[Any]:
        return [WebhookEvent(value).label for value in self.events if value in WebhookEvent.values]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")


class WebhookDelivery(models.Model):
    """Webhook投递: one event sent (and retried) to one subscription; the delivery log's row.

    ``body`` is the exact JSON sent, so retries and redeliveries send the same bytes (signed
    afresh each time). Only a short excerpt of the receiver's answer is kept.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(WebhookSubscription, verbose_name=_("订阅"), on_delete=models.CASCADE,
                                     related_name="deliveries")
    # No constraint in the database: the timeline is partitioned on PostgreSQL (cases.partitions).
    event = models.ForeignKey("cases.CaseEvent", verbose_name=_("事件记录"), on_delete=models.CASCADE,
                              related_name="+", db_constraint=False)
    event_type = models.CharField(_("事件类型"), max_length=40, choices=WebhookEvent.choices)
    body = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("最近尝试"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("状态码"), null=True, blank=True)
    last_response_ms = models.PositiveIntegerField(_("响应时间（毫秒）"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    response_excerpt = models.CharField(_("响应摘要"), max_length=200, blank=True)
    redelivery_of = models.ForeignKey("self", verbose_name=_("重发自"), on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("Webhook投递")
        verbose_name_plural = _("Webhook投递")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_log")]
        constraints = [
            # One first delivery per event and subscription: a fan-out run twice creates nothing twice.
            models.UniqueConstraint(fields=["subscription", "event"], condition=Q(redelivery_of__isnull=True),
                                    name="webhook_delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription_id}"
class Open311KeyQuerySet(models.QuerySet["Open311Key"]):
    def active(self) -> Open311KeyQuerySet:
        return self.filter(is_active=True, revoked_at__isnull=True)


class Open311Key(models.Model):
    """Open311 接口密钥: the ``api_key`` an outside Open311 client (a WeChat mini-program, a
    hotline system, a city app) sends with each new request.

    Issued by an administrator to an organisation or a named owner; the key is shown once and
    stored only as a SHA-256 hash, found by its public prefix. A key grants one thing: reporting
    as a resident would (a public category, a place inside some grid); it reads nothing the
    public feed does not show. Revoked keys stay, with their history.
    """

    name = models.CharField(_("名称"), max_length=100, help_text=_("使用这把密钥的客户端，如“某某小程序”。"))
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="open311_keys",
    )
    owner = models.CharField(_("负责人及联系方式"), max_length=200, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+", editable=False)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True, editable=False)
    last_used_from = models.CharField(_("最近使用地址"), max_length=64, blank=True, editable=False)

    objects = Open311KeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 接口密钥")
        verbose_name_plural = _("Open311 接口密钥")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.is_active and self.revoked_at is None


class Open311Submission(models.Model):
    """A case that came in through Open311: which key sent it, and what the client told about its
    user (``device_id``, ``account_id``: the client's own identifiers) and a ``media_url`` it
    gave (kept as given, never fetched). ``token`` answers ``tokens/{token}``."""

    case = models.OneToOneField("cases.Case", verbose_name=_("事件"), on_delete=models.CASCADE,
                                related_name="open311_submission")
    key = models.ForeignKey(Open311Key, verbose_name=_("接口密钥"), on_delete=models.PROTECT,
                            related_name="submissions")
    token = models.CharField(_("令牌"), max_length=32, unique=True, editable=False)
    device_id = models.CharField(_("设备标识"), max_length=100, blank=True)
    account_id = models.CharField(_("账户标识"), max_length=100, blank=True)
    media_url = models.URLField(_("媒体地址"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("Open311 提交记录")
        verbose_name_plural = _("Open311 提交记录")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case} ← {self.key}"


# ----- hand-off to a city platform (docs/city-handoff.md) ---------------------------------------


class UpstreamPlatform(TimeStampedModel):
    """市平台: an external Open311 server (a city's platform) that takes the cases the district
    cannot settle. A case dispatched to ``organisation`` (the unit that stands for the platform)
    is sent there; ``service_user``, a member of that unit, signs and feeds back on its behalf.

    Configured by a superuser in the admin; the api key is kept encrypted at rest.
    """

    name = models.CharField(_("名称"), max_length=100)
    base_url = models.URLField(_("接口地址"), max_length=300,
                               help_text=_("对方Open311接口的根地址，如 https://city.example.cn/open311/v2/"))
    api_key = EncryptedCharField(_("接口密钥"), blank=True)
    jurisdiction_id = models.CharField(_("辖区标识"), max_length=100, blank=True)
    organisation = models.OneToOneField("accounts.Organisation", verbose_name=_("对应单位"), on_delete=models.PROTECT,
                                        related_name="upstream_platform",
                                        help_text=_("派遣给这个单位的事件会推送到市平台。"))
    service_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代办账号"), on_delete=models.PROTECT,
                                     related_name="+",
                                     help_text=_("这个单位的成员，代市平台签收并反馈办理结果。"))
    is_active = models.BooleanField(_("启用"), default=True)
    updates_polled_at = models.DateTimeField(_("最近拉取进展"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("市平台")
        verbose_name_plural = _("市平台")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class UpstreamCategoryCode(models.Model):
    """One row of a platform's code table: a Wangge category and the platform's ``service_code``."""

    platform = models.ForeignKey(UpstreamPlatform, verbose_name=_("市平台"), on_delete=models.CASCADE,
                                 related_name="codes")
    category = models.ForeignKey("cases.Category", verbose_name=_("事件类别"), on_delete=models.CASCADE,
                                 related_name="+")
    service_code = models.CharField(_("对方类别编码"), max_length=100)

    class Meta:
        verbose_name = _("类别对照")
        verbose_name_plural = _("类别对照")
        constraints = [models.UniqueConstraint(fields=["platform", "category"], name="upstream_code_once")]

    def __str__(self) -> str:
        return f"{self.category_id} → {self.service_code}"


class HandoffState(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    CLOSED = "closed", _("已办结")


class UpstreamHandoffQuerySet(models.QuerySet["UpstreamHandoff"]):
    def visible_to(self, user: Any) -> UpstreamHandoffQuerySet:
        """Hand-offs of the cases the user sees (``Case.objects.visible_to``)."""
        return self.filter(case__in=Case.objects.visible_to(user))


class UpstreamHandoff(models.Model):
    """上报市平台: one case sent (and retried) to a city platform, and followed there.

    Written when the case is dispatched to the platform's unit; ``service_request_id`` and
    ``token`` are the platform's answer. ``attempts``/``next_attempt_at``/``last_error`` are the
    retry bookkeeping; ``upstream_status`` the platform's last word (``open``/``closed``).
    """

    case = models.ForeignKey("cases.Case", verbose_name=_("事件"), on_delete=models.CASCADE,
                             related_name="upstream_handoffs")
    platform = models.ForeignKey(UpstreamPlatform, verbose_name=_("市平台"), on_delete=models.PROTECT,
                                 related_name="handoffs")
    # No constraint in the database: the timeline is partitioned on PostgreSQL (cases.partitions).
    dispatch_event = models.ForeignKey("cases.CaseEvent", verbose_name=_("派遣记录"), on_delete=models.CASCADE,
                                       related_name="+", db_constraint=False)
    state = models.CharField(_("状态"), max_length=10, choices=HandoffState.choices, default=HandoffState.PENDING)
    service_request_id = models.CharField(_("市平台编号"), max_length=100, blank=True)
    token = models.CharField(_("市平台令牌"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("最近尝试"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    # Set while an attempt is sending (its claim), cleared with its result: nobody else sends meanwhile.
    leased_until = models.DateTimeField(null=True, blank=True, editable=False)
    upstream_status = models.CharField(_("市平台状态"), max_length=20, blank=True)
    upstream_notes = models.TextField(_("市平台答复"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    polled_at = models.DateTimeField(_("最近查询"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = UpstreamHandoffQuerySet.as_manager()

    class Meta:
        verbose_name = _("上报市平台记录")
        verbose_name_plural = _("上报市平台记录")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One hand-off per dispatch: the listener and the operation never both write one.
            models.UniqueConstraint(fields=["dispatch_event"], name="upstream_handoff_once"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="upstream_handoff_due")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.platform_id}"


class UpstreamUpdate(models.Model):
    """An update of the platform (``servicerequestupdates``) already written to the case's
    timeline: the unique row makes each update land once, however often it is polled."""

    handoff = models.ForeignKey(UpstreamHandoff, verbose_name=_("上报市平台记录"), on_delete=models.CASCADE,
                                related_name="updates")
    update_id = models.CharField(_("进展编号"), max_length=100)
    updated_at = models.DateTimeField(_("进展时间"), null=True, blank=True)
    event = models.ForeignKey("cases.CaseEvent", verbose_name=_("事件记录"), on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", db_constraint=False)  # partitioned, as above

    class Meta:
        verbose_name = _("市平台进展")
        verbose_name_plural = _("市平台进展")
        constraints = [models.UniqueConstraint(fields=["handoff", "update_id"], name="upstream_update_once")]

    def __str__(self) -> str:
        return self.update_id
