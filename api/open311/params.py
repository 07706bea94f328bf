"""Query parameters of the Open311 methods: checked, or a 400 naming the parameter.

Dates follow the W3C note the spec cites (``2026-12-05T10:15:00+08:00``, ``…Z``, or a bare
date); a time without an offset is read in Wangge's zone. ``jurisdiction_id`` is optional (one
jurisdiction per server); when given it must be ``OPEN311_JURISDICTION_ID`` (404 otherwise, as
the spec says for an unknown jurisdiction).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

DEFAULT_WINDOW = datetime.timedelta(days=90)
EARLIEST, LATEST = datetime.datetime(1900, 1, 1), datetime.datetime(2100, 12, 31)
MAX_IDS = 200


class Open311Error(Exception):
    """A refusal in the spec's shape: the HTTP status and one or more (code, description)."""

    def __init__(self, status: int, description: str, code: int | str | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.problems: list[tuple[int | str, str]] = [(code if code is not None else status, description)]


def bad(name: str, message: str) -> Open311Error:
    return Open311Error(400, f"{name}: {message}")


def refuse_nul(query: QueryDict) -> None:
    """No parameter may hold a NUL character (no text column stores one): a 400 naming it."""
    for name, values in query.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise bad(name.replace("\x00", "")[:40], _("不能包含空字符。"))


def jurisdiction_id() -> str:
    return str(getattr(settings, "OPEN311_JURISDICTION_ID", "") or "")


def check_jurisdiction(params: Mapping[str, str]) -> None:
    """An unknown ``jurisdiction_id`` is a 404 naming it; none given is fine (one jurisdiction)."""
    given = str(params.get("jurisdiction_id", "") or "").strip()
    expected = jurisdiction_id()
    if given and expected and given.lower() != expected.lower():
        raise Open311Error(404, _("jurisdiction_id：没有这个辖区“%(value)s”。") % {"value": given[:100]})


def parse_w3c(name: str, raw: str) -> datetime.datetime:
    """A W3C date or date-time, aware; a 400 naming ``name`` otherwise."""
    text = raw.strip()
    try:
        value = datetime.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise bad(name, _("请使用 W3C 日期时间格式，如 2026-12-05T10:15:00+08:00。")) from None
    naive = value.replace(tzinfo=None)
    if not EARLIEST <= naive <= LATEST:
        raise bad(name, _("日期须在1900年到2100年之间。"))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@dataclass(frozen=True)
class Window:
    """A time range ``[start, end]``."""

    start: datetime.datetime
    end: datetime.datetime


def window(params: Mapping[str, str], longest: datetime.timedelta = DEFAULT_WINDOW) -> Window:
    """``start_date``/``end_date``: by default the last 90 days; at most 90 days apart, as the spec says."""
    start_raw, end_raw = (str(params.get(name, "") or "") for name in ("start_date", "end_date"))
    start = parse_w3c("start_date", start_raw) if start_raw.strip() else None
    end = parse_w3c("end_date", end_raw) if end_raw.strip() else None
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - longest
    if end is None:
        end = start + longest
    if end < start:
        raise bad("end_date", _("结束时间不能早于开始时间。"))
    if end - start > longest:
        raise bad("end_date", _("开始与结束时间最多相隔%(days)s天。") % {"days": longest.days})
    return Window(start, end)


def id_list(name: str, raw: str, limit: int = MAX_IDS) -> list[str]:
    """A comma-separated list (``service_request_id``, ``service_code``), without blanks or repeats."""
    values = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if len(values) > limit:
        raise bad(name, _("一次最多%(limit)s个。") % {"limit": limit})
    return values


def statuses(raw: str) -> set[str]:
    values = set(id_list("status", raw.lower()))
    if values - {"open", "closed"}:
        raise bad("status", _("只能是 open 或 closed（可用逗号分隔）。"))
    return values


@dataclass(frozen=True)
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page(params: Mapping[str, str]) -> Page:
    """``page`` (from 1) and ``page_size`` (1 to ``OPEN311_MAX_PAGE_SIZE``, by default that many)."""
    largest = int(getattr(settings, "OPEN311_MAX_PAGE_SIZE", 1000))
    number, size = 1, largest
    raw_page, raw_size = (str(params.get(name, "") or "").strip() for name in ("page", "page_size"))
    if raw_page:
        if not raw_page.isdigit() or not 1 <= int(raw_page) <= 100_000:
            raise bad("page", _("须为从1开始的整数。"))
        number = int(raw_page)
    if raw_size:
        if not raw_size.isdigit() or not 1 <= int(raw_size) <= largest:
            raise bad("page_size", _("须为 1 到 %(max)s 之间的整数。") % {"max": largest})
        size = int(raw_size)
    return Page(number, size)


def flag(params: Mapping[str, str], name: str) -> bool:
    return str(params.get(name, "") or "").strip().lower() in ("true", "1", "yes")
