"""Keyset (cursor) pagination: a page is "the next N rows after this key" in an indexed order,
so the millionth row costs what the first does, and rows inserted meanwhile neither repeat nor
skip a row on later pages.

The cursor is opaque to clients (URL-safe base64 of the last row's key); ``next`` is the full
URL of the next page, ``null`` on the last one.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

M = TypeVar("M", bound=Model)
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Keyset:
    """An order of two columns, the second unique (``("-reported_at", "-pk")``, ``("code", "pk")``)."""

    first: str
    second: str
    parse_first: Callable[[Any], Any] = lambda value: value

    def order(self) -> list[str]:
        return [self.first, self.second]

    def after(self, key: Sequence[Any]) -> Q:
        first, second = self.first.lstrip("-"), self.second.lstrip("-")
        first_op = "lt" if self.first.startswith("-") else "gt"
        second_op = "lt" if self.second.startswith("-") else "gt"
        value = self.parse_first(key[0])
        after = Q(**{f"{first}__{first_op}": value}) | Q(**{first: value, f"{second}__{second_op}": key[1]})
        # The same rows; the redundant bound on the first column alone becomes the start of the
        # index range (PostgreSQL cannot start a range from the OR: it would filter every row
        # before the cursor, 50,000 rows scanned for page 1,000).
        return Q(**{f"{first}__{first_op}e": value}) & after

    def key_of(self, row: Model) -> list[Any]:
        value = getattr(row, self.first.lstrip("-"))
        if isinstance(value, datetime.datetime):
            value = value.isoformat()
        return [value, getattr(row, self.second.lstrip("-"))]


def by_time(value: Any) -> datetime.datetime:
    return datetime.datetime.fromisoformat(str(value))


def encode_cursor(key: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    """The key in a cursor; ValueError (with a message for the client) when it is not one of ours."""
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValueError(_("无效的游标。")) from None
    if not (isinstance(key, list) and len(key) == 2 and isinstance(key[1], int) and isinstance(key[0], str | int)):
        raise ValueError(_("无效的游标。"))
    return key


def page_size_of(request: Request) -> int:
    raw = request.query_params.get("page_size", "")
    if raw == "":
        return DEFAULT_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise ValueError(_("每页条数须为 1 到 %(max)s 之间的整数。") % {"max": MAX_PAGE_SIZE})
    return int(raw)


def cursor_page(rows: QuerySet[M], keyset: Keyset, request: Request, cursor: str, size: int
                          ) -> tuple[list[M], str | None]:
    """The page after ``cursor`` (validated by ``decode_cursor``) and the next page's URL."""
    ordered = rows.order_by(*keyset.order())
    if cursor:
        key = decode_cursor(cursor)
        try:
            ordered = ordered.filter(keyset.after(key))
        except (TypeError, ValueError):
            raise ValueError(_("无效的游标。")) from None
    page = list(ordered[: size + 1])
    if len(page) <= size:
        return page, None
    page = page[:size]
    url = replace_query_param(request.build_absolute_uri(), "cursor", encode_cursor(keyset.key_of(page[-1])))
    return page, url
