"""Wangge as an Open311 client: the three calls the hand-off makes to a city platform.

* ``post_request``: ``POST requests.json`` (form-encoded), answered with the request's id or token;
* ``get_request``: ``GET requests/{id}.json``, its status and ``status_notes``;
* ``get_updates``: ``GET servicerequestupdates.json`` (mySociety's extension), a page of updates.

The standard library's ``urllib`` with a short timeout; redirects are not followed (a 3xx is an
error like any other non-2xx). No SSRF guard: the address is set by a superuser in the admin,
usually a government intranet host, not by the users the webhooks guard against. Every failure
is an ``UpstreamError`` with a short message for the hand-off's ``last_error``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from api.models import UpstreamPlatform

USER_AGENT = "Wangge-Open311-Client/1"


class UpstreamError(Exception):
    """The platform could not be reached or answered something unusable."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect())


@dataclass(frozen=True)
class Created:
    service_request_id: str
    token: str


@dataclass(frozen=True)
class RequestState:
    status: str
    status_notes: str
    updated_datetime: str


def url(platform: UpstreamPlatform, method: str, **query: str) -> str:
    base = platform.base_url if platform.base_url.endswith("/") else platform.base_url + "/"
    if platform.jurisdiction_id:
        query = {"jurisdiction_id": platform.jurisdiction_id, **query}
    return base + method + (f"?{urllib.parse.urlencode(query)}" if query else "")


def _call(request: urllib.request.Request) -> Any:
    request.add_header("User-Agent", USER_AGENT)
    request.add_header("Accept", "application/json")
    try:
        with _opener.open(request, timeout=settings.CITY_HANDOFF_TIMEOUT_SECONDS) as response:
            body = response.read(2_000_000)
    except urllib.error.HTTPError as error:
        excerpt = error.read(300).decode("utf-8", "replace")
        raise UpstreamError(f"HTTP {error.code}: {excerpt}"[:300]) from error
    except (OSError, ValueError) as error:  # URLError, timeouts, refused connections, bad URLs
        reason = getattr(error, "reason", error)
        raise UpstreamError(f"{type(error).__name__}: {reason}"[:300]) from error
    try:
        return json.loads(body)
    except ValueError as error:
        raise UpstreamError(f"not JSON: {body[:100]!r}"[:300]) from error


def post_request(platform: UpstreamPlatform, fields: dict[str, str]) -> Created:
    """Create the request upstream; its id (or, from a batch server, only its token)."""
    data = dict(fields)
    if platform.api_key:
        data["api_key"] = platform.api_key
    if platform.jurisdiction_id:
        data["jurisdiction_id"] = platform.jurisdiction_id
    request = urllib.request.Request(
        url(platform, "requests.json"), data=urllib.parse.urlencode(data).encode(), method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    answer = _call(request)
    row = answer[0] if isinstance(answer, list) and answer and isinstance(answer[0], dict) else None
    if row is None or not (row.get("service_request_id") or row.get("token")):
        raise UpstreamError(f"unexpected answer: {json.dumps(answer, ensure_ascii=False)[:200]}")
    return Created(str(row.get("service_request_id") or ""), str(row.get("token") or ""))


def id_for_token(platform: UpstreamPlatform, token: str) -> str:
    """``GET tokens/{token}.json``: the id a batch server gave the request later ('' while none)."""
    answer = _call(urllib.request.Request(url(platform, f"tokens/{urllib.parse.quote(token)}.json")))
    row = answer[0] if isinstance(answer, list) and answer and isinstance(answer[0], dict) else {}
    return str(row.get("service_request_id") or "")


def get_request(platform: UpstreamPlatform, service_request_id: str) -> RequestState:
    answer = _call(urllib.request.Request(url(platform, f"requests/{urllib.parse.quote(service_request_id)}.json")))
    row = answer[0] if isinstance(answer, list) and answer and isinstance(answer[0], dict) else None
    if row is None or row.get("status") not in ("open", "closed"):
        raise UpstreamError(f"unexpected answer: {json.dumps(answer, ensure_ascii=False)[:200]}")
    return RequestState(str(row["status"]), str(row.get("status_notes") or ""), str(row.get("updated_datetime") or ""))


def get_updates(platform: UpstreamPlatform, start: str, end: str, page: int, page_size: int) -> list[dict[str, Any]]:
    """One page of ``servicerequestupdates`` between two W3C date-times, oldest first."""
    answer = _call(urllib.request.Request(url(
        platform, "servicerequestupdates.json", start_date=start, end_date=end, page=str(page),
        page_size=str(page_size),
    )))
    if not isinstance(answer, list):
        raise UpstreamError("unexpected answer to servicerequestupdates")
    return [row for row in answer if isinstance(row, dict)]
