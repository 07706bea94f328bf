"""The webhook pages (``/api/webhooks/``): list, create (the secret shown once), settings and
delivery log, edit, disable and enable, redeliver.

A subscription is found through ``WebhookSubscription.objects.visible_to`` (404 outside the
user's areas), then managed only where the user holds ``api.manage_webhook`` or owns it (403
otherwise); the list and the creation form need that permission somewhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from api.models import WebhookDelivery, WebhookSubscription
from api.webhooks.deliveries import redeliver
from api.webhooks.events import may_manage
from api.webhooks.forms import SubscriptionEditForm, SubscriptionForm
from api.webhooks.subscriptions import (
    subscription_create,
    subscription_disable,
    subscription_enable,
    subscription_update,
)

LOG_ROWS = 50
View = Callable[..., HttpResponse]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def manager_required(view: View) -> View:
    @login_required
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_manage(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def _get_subscription_for_user(request: HttpRequest, pk: int) -> WebhookSubscription:
    """The subscription if it lies in the user's scope (404 otherwise) and they may manage it (403)."""
    user = _user(request)
    found = WebhookSubscription.objects.visible_to(user).select_related("owner", "area", "organisation__home_area")
    subscription = get_object_or_404(found, pk=pk)
    if not may_manage(user) or not WebhookSubscription.objects.managed_by(user).filter(pk=subscription.pk).exists():
        raise PermissionDenied
    return subscription


def _apply_errors(form: Any, error: ValidationError) -> None:
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


@manager_required
@require_GET
def subscription_list(request: HttpRequest) -> HttpResponse:
    subscriptions = (
        WebhookSubscription.objects.managed_by(_user(request))
        .select_related("owner", "area", "organisation")
        .order_by("-created_at", "-pk")
    )
    return render(request, "api/webhooks/list.html", {"subscriptions": subscriptions})


@manager_required
@never_cache
@require_http_methods(["GET", "POST"])
def subscription_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SubscriptionForm(request.POST or None, user=user)
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "api/webhooks/form.html", {"form": form, "creating": True}, status=status)
    data = form.cleaned_data
    try:
        subscription, secret = subscription_create(
            owner=user,
            name=data["name"],
            url=data["url"],
            events=data["events"],
            area=data["area"],
            organisation=data["organisation"],
        )
    except ValidationError as error:
        _apply_errors(form, error)
        return render(request, "api/webhooks/form.html", {"form": form, "creating": True}, status=400)
    return _detail(request, subscription, secret=secret)


def _detail(request: HttpRequest, subscription: WebhookSubscription, secret: str = "") -> HttpResponse:
    deliveries = subscription.deliveries.select_related("event").order_by("-created_at")[:LOG_ROWS]
    context = {"subscription": subscription, "deliveries": deliveries, "secret": secret}
    return render(request, "api/webhooks/detail.html", context)


@login_required
@never_cache
@require_GET
def subscription_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _get_subscription_for_user(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def subscription_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _get_subscription_for_user(request, pk)
    initial = {"name": subscription.name, "url": subscription.url, "events": subscription.events}
    form = SubscriptionEditForm(request.POST or None, initial=initial)
    context = {"form": form, "subscription": subscription, "creating": False}
    if request.method != "POST" or not form.is_valid():
        return render(request, "api/webhooks/form.html", context, status=400 if request.method == "POST" else 200)
    data = form.cleaned_data
    try:
        subscription_update(
            subscription=subscription, actor=_user(request), name=data["name"], url=data["url"], events=data["events"]
        )
    except ValidationError as error:
        _apply_errors(form, error)
        return render(request, "api/webhooks/form.html", context, status=400)
    messages.success(request, _("订阅已保存。"))
    return redirect("api:webhook", pk=subscription.pk)


@login_required
@require_POST
def subscription_switch(request: HttpRequest, pk: int, on: bool) -> HttpResponse:
    subscription = _get_subscription_for_user(request, pk)
    if on:
        subscription_enable(subscription=subscription, actor=_user(request))
        messages.success(request, _("订阅已启用。"))
    else:
        subscription_disable(subscription=subscription, actor=_user(request))
        messages.success(request, _("订阅已停用。"))
    return redirect("api:webhook", pk=subscription.pk)


@login_required
@require_POST
def delivery_redeliver(request: HttpRequest, pk: int, delivery_id: uuid.UUID) -> HttpResponse:
    subscription = _get_subscription_for_user(request, pk)
    delivery = get_object_or_404(WebhookDelivery, pk=delivery_id, subscription=subscription)
    if not subscription.is_active:
        messages.error(request, _("订阅已停用，请先启用再重发。"))
        return redirect("api:webhook", pk=subscription.pk)
    with transaction.atomic():
        redeliver(delivery=delivery, actor=_user(request))
    messages.success(request, _("已安排重发。"))
    return redirect("api:webhook", pk=subscription.pk)


webhook_urlpatterns = [
    path("webhooks/", subscription_list, name="webhooks"),
    path("webhooks/new/", subscription_new, name="webhook_new"),
    path("webhooks/<int:pk>/", subscription_detail, name="webhook"),
    path("webhooks/<int:pk>/edit/", subscription_edit, name="webhook_edit"),
    path("webhooks/<int:pk>/disable/", subscription_switch, {"on": False}, name="webhook_disable"),
    path("webhooks/<int:pk>/enable/", subscription_switch, {"on": True}, name="webhook_enable"),
    path("webhooks/<int:pk>/deliveries/<uuid:delivery_id>/redeliver/", delivery_redeliver, name="webhook_redeliver"),
]
