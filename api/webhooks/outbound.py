"""Sending one webhook request: POST, a short timeout, no redirects, no private addresses.

The receiver's host is resolved once and every address it resolves to must be public (not
private, loopback, link-local, shared, reserved or multicast) unless
``WEBHOOK_ALLOW_PRIVATE_ADDRESSES``; the connection then goes to that checked address (with the
host name for TLS and ``Host``), so a second DNS answer cannot point it elsewhere. ``http.client``
never follows redirects: a 3xx answer is a failure like any other non-2xx. Only a short excerpt
of the answer is read.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

EXCERPT_CHARACTERS = 200


class AddressRefused(Exception):
    """The receiver's address is not allowed (a private network, an unknown host, a bad scheme)."""


@dataclass(frozen=True)
class Answer:
    """What one attempt got back: the status (None when there was no answer), time and error."""

    status: int | None
    elapsed_ms: int
    error: str = ""
    excerpt: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def allowed_scheme(scheme: str) -> bool:
    return scheme == "https" or (scheme == "http" and settings.WEBHOOK_ALLOW_HTTP)


def resolve(host: str, port: int) -> str:
    """The address to connect to; ``AddressRefused`` when the host is unknown or not public."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(f"cannot resolve {host}: {error}") from error
    addresses = [str(info[4][0]) for info in found]
    if not addresses:
        raise AddressRefused(f"cannot resolve {host}")
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        private = [address for address in addresses if not is_public(address)]
        if private:
            raise AddressRefused(f"{host} resolves to a non-public address ({private[0]})")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST ``body`` to ``url``; never raises for network trouble (the error is in the answer)."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    parts = urlsplit(url)
    try:
        if not allowed_scheme(parts.scheme) or not parts.hostname:
            raise AddressRefused(f"scheme {parts.scheme!r} is not allowed")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = resolve(parts.hostname, port)
    except (AddressRefused, ValueError) as error:
        return Answer(None, elapsed(), error=str(error)[:300])
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, address, settings.WEBHOOK_TIMEOUT_SECONDS)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_CHARACTERS * 4).decode("utf-8", "replace")[:EXCERPT_CHARACTERS]
        return Answer(
            response.status,
            elapsed(),
            excerpt=excerpt,
            error="" if 200 <= response.status < 300 else f"HTTP {response.status}",
        )
    except (OSError, http.client.HTTPException) as error:
        return Answer(None, elapsed(), error=(f"{type(error).__name__}: {error}")[:300])
    finally:
        connection.close()
