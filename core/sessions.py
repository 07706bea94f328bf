"""Staff sessions end after ``SESSION_IDLE_TIMEOUT`` seconds without a request (default two hours).

A session lasts as long as its owner works: the login starts the clock and requests of the
logged-in user renew it, at most every five minutes (so a page full of htmx requests does not
write the session row each time; the timeout is exact to within those five minutes). The
renewal moves both the session's expiry in the store and the cookie's lifetime; a session found
idle for longer anyway (a store that ignores per-session expiry, such as signed cookies) is
logged out here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

LAST_SEEN = "wangge_last_seen"
RENEW_EVERY_SECONDS = 5 * 60


class SessionIdleTimeoutMiddleware:
    """After the authentication middleware: log out idle sessions, renew active ones."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        now = timezone.now().timestamp()
        seen = request.session.get(LAST_SEEN)
        if isinstance(seen, int | float) and now - seen > settings.SESSION_IDLE_TIMEOUT:
            logout(request)
        elif not isinstance(seen, int | float) or now - seen >= RENEW_EVERY_SECONDS:
            _renew(request, now)


def start_clock(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """On ``user_logged_in`` (connected in ``CoreConfig.ready``): the session's first renewal."""
    if request is not None and hasattr(request, "session"):
        _renew(request, timezone.now().timestamp())


def _renew(request: HttpRequest, now: float) -> None:
    request.session[LAST_SEEN] = now
    request.session.set_expiry(settings.SESSION_IDLE_TIMEOUT)
