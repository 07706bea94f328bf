"""Open311 api keys: issue (the key is returned once), find by the key a client sends, note its
use, revoke.

A key reads ``o311_<prefix>_<secret>``: the public prefix finds the row, the whole key's SHA-256
is compared in constant time (as for ``api.tokens``; a random 256-bit key needs no slow hash).
"""

from __future__ import annotations

import datetime
import hmac
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from api.models import Open311Key
from api.tokens import hash_token

logger = logging.getLogger("wangge.api")
KEY_START = "o311_"


def _new_prefix() -> str:
    while True:
        prefix = secrets.token_hex(4)
        if not Open311Key.objects.filter(prefix=prefix).exists():
            return prefix


def key_issue(
    *, name: str, actor: User, organisation: Organisation | None = None, owner: str = ""
) -> tuple[Open311Key, str]:
    """A new active key and the key itself, which is never stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("请填写密钥名称。")]})
    with transaction.atomic():
        prefix = _new_prefix()
        secret = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
        key = Open311Key.objects.create(
            name=name[:100],
            organisation=organisation,
            owner=(owner or "").strip()[:200],
            prefix=prefix,
            secret_hash=hash_token(secret),
            created_by=actor,
        )
    logger.info("open311 key %s issued by user %s", prefix, actor.pk)
    return key, secret


def key_revoke(*, key: Open311Key, actor: User) -> Open311Key:
    """Revoke at once; revoking again changes nothing."""
    with transaction.atomic():
        key = Open311Key.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.is_active = False
            key.save(update_fields=["revoked_at", "is_active"])
            logger.info("open311 key %s revoked by user %s", key.prefix, actor.pk)
    return key


def key_for_secret(secret: str) -> Open311Key | None:
    """The usable key this secret belongs to, or None (unknown, wrong, inactive or revoked)."""
    parts = (secret or "").split("_")
    if len(parts) < 3 or not secret.startswith(KEY_START):
        return None
    key = Open311Key.objects.filter(prefix=parts[1]).first()
    if key is None or not hmac.compare_digest(key.secret_hash, hash_token(secret)):
        return None
    return key if key.is_usable else None


def key_touch(key: Open311Key, address: str, now: datetime.datetime | None = None) -> None:
    """Note when and from where the key was used, at most once per ``API_TOKEN_TOUCH_SECONDS``."""
    now = now or timezone.now()
    recent = key.last_used_at and now - key.last_used_at < datetime.timedelta(seconds=settings.API_TOKEN_TOUCH_SECONDS)
    if recent and key.last_used_from == address:
        return
    Open311Key.objects.filter(pk=key.pk).update(last_used_at=now, last_used_from=address[:64])
    key.last_used_at, key.last_used_from = now, address[:64]
