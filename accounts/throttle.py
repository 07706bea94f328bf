"""Login throttling (登录限制): failed logins lock an account and an address, with back-off.

django-axes watches every login through Django's authentication (the site's login page and the
admin's alike): ``axes.backends.AxesStandaloneBackend`` refuses a locked attempt before any
password is checked, its signal handlers record each failure (``AccessAttempt``: username,
address, user agent, count, last time) and ``axes.middleware.AxesMiddleware`` answers a locked
attempt with ``lockout_response``. This module is the handler axes uses (``AXES_HANDLER``),
with our rules:

* **per account** — ``LOGIN_FAILURES_PER_ACCOUNT`` failures of one username, from any address,
  lock that username (whether it exists or not, so a lock tells nothing about accounts);
* **per address** — ``LOGIN_FAILURES_PER_ADDRESS`` failures from one client address, for any
  usernames, lock that address for every account. The address is
  ``core.request_context.client_address`` (``CLIENT_IP_HEADER``, else REMOTE_ADDR), never a
  header the client chooses;
* **back-off** — a lock lasts ``LOGIN_LOCKOUT_MINUTES`` counted from the last failure, and doubles
  for every further full limit of failures (5 → 15 min, 10 → 30 min, 15 → 60 min…), up to
  ``LOGIN_LOCKOUT_MAX_MINUTES``. Failures are remembered until that long after the last one, so
  after a lock every further wrong password locks again at once. Attempts while locked are
  refused without being counted (even with the right password).
* **reset** — a successful login forgets the failures of that username from that address (and
  only those: logging into one's own account does not wipe the failures an address made against
  others, nor what other addresses tried against this account).

Lockouts are logged (``logger`` below, and ``axes``'s own warnings) and listed in the admin:
axes's "Access failures" (one row per failure, 已锁定 where it locked) and "Access attempts"
(the counters). ``manage.py axes_reset_username <name>`` / ``axes_reset_ip <address>`` unlock
early. The rules are described for administrators in docs/roles.md and docs/configuration.md.
"""

from __future__ import annotations

import datetime
import logging
import math
from dataclasses import dataclass
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.validators import without_control_characters

logger = logging.getLogger(__name__)
# The longest username an account can have: what a login tries is counted under at most this much
# (axes stores usernames in 255 characters, and PostgreSQL refuses NUL in text).
USERNAME_LIMIT = 150

_REQUEST_ATTRIBUTE = "wangge_login_lock"


@dataclass(frozen=True)
class Lock:
    """A lock in force: which rule (``username`` or ``ip_address``) and until when."""

    rule: str
    until: datetime.datetime

    def minutes_left(self, now: datetime.datetime) -> int:
        return max(1, math.ceil((self.until - now).total_seconds() / 60))


def rules() -> list[tuple[str, int]]:
    """(the AccessAttempt field counted, the failures that lock) for each rule."""
    return [("username", settings.LOGIN_FAILURES_PER_ACCOUNT), ("ip_address", settings.LOGIN_FAILURES_PER_ADDRESS)]


def lockout_duration(failures: int, limit: int) -> datetime.timedelta:
    """How long ``failures`` (at least ``limit``) lock: the base, doubled per further full limit, capped."""
    doublings = min(failures // limit - 1, 32)
    minutes = min(settings.LOGIN_LOCKOUT_MINUTES * 2**doublings, settings.LOGIN_LOCKOUT_MAX_MINUTES)
    return datetime.timedelta(minutes=minutes)


def memory() -> datetime.timedelta:
    """How long failures are remembered after the last one (also axes's AXES_COOLOFF_TIME)."""
    return datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MAX_MINUTES)


def current_lock(username: str | None, address: str | None, now: datetime.datetime) -> Lock | None:
    """The longest lock in force for this username or address, if any (one query per rule)."""
    values = {"username": username, "ip_address": address}
    locks = []
    for field, limit in rules():
        if not values[field]:
            continue
        counted = AccessAttempt.objects.filter(**{field: values[field]}, attempt_time__gte=now - memory())
        totals = counted.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        failures, last = totals["failures"] or 0, totals["last"]
        if last is not None and failures >= limit and now < last + lockout_duration(failures, limit):
            locks.append(Lock(field, last + lockout_duration(failures, limit)))
    return max(locks, key=lambda lock: lock.until) if locks else None


class LoginThrottle(AxesDatabaseHandler):
    """axes's database handler with our rules: per-rule limits, back-off, a narrow reset."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """What axes compares with ``AXES_FAILURE_LIMIT``: that limit while a lock is in force, less otherwise.

        Our rules have limits of their own (``current_lock``), so the number axes sees only says
        locked or not; the lock is kept on the request for ``lockout_response``.
        """
        now = request.axes_attempt_time or timezone.now()
        lock = current_lock(get_client_username(request, credentials), request.axes_ip_address, now)
        setattr(request, _REQUEST_ATTRIBUTE, lock)
        return settings.AXES_FAILURE_LIMIT if lock else 0

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """After a successful login: forget this username's failures from this address only."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _deleted = AccessAttempt.objects.filter(username=username,
                                                       ip_address=request.axes_ip_address).delete()
        return int(count)


class ThrottleBackend(AxesStandaloneBackend):
    """The first authentication backend: refuses a locked login before any password is checked.

    Every login over the web passes its request (the login page, the admin's login). Only code
    calling ``authenticate`` without one (a management command, the test client's ``login``) is
    not throttled: there is no client address, and nobody to guess through it.
    """

    def authenticate(self, request: Any, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> None:
        if request is None:
            return None
        super().authenticate(request, username, password, **kwargs)  # type: ignore[arg-type]
        return None


def on_locked_out(sender: Any, request: Any = None, username: str | None = None, ip_address: str | None = None,
                  **kwargs: Any) -> None:
    """Log each locked attempt for the operators (axes's ``user_locked_out`` signal)."""
    lock = getattr(request, _REQUEST_ATTRIBUTE, None)
    logger.warning("Login locked (%s) for username %r from %s until %s", lock.rule if lock else "?",
                   username, ip_address, lock.until.isoformat() if lock else "?")


def lockout_response(request: HttpRequest, original_response: Any = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """The page a locked attempt gets (HTTP 429): why, and for how long, in the user's language."""
    now = timezone.now()
    lock = getattr(request, _REQUEST_ATTRIBUTE, None)
    if lock is None:
        lock = current_lock(get_client_username(request, credentials), getattr(request, "axes_ip_address", None), now)
    minutes = lock.minutes_left(now) if lock else settings.LOGIN_LOCKOUT_MINUTES
    message = _("登录失败次数过多，该账号或本机地址已被暂时锁定。请在 %(minutes)s 分钟后再试；"
                "如需提前解锁，请联系系统管理员。") % {"minutes": minutes}
    return render(request, "accounts/locked_out.html", {"message": message, "minutes": minutes},
                  status=settings.AXES_HTTP_RESPONSE_CODE)


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The username a login tried, as the throttle counts it (``AXES_USERNAME_CALLABLE``): without
    control characters and cut to ``USERNAME_LIMIT``, so that no odd input fails to be counted."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    raw = source.get(getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"))
    if raw is None:
        return None
    return without_control_characters(str(raw))[:USERNAME_LIMIT]
