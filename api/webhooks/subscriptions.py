"""The life of a webhook subscription: create (the secret is returned once), edit, disable, enable.

The area or unit is chosen at creation and never changes (a subscription for somewhere else is a
new subscription, with its own secret); name, address and events may be edited.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from api.models import WebhookEvent, WebhookSubscription
from api.webhooks.deliveries import disable
from api.webhooks.events import may_watch_area, subscribable_units
from api.webhooks.outbound import allowed_scheme, is_public
from api.webhooks.signing import new_secret
from areas.models import Area

logger = logging.getLogger("wangge.webhooks")


def check_url(url: str) -> str:
    """The receiver's address, or ValidationError on ``url``: https (http only where allowed), no
    credentials, no host that is plainly this machine or a private network. Names are resolved and
    checked again at every delivery (``outbound.resolve``)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if not allowed_scheme(parts.scheme):
        raise ValidationError({"url": _("接收地址必须以 https:// 开头。")})
    if not parts.hostname:
        raise ValidationError({"url": _("请输入有效的接收地址。")})
    if parts.username or parts.password:
        raise ValidationError({"url": _("接收地址不能包含用户名或密码。")})
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES and _plainly_private(parts.hostname):
        raise ValidationError({"url": _("接收地址不能指向本机、内网或保留地址。")})
    return url


def _plainly_private(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return not is_public(host)


def check_events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    if not chosen:
        raise ValidationError({"events": _("请至少选择一个事件。")})
    if any(event not in WebhookEvent.values for event in chosen):
        raise ValidationError({"events": _("不认识的事件类型。")})
    return chosen


def check_target(owner: User, area: Area | None, organisation: Organisation | None) -> None:
    if (area is None) == (organisation is None):
        raise ValidationError({"area": _("请选择一个区域或一个单位（二选一）。")})
    if area is not None and not may_watch_area(owner, area):
        raise ValidationError({"area": _("您不能订阅这个区域的事件。")})
    if organisation is not None and not subscribable_units(owner).filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": _("您不能订阅这个单位的事件。")})


def _check(name: str, url: str, events: Iterable[str]) -> tuple[str, str, list[str]]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("请填写订阅名称。")]
    checked_url, chosen = url, list(events)
    for field, check in (("url", lambda: check_url(url)), ("events", lambda: check_events(events))):
        try:
            value = check()
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        if field == "url":
            checked_url = str(value)
        else:
            chosen = list(value)
    if errors:
        raise ValidationError(errors)
    return name, checked_url, chosen


def subscription_create(
    *,
    owner: User,
    name: str,
    url: str,
    events: Iterable[str],
    area: Area | None = None,
    organisation: Organisation | None = None,
) -> tuple[WebhookSubscription, str]:
    """A new subscription and its secret, which is shown once (it is stored encrypted, to sign)."""
    name, url, chosen = _check(name, url, events)
    check_target(owner, area, organisation)
    code = area.code if area is not None else organisation.home_area.code  # type: ignore[union-attr]
    secret = new_secret()
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            owner=owner,
            name=name,
            url=url,
            events=chosen,
            area=area,
            organisation=organisation,
            area_code=code,
            secret=secret,
        )
    logger.info("Webhook subscription %s created by user %s", subscription.pk, owner.pk)
    return subscription, secret


def subscription_update(
    *, subscription: WebhookSubscription, actor: User, name: str, url: str, events: Iterable[str]
) -> WebhookSubscription:
    name, url, chosen = _check(name, url, events)
    subscription.name, subscription.url, subscription.events = name, url, chosen
    subscription.save(update_fields=["name", "url", "events", "updated_at"])
    logger.info("Webhook subscription %s changed by user %s", subscription.pk, actor.pk)
    return subscription


def subscription_disable(*, subscription: WebhookSubscription, actor: User) -> bool:
    return disable(subscription, reason=_("由%(user)s停用。") % {"user": actor.get_full_name() or actor.username})


def subscription_enable(*, subscription: WebhookSubscription, actor: User) -> bool:
    """Switch a disabled subscription on again; its failure count starts afresh."""
    with transaction.atomic():
        row = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        if row.is_active:
            return False
        row.is_active, row.disabled_at, row.disabled_reason, row.failing_since = True, None, "", None
        row.save(update_fields=["is_active", "disabled_at", "disabled_reason", "failing_since", "updated_at"])
    logger.info("Webhook subscription %s enabled by user %s", subscription.pk, actor.pk)
    return True
