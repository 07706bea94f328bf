"""What every API view shares: the scope a token needs (outside it: 404, as for an object out of
sight), the language of the answer (``Accept-Language``: zh-hans or en), and the audit context
of token requests (the token's user acts, with the request's id)."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any, ClassVar

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from api.models import AccessToken
from core.dbrouter import use_replica
from core.request_context import acting_as, current

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def requested_language(request: HttpRequest) -> str | None:
    """The first supported language of ``Accept-Language`` (the API, unlike the pages, follows it)."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


class ApiView(APIView):
    """Base of the API's views. ``read_scope``/``write_scope``: what a token needs for safe and
    unsafe methods; a session (the pages' own scripts) needs none beyond the user's permissions."""

    read_scope: ClassVar[str] = ""
    write_scope: ClassVar[str] = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        language = requested_language(request)
        with ExitStack() as stack:
            self._context_stack = stack
            if language:
                stack.enter_context(translation.override(language))
            response = super().dispatch(request, *args, **kwargs)
            if language:
                response.headers["Content-Language"] = language
            return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method in SAFE_METHODS:
            # Reads after authentication may go to a read replica (core/dbrouter.py).
            self._context_stack.enter_context(use_replica())
        if isinstance(request.auth, AccessToken):
            context = current()
            self._context_stack.enter_context(acting_as(request.user, context.request_id, context.remote_addr))

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)
        needed = self.read_scope if request.method in SAFE_METHODS else self.write_scope
        token = request.auth
        if needed and isinstance(token, AccessToken) and not token.has_scope(needed):
            # A token without the scope learns nothing, as for an object outside the user's areas.
            raise exceptions.NotFound(_("没有找到。"))

    def user(self) -> User:
        user = self.request.user
        assert isinstance(user, User)
        return user


def with_etag(response: Response, etag: str) -> Response:
    response.headers["ETag"] = etag
    return response


__all__ = ["SAFE_METHODS", "ApiView", "requested_language", "with_etag"]
