"""The user and request id of the request being served, for the audit log.

Set by ``RequestContextMiddleware``; management commands and tasks may set them with
``acting_as``. Context variables keep threads and async tasks apart.
"""

import functools
import ipaddress
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class RequestContext:
    user: Any = None
    request_id: str = ""
    remote_addr: str = ""


_EMPTY = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("wangge_request", default=None)


def current() -> RequestContext:
    return _current.get() or _EMPTY


# A proxy's request id: nginx's $request_id is 32 hex digits, others send UUIDs.
_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{7,63}")


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def from_trusted_proxy(request: Any) -> bool:
    """Whether the request came straight from a proxy named in ``TRUSTED_PROXY_IPS`` (addresses or networks)."""
    try:
        address = ipaddress.ip_address(str(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return False
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXY_IPS)))


def client_address(request: Any) -> str:
    """The client's address: the header named by ``CLIENT_IP_HEADER`` (set by your proxy) or REMOTE_ADDR.

    Only name a header the proxy in front of Wangge sets (e.g. ``HTTP_X_REAL_IP``), or anyone
    could pick a fresh address for every request. With ``TRUSTED_PROXY_IPS`` set, the header
    counts only on requests from those proxies. Of a list (``X-Forwarded-For``) the last
    entry counts: the one your proxy appended; earlier ones come from the client.
    """
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    value = str(request.META.get(header, "")) if header else ""
    if value.strip(" ,") and (not settings.TRUSTED_PROXY_IPS or from_trusted_proxy(request)):
        return value.strip(" ,").split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def request_id_of(request: Any) -> str:
    """The proxy's ``X-Request-Id`` when a trusted proxy sent a well-formed one, else a new id.

    Anyone else's id is ignored: it would land in the audit and access logs, where a forged one
    could tie a stranger's request to somebody else's entries or smuggle text into log viewers.
    """
    offered = str(request.META.get("HTTP_X_REQUEST_ID", ""))
    if offered and _REQUEST_ID.fullmatch(offered) and from_trusted_proxy(request):
        return offered
    return new_request_id()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def acting_as(user: Any = None, request_id: str = "", remote_addr: str = "") -> Iterator[None]:
    token = _current.set(RequestContext(user, request_id or new_request_id(), remote_addr))
    try:
        yield
    finally:
        _current.reset(token)
