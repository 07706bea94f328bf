"""Tokens and webhook subscriptions in the admin. Tokens: administrators issue tokens for
service accounts (an organisation's system acting as a user of its own, with the roles it
needs), see every token's use, revoke.

Only superusers manage tokens here: a token acts with all of its user's permissions, so issuing
one for another user is a global decision. The secret is shown once, in the message after
saving.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from api.handoff.operations import retry_now
from api.models import (
    AccessToken,
    HandoffState,
    Open311Key,
    Open311Submission,
    Scope,
    UpstreamCategoryCode,
    UpstreamHandoff,
    UpstreamPlatform,
    WebhookDelivery,
    WebhookSubscription,
)
from api.open311.keys import key_issue, key_revoke
from api.tokens import token_create, token_revoke, validate_token
from api.webhooks.subscriptions import subscription_disable


class TokenAdminForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label=gettext_lazy("权限范围"), choices=Scope.choices,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = AccessToken
        fields = ["user", "name", "scopes", "expires_at"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            validate_token(cleaned.get("name", ""), cleaned.get("scopes") or [], cleaned.get("expires_at"))
        except ValidationError as error:
            for name, messages_ in error.message_dict.items():
                if name not in self.errors:
                    self.add_error(name, messages_)
        return cleaned


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin[AccessToken]):
    form = TokenAdminForm
    list_display = ["name", "prefix", "user", "expires_at", "revoked_at", "last_used_at", "last_used_from"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["prefix", "created_at", "created_by", "revoked_at", "last_used_at", "last_used_from"]
    actions = ["revoke"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a token is never edited: revoke it and issue another

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked tokens stay, with their history

    def save_model(self, request: HttpRequest, obj: AccessToken, form: Any, change: bool) -> None:
        actor = request.user
        assert isinstance(actor, User)
        token, secret = token_create(user=obj.user, name=obj.name, scopes=form.cleaned_data["scopes"],
                                     expires_at=obj.expires_at, actor=actor)
        obj.pk, obj.prefix = token.pk, token.prefix
        messages.warning(request, _("新令牌（只显示这一次）：%(secret)s") % {"secret": secret})

    @admin.action(description=gettext_lazy("撤销所选令牌"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[AccessToken]) -> None:
        actor = request.user
        assert isinstance(actor, User)
        for token in queryset:
            token_revoke(token=token, actor=actor)
        messages.success(request, _("已撤销 %(count)s 个令牌。") % {"count": queryset.count()})


class WebhookDeliveryInline(admin.TabularInline[WebhookDelivery, WebhookSubscription]):
    model = WebhookDelivery
    fields = readonly_fields = ("created_at", "event_type", "status", "attempts", "last_status_code",
                                "last_response_ms", "last_error")
    ordering = ["-created_at"]
    extra = 0
    max_num = 0
    show_change_link = False
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[WebhookDelivery]:
        return super().get_queryset(request).order_by("-created_at")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin[WebhookSubscription]):
    """Every subscription, for superusers: read, and disable (the pages at /api/webhooks/ do the rest;
    a secret is never shown here)."""

    list_display = ["name", "url", "owner", "area_code", "is_active", "failing_since", "disabled_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url", "owner__username", "area_code"]
    fields = readonly_fields = ("name", "owner", "url", "events", "area", "organisation", "area_code", "is_active",
                                "failing_since", "disabled_at", "disabled_reason", "created_at", "updated_at")
    inlines = [WebhookDeliveryInline]
    actions = ["disable"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created on the pages, where the secret is shown once

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    @admin.action(description=gettext_lazy("停用所选订阅"))
    def disable(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        actor = request.user
        assert isinstance(actor, User)
        count = sum(subscription_disable(subscription=subscription, actor=actor) for subscription in queryset)
        messages.success(request, _("已停用 %(count)s 个订阅。") % {"count": count})


class Open311KeyAdminForm(forms.ModelForm):
    class Meta:
        model = Open311Key
        fields = ["name", "organisation", "owner"]


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin[Open311Key]):
    """Open311 api keys: issued here by superusers (the key is shown once, in the message after
    saving), never edited or deleted; revoked by the action. Docs: docs/open311.md."""

    form = Open311KeyAdminForm
    list_display = ["name", "prefix", "organisation", "owner", "is_active", "created_at", "revoked_at",
                    "last_used_at", "last_used_from"]
    list_filter = ["is_active"]
    search_fields = ["name", "prefix", "owner", "organisation__name"]
    readonly_fields = ["prefix", "is_active", "created_at", "created_by", "revoked_at", "last_used_at",
                       "last_used_from"]
    actions = ["revoke"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a key is never edited: revoke it and issue another

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked keys stay, with the requests they sent

    def save_model(self, request: HttpRequest, obj: Open311Key, form: Any, change: bool) -> None:
        actor = request.user
        assert isinstance(actor, User)
        key, secret = key_issue(name=obj.name, organisation=obj.organisation, owner=obj.owner, actor=actor)
        obj.pk, obj.prefix = key.pk, key.prefix
        messages.warning(request, _("新的 Open311 api_key（只显示这一次）：%(key)s") % {"key": secret})

    @admin.action(description=gettext_lazy("撤销所选密钥"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Open311Key]) -> None:
        actor = request.user
        assert isinstance(actor, User)
        for key in queryset:
            key_revoke(key=key, actor=actor)
        messages.success(request, _("已撤销 %(count)s 把密钥。") % {"count": queryset.count()})


@admin.register(Open311Submission)
class Open311SubmissionAdmin(admin.ModelAdmin[Open311Submission]):
    """Which case each Open311 request became, and which key sent it (read only)."""

    list_display = ["case", "key", "device_id", "account_id", "created_at"]
    list_filter = ["key"]
    search_fields = ["case__number", "device_id", "account_id", "token"]
    readonly_fields = ["case", "key", "token", "device_id", "account_id", "media_url", "created_at"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# ----- hand-off to a city platform (docs/city-handoff.md) -----------------------------------------


class SuperuserOnly:
    """Admin pages of the hand-off: superusers only (the platform's key and every district's cases)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


class UpstreamPlatformForm(forms.ModelForm):
    """The api key is write-only: shown never, kept when the field is left empty."""

    base_url = forms.URLField(label=gettext_lazy("接口地址"), max_length=300, assume_scheme="https",
                              help_text=gettext_lazy("对方Open311接口的根地址，如 https://city.example.cn/open311/v2/"))
    new_api_key = forms.CharField(label=gettext_lazy("接口密钥"), required=False, strip=True,
                                  widget=forms.PasswordInput(render_value=False),
                                  help_text=gettext_lazy("留空则保持原密钥不变。"))

    class Meta:
        model = UpstreamPlatform
        fields = ["name", "base_url", "jurisdiction_id", "organisation", "service_user", "is_active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unit, user = cleaned.get("organisation"), cleaned.get("service_user")
        if unit is not None and user is not None and not unit.members.filter(user=user).exists():
            self.add_error("service_user", _("代办账号必须是对应单位的成员。"))
        return cleaned

    def save(self, commit: bool = True) -> UpstreamPlatform:
        platform: UpstreamPlatform = super().save(commit=False)
        if self.cleaned_data.get("new_api_key"):
            platform.api_key = self.cleaned_data["new_api_key"]
        if commit:
            platform.save()
        return platform


class UpstreamCategoryCodeInline(admin.TabularInline[UpstreamCategoryCode, UpstreamPlatform]):
    model = UpstreamCategoryCode
    fields = ["category", "service_code"]
    autocomplete_fields = ["category"]
    extra = 1


@admin.register(UpstreamPlatform)
class UpstreamPlatformAdmin(SuperuserOnly, admin.ModelAdmin[UpstreamPlatform]):
    """市平台: the Open311 address, key and jurisdiction, the unit that stands for it, its service
    account, and the code table (Wangge category → the platform's service_code)."""

    form = UpstreamPlatformForm
    list_display = ["name", "base_url", "organisation", "service_user", "is_active", "updates_polled_at"]
    readonly_fields = ["updates_polled_at", "created_at", "updated_at"]
    inlines = [UpstreamCategoryCodeInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # hand-offs keep their platform: switch it off instead


@admin.register(UpstreamHandoff)
class UpstreamHandoffAdmin(SuperuserOnly, admin.ModelAdmin[UpstreamHandoff]):
    """Every hand-off: its state, the platform's id, attempts and the last error; 立即重试."""

    list_display = ["case", "platform", "state", "service_request_id", "attempts", "next_attempt_at",
                    "last_error", "upstream_status", "created_at", "sent_at", "closed_at"]
    list_filter = ["state", "platform"]
    search_fields = ["case__number", "service_request_id", "token"]
    fields = readonly_fields = ("case", "platform", "dispatch_event", "state", "service_request_id", "token",
                                "attempts", "next_attempt_at", "last_attempt_at", "last_error", "upstream_status",
                                "upstream_notes", "created_at", "sent_at", "polled_at", "closed_at")
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # written when a case is dispatched to a platform's unit

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)  # for the action; every field is read-only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("立即重试所选记录"))
    def retry(self, request: HttpRequest, queryset: QuerySet[UpstreamHandoff]) -> None:
        chosen = list(queryset.filter(state__in=[HandoffState.PENDING, HandoffState.FAILED]))
        count = sum(retry_now(handoff) for handoff in chosen)
        messages.success(request, _("已安排重试 %(count)s 条记录。") % {"count": count})
        if count < len(queryset):
            messages.warning(request, _("已发送、已办结或正在发送的记录不会重试。"))
