"""The life of a personal access token: create (the secret is returned once), find by secret,
note its use, revoke.

A token reads ``wg_<prefix>_<secret>``. The prefix (public, unique) finds the row; the whole
token's SHA-256 is compared in constant time. A token is random (256 bits), so a fast hash is
enough: nothing can be guessed from it.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from api.models import AccessToken, Scope

logger = logging.getLogger("wangge.api")
TOKEN_START = "wg_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_prefix() -> str:
    while True:
        prefix = secrets.token_hex(4)
        if not AccessToken.objects.filter(prefix=prefix).exists():
            return prefix


def validate_token(name: str, scopes: Iterable[str], expires_at: datetime.datetime | None,
                   now: datetime.datetime | None = None) -> tuple[str, list[str]]:
    """The cleaned name and scopes; ValidationError naming each bad field."""
    now = now or timezone.now()
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("请填写令牌名称。")
    chosen = sorted(set(scopes))
    if not chosen:
        errors["scopes"] = _("请至少选择一个权限范围。")
    elif any(scope not in Scope.values for scope in chosen):
        errors["scopes"] = _("不认识的权限范围。")
    longest = now + datetime.timedelta(days=settings.API_TOKEN_MAX_DAYS)
    if expires_at is None:
        errors["expires_at"] = _("请填写到期时间。")
    elif expires_at <= now:
        errors["expires_at"] = _("到期时间必须晚于现在。")
    elif expires_at > longest:
        errors["expires_at"] = _("令牌最长有效%(days)s天。") % {"days": settings.API_TOKEN_MAX_DAYS}
    if errors:
        raise ValidationError(errors)
    return name, chosen


def token_create(*, user: User, name: str, scopes: Iterable[str], expires_at: datetime.datetime | None,
                 actor: User) -> tuple[AccessToken, str]:
    """A new token for ``user`` and its secret, which is never stored and cannot be shown again.

    ``actor`` is the user themself, or an administrator creating a service account's token.
    """
    now = timezone.now()
    name, chosen = validate_token(name, scopes, expires_at, now)
    assert expires_at is not None
    with transaction.atomic():
        prefix = _new_prefix()
        secret = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
        token = AccessToken.objects.create(user=user, name=name, prefix=prefix, secret_hash=hash_token(secret),
                                           scopes=chosen, expires_at=expires_at, created_by=actor, created_at=now)
    logger.info("token %s created for user %s by user %s", prefix, user.pk, actor.pk)
    return token, secret


def token_revoke(*, token: AccessToken, actor: User) -> AccessToken:
    """Revoke at once (again: nothing changes). Only its owner or an administrator calls this."""
    with transaction.atomic():
        token = AccessToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            logger.info("token %s revoked by user %s", token.prefix, actor.pk)
    return token


def token_for_secret(secret: str) -> AccessToken | None:
    """The usable token this secret belongs to, or None (unknown, wrong, expired, revoked, or
    its user inactive)."""
    parts = secret.split("_")
    if len(parts) < 3 or not secret.startswith(TOKEN_START):
        return None
    token = AccessToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, hash_token(secret)):
        return None
    if not token.is_usable() or not token.user.is_active:
        return None
    return token


def token_touch(token: AccessToken, address: str, now: datetime.datetime | None = None) -> None:
    """Note when and from where the token was used: at most once per ``API_TOKEN_TOUCH_SECONDS``
    (or when the address changes), with one conditional update, so a busy client costs no write
    per request."""
    now = now or timezone.now()
    recent = token.last_used_at and now - token.last_used_at < datetime.timedelta(
        seconds=settings.API_TOKEN_TOUCH_SECONDS)
    if recent and token.last_used_from == address:
        return
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_from=address[:64])
    token.last_used_at, token.last_used_from = now, address[:64]
    logger.info("token %s used by user %s from %s", token.prefix, token.user_id, address)
