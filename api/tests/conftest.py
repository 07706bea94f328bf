"""Fixtures of the API tests: the case cast, tokens and a JSON client."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.testing import Cast
from api.tests.webhook_receiver import start_receiver
from api.tokens import token_create
from cases.testing import CaseCast, build_case_cast

ALL_SCOPES = ["areas:read", "cases:read", "cases:write", "registry:read"]


@pytest.fixture
def cc(cast: Cast) -> CaseCast:
    return build_case_cast(cast)


@pytest.fixture(autouse=True)
def fresh_throttle() -> None:
    """The throttle counts in the cache; each test starts with a full budget."""
    from django.core.cache import cache

    cache.clear()


def make_token(user: User, scopes: list[str] | None = None, days: int = 30) -> str:
    _token, secret = token_create(user=user, name="test", scopes=scopes or ALL_SCOPES,
                                  expires_at=timezone.now() + datetime.timedelta(days=days), actor=user)
    return secret


@pytest.fixture
def api() -> Callable[..., Any]:
    """api(user_or_secret) -> a client that sends the token (or a session) with every request."""

    def _api(who: User | str, scopes: list[str] | None = None) -> Client:
        secret = who if isinstance(who, str) else make_token(who, scopes)
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    return _api


@pytest.fixture
def receiver(settings: Any) -> Any:
    """A live HTTP receiver on 127.0.0.1 (allowed here: http and a loopback address), and the
    database task queue (``webhook_receiver.run_tasks`` runs it)."""
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # the real queue
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()
