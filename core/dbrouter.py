"""Read replicas (只读副本): read-only work goes to PostgreSQL streaming replicas, when there are any.

``DATABASE_REPLICA_URLS`` lists the replicas (settings turn them into the aliases ``replica_1``,
``replica_2``…). Nothing is guessed: a view (or task) chooses the replicas by running inside
``use_replica()`` (or under the ``@replica_reads`` decorator) — the statistics page, the ledgers
and exports, API GETs, registry search. Everything else, and every write, uses the primary
(``default``); migrations run on the primary only. With no replica configured nothing changes.

Inside ``use_replica()`` a read still goes to the primary when

* the primary connection is inside a transaction (the reads belong to it, and see its writes);
* the model lives in an app whose rows must be current (sessions, login throttling, the task
  queue: ``PRIMARY_ONLY_APPS``);
* the user wrote a moment ago (read-your-writes): ``ReadYourWritesMiddleware`` notes every
  request that wrote (through the ORM, to any app but those above) with a signed cookie, and for
  ``REPLICA_PRIMARY_AFTER_WRITE_SECONDS`` (10 s) that browser's requests read from the primary.
  A replica usually lags by milliseconds; the window covers a redirect after a POST and a
  page a user opens next.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "django_tasks_db"})
COOKIE_NAME = "wg_primary"
_SALT = "core.dbrouter.read-your-writes"

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)
_pinned: ContextVar[bool] = ContextVar("primary_pinned", default=False)
_wrote: ContextVar[bool] = ContextVar("request_wrote", default=False)

F = TypeVar("F", bound=Callable[..., Any])


def replica_aliases() -> list[str]:
    """The database aliases of the configured replicas (empty without ``DATABASE_REPLICA_URLS``)."""
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


@contextmanager
def use_replica() -> Iterator[None]:
    """Reads inside this block may go to a replica (see the module's rules)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


@contextmanager
def use_primary() -> Iterator[None]:
    """Reads inside this block go to the primary, even inside ``use_replica()``."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def replica_reads(view: F) -> F:
    """Decorator: run the view (or function) inside ``use_replica()``."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with use_replica():
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: replicas for reads inside ``use_replica()``, the primary otherwise."""

    def __init__(self) -> None:
        self.aliases = replica_aliases()
        self._turns = itertools.cycle(self.aliases) if self.aliases else None

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if self._turns is None or not _replica_reads.get() or _pinned.get():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return next(self._turns)

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        # Setting a context variable copies the context: a bulk import asks once per related
        # object assigned (tens of thousands of times), so it is set only when it changes.
        if model._meta.app_label not in PRIMARY_ONLY_APPS and not _wrote.get():
            _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # every alias holds the same data

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return None if db == DEFAULT_DB_ALIAS else False


class ReadYourWritesMiddleware:
    """Keeps a browser on the primary for a few seconds after one of its requests wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = bool(replica_aliases())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.enabled:
            return self.get_response(request)
        pinned = _pinned.set(recently_wrote(request))
        wrote = _wrote.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get():
                remember_write(response)
        finally:
            _pinned.reset(pinned)
            _wrote.reset(wrote)
        return response


def window() -> int:
    return settings.REPLICA_PRIMARY_AFTER_WRITE_SECONDS


def recently_wrote(request: HttpRequest) -> bool:
    """Whether the request carries a valid, unexpired write mark."""
    value = request.get_signed_cookie(COOKIE_NAME, default=None, salt=_SALT, max_age=window())
    try:
        return value is not None and int(value) >= int(time.time())
    except ValueError:
        return False


def remember_write(response: HttpResponse) -> None:
    until = int(time.time()) + window()
    response.set_signed_cookie(
        COOKIE_NAME,
        str(until),
        salt=_SALT,
        max_age=window(),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
