"""How a request to the API proves who it is: a personal access token (``Authorization: Bearer
wg_…``) for programs, or the browser session with its CSRF token for the pages' own scripts."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api.models import AccessToken
from api.tokens import token_for_secret, token_touch
from core.request_context import client_address


class AccessTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``: the token's user, with ``request.auth`` the token."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, AccessToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确。"))
        try:
            secret = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("令牌格式不正确。")) from None
        token = token_for_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已被撤销。"))
        token_touch(token, client_address(request._request))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """The browser session; unsafe methods need the CSRF token, as on the pages."""
