"""The user and request id of the request being served, for the audit log.

Set by ``RequestContextMiddleware``; management commands and tasks may set them with
``acting_as``. Context variables keep threads and async tasks apart.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    user: Any = None
    request_id: str = ""
    remote_addr: str = ""


_EMPTY = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("wangge_request", default=None)


def current() -> RequestContext:
    return _current.get() or _EMPTY


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def acting_as(user: Any = None, request_id: str = "", remote_addr: str = "") -> Iterator[None]:
    token = _current.set(RequestContext(user, request_id or new_request_id(), remote_addr))
    try:
        yield
    finally:
        _current.reset(token)
