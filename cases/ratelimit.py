"""Rate limits of the public pages (随手拍 and the tracking page), so nobody floods the desks.

* **Reports** are limited per client address and per phone number by counting the cases
  they reported recently in the database, so the limit holds across every web process.
  The address is never stored: ``Case.source_key`` keeps a keyed hash of it (HMAC-SHA256 with
  ``PII_INDEX_KEY``); the phone is matched through ``Case.reporter_phone_index``, the same
  keyed blind index the encrypted phone already has.
* **Failed reports** count too: a submission that does not become a case (the honeypot, a
  missing field, a bad phone, a refused photo, a place outside every grid) is counted per
  address and per phone in the cache named by ``CASES_RATELIMIT_CACHE`` (a fixed window of
  an hour from the first failure), and the limits above compare saved plus failed reports.
  So failing submissions cannot be repeated without limit, and the limit is checked before
  any field or photo of a submission is looked at.
* **Tracking-code lookups** that find nothing are counted per client address in the cache
  named by ``CASES_RATELIMIT_CACHE`` (a fixed window), so a script cannot walk the code
  space. Lookups of a real code are not counted: a reporter may reload their page freely.
  With several web processes the cache must be shared (Redis, the database cache) for the
  limit to be exact; a per-process cache multiplies it by the number of processes, which
  against ten-character codes (32¹⁰ possibilities) is still far out of a guesser's reach.

The database counts are read before the case is written; two requests arriving in the same
instant may both pass, so a limit can be exceeded by the number of truly concurrent requests.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import operator
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import Case
from core.request_context import client_address
from registry.normalise import normalise_phone
from registry.pii import index_value

LOOKUP_WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class Limits:
    """How many reports per hour per address and per phone, and failed lookups per hour."""

    reports_per_address: int
    reports_per_phone: int
    failed_lookups_per_address: int


def limits() -> Limits:
    return Limits(
        reports_per_address=int(getattr(settings, "CASES_PUBLIC_REPORTS_PER_IP_HOUR", 5)),
        reports_per_phone=int(getattr(settings, "CASES_PUBLIC_REPORTS_PER_PHONE_HOUR", 3)),
        failed_lookups_per_address=int(getattr(settings, "CASES_TRACK_FAILED_LOOKUPS_PER_IP_HOUR", 20)),
    )


def keyed_source(source: str) -> str:
    """A keyed hash of a report's source (``Case.source_key``): countable, not reversible."""
    key = str(getattr(settings, "PII_INDEX_KEY", "") or settings.SECRET_KEY).encode()
    return hmac.new(key, b"case-source:" + source.encode(), hashlib.sha256).hexdigest()


def source_key(request: HttpRequest) -> str:
    """The source of a public page's report: the client's address."""
    return keyed_source(client_address(request))


def _since(now: datetime.datetime | None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(hours=1)


def _phone_index(phone: str) -> str:
    normalised = normalise_phone(phone) if phone else ""
    return index_value("phone", normalised) if normalised else ""


def _failed_report_keys(key: str, phone: str) -> tuple[str, str]:
    """The cache keys counting failed reports of this address and of this phone ("" for none)."""
    phone_index = _phone_index(phone)
    return (f"cases:report-fail:{key}" if key else "",
            f"cases:report-fail-phone:{phone_index}" if phone_index else "")


def _failed(name: str) -> int:
    return int(_cache().get(name, 0)) if name else 0


def _saved_reports(key: str, phone_index: str, since: datetime.datetime) -> tuple[int, int]:
    """The reports saved since ``since`` from this address and with this phone, in one query."""
    wanted: dict[str, Q] = {}
    if key:
        wanted["address"] = Q(source_key=key)
    if phone_index:
        wanted["phone"] = Q(reporter_phone_index=phone_index)
    if not wanted:
        return 0, 0
    counts = Case.objects.filter(functools.reduce(operator.or_, wanted.values()), created_at__gte=since).aggregate(
        **{name: Count("pk", filter=condition) for name, condition in wanted.items()})
    return counts.get("address", 0), counts.get("phone", 0)


def report_refusal(key: str, phone: str = "", *, now: datetime.datetime | None = None) -> str | None:
    """Why a public report from this address (and phone) must wait, or None when it may go ahead.

    Counts the reports saved within the hour (database, one query) plus the failed ones (cache)."""
    wanted = limits()
    failed_address, failed_phone = (_failed(name) for name in _failed_report_keys(key, phone))
    phone_index = _phone_index(phone)
    saved_address, saved_phone = _saved_reports(key, phone_index, _since(now))
    if key and failed_address + saved_address >= wanted.reports_per_address:
        return ngettext(
            "同一网络每小时最多提交%(limit)d条反映，请稍后再试；紧急情况请拨打110，其他问题可拨打12345政务服务便民热线。",
            "同一网络每小时最多提交%(limit)d条反映，请稍后再试；紧急情况请拨打110，其他问题可拨打12345政务服务便民热线。",
            wanted.reports_per_address,
        ) % {"limit": wanted.reports_per_address}
    if phone_index and failed_phone + saved_phone >= wanted.reports_per_phone:
        return ngettext(
            "同一手机号每小时最多提交%(limit)d条反映，请稍后再试。",
            "同一手机号每小时最多提交%(limit)d条反映，请稍后再试。",
            wanted.reports_per_phone,
        ) % {"limit": wanted.reports_per_phone}
    return None


def _lookup_cache_key(key: str) -> str:
    return f"cases:track-miss:{key}"


def _cache() -> BaseCache:
    return caches[getattr(settings, "CASES_RATELIMIT_CACHE", "default")]


def lookups_blocked(key: str) -> bool:
    """Whether this address used up its failed tracking-code lookups for the hour."""
    return int(_cache().get(_lookup_cache_key(key), 0)) >= limits().failed_lookups_per_address


def _count(name: str) -> None:
    """One more in the cache counter ``name`` (the hour's window starts with the first)."""
    cache = _cache()
    if not cache.add(name, 1, LOOKUP_WINDOW_SECONDS):
        try:
            cache.incr(name)
        except ValueError:  # expired between add and incr
            cache.add(name, 1, LOOKUP_WINDOW_SECONDS)


def count_failed_lookup(key: str) -> None:
    """Count one lookup of an unknown code (the window starts with the first failure)."""
    _count(_lookup_cache_key(key))


def count_failed_report(key: str, phone: str = "") -> None:
    """Count a public submission that did not become a case, against its address and phone."""
    for name in _failed_report_keys(key, phone):
        if name:
            _count(name)


def lookup_refusal() -> str:
    return _("查询过于频繁，请一小时后再试。")
