"""Throttling per token (each token its own budget) or per signed-in user."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.models import AccessToken
from core.request_context import client_address


class PerTokenThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self) -> str:
        return f"{settings.API_RATE_PER_MINUTE}/min"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, AccessToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            # The address as the rest of Wangge reads it (a trusted proxy's header only), not
            # DRF's get_ident, which believes any X-Forwarded-For.
            ident = f"address-{client_address(request._request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
