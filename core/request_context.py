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


def client_address(request: Any) -> str:
    """The client's address: the header named by ``CLIENT_IP_HEADER`` (set by your proxy) or REMOTE_ADDR.

    Only name a header the proxy in front of Wangge sets (e.g. ``HTTP_X_REAL_IP``), or anyone
    could pick a fresh address for every request. Of a list (``X-Forwarded-For``) the last
    entry counts: the one your proxy appended; earlier ones come from the client.
    """
    from django.conf import settings

    header = getattr(settings, "CLIENT_IP_HEADER", "")
    value = str(request.META.get(header, "")) if header else ""
    if value.strip(" ,"):
        return value.strip(" ,").split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def acting_as(user: Any = None, request_id: str = "", remote_addr: str = "") -> Iterator[None]:
    token = _current.set(RequestContext(user, request_id or new_request_id(), remote_addr))
    try:
        yield
    finally:
        _current.reset(token)
