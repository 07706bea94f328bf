"""Identifier lookups: an exact ID number, document number or phone matched through the blind index.

An exact lookup answers "is this number registered, and whose is it?", so it is an oracle: with
the mask ``185****7850`` a script that tries the 10,000 numbers in between finds the phone. Every
lookup a person makes on purpose therefore goes through this module:

* **Limit.** At most ``REGISTRY_IDENTIFIER_LOOKUPS_PER_HOUR`` (default 30) per user in any hour;
  beyond it the search page answers 429 and the registration forms refuse with the same
  message. The count is read from the access log rows below, in the database: it holds across
  every web process and restart, and it counts exactly what an auditor sees.
* **Log.** Every search by number writes one ``audit.AccessLogEntry`` (fields ``lookup:search``),
  whether it found anyone or not, in the area of the resident found (else the user's own area).
  Registering a number that is already registered (the resident form, adding a household
  member) writes one as well (``lookup:register``), in the area of the resident who holds it.
  The number itself is never stored: the row keeps a keyed fingerprint
  (``registry.pii.lookup_reference``), the same for the same number, useless without the key.
* **No number in a URL.** The search form posts; the results page's address carries the number
  sealed (``seal``: Fernet-encrypted, bound to the user, valid for an hour) as ``qe``, so it
  never reaches browser history, proxies or the web server's access log in clear.

Two requests in the very same instant may both pass the limit; it can be exceeded by the
number of truly concurrent requests of one user, no more.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.home import home_area_for
from audit.models import AccessLogEntry
from core.request_context import current
from registry.models import Resident
from registry.normalise import is_landline, is_mobile, normalise_document, normalise_phone, normalise_text
from registry.pii import UndecryptableValue, decrypt, encrypt, lookup_reference

SEARCH = "lookup:search"
REGISTER = "lookup:register"
LOOKUP_PURPOSES = (SEARCH, REGISTER)
SEALED_QUERY_SECONDS = 3600
_WINDOW = datetime.timedelta(hours=1)
_NUMBERISH = re.compile(r"[0-9X*]+")
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_PARTIAL_MINIMUM_DIGITS = 4


def limit() -> int:
    """Identifier lookups allowed per user per hour."""
    return int(getattr(settings, "REGISTRY_IDENTIFIER_LOOKUPS_PER_HOUR", 30))


def lookups_in_last_hour(user: Any, *, now: datetime.datetime | None = None) -> int:
    """How many identifier lookups the user made in the last hour (rows of the access log)."""
    since = (now or timezone.now()) - _WINDOW
    return AccessLogEntry.objects.filter(user=user, time__gte=since, fields__in=LOOKUP_PURPOSES).count()


def lookup_refusal(user: Any, *, now: datetime.datetime | None = None) -> str | None:
    """Why the user may not look up another number now, or None when they may."""
    allowed = limit()
    if lookups_in_last_hour(user, now=now) < allowed:
        return None
    return _("按证件号码或电话查询过于频繁：每人每小时最多%(limit)d次，请一小时后再试。") % {"limit": allowed}


def reference(text: str) -> str:
    """The fingerprint a log row keeps of a searched number (as a phone if it is one)."""
    phone = normalise_phone(text)
    if is_mobile(phone) or is_landline(phone.split("-", 1)[0]):
        return lookup_reference("phone", phone)
    return lookup_reference("document", normalise_document(text))


def record_lookup(*, actor: Any, purpose: str, number: str, found: list[Resident]) -> AccessLogEntry:
    """Write the access-log row of one lookup; ``found`` are the residents the number matched."""
    first = found[0] if found else None
    home = None if first else home_area_for(actor)
    with translation.override(settings.LANGUAGE_CODE):  # the log is one record, in the site's language
        if purpose == REGISTER:
            reason = _("登记时号码已登记，查询指纹 %(reference)s")
        elif found:
            reason = _("按号码查询，查询指纹 %(reference)s，找到居民：%(count)d")
        else:
            reason = _("按号码查询，查询指纹 %(reference)s，未找到")
        reason = reason % {"reference": reference(number), "count": len(found)}
    context = current()
    return AccessLogEntry.objects.create(
        user=actor,
        user_name=(getattr(actor, "full_name", "") or actor.get_username())[:150],
        request_id=context.request_id,
        remote_addr=context.remote_addr,
        content_type=ContentType.objects.get_for_model(Resident),
        object_id=str(first.pk) if first else "",
        object_repr=str(first)[:200] if first else "",
        area_code=first.grid_code if first else (home.code if home else ""),
        fields=purpose,
        reason=reason[:200],
    )


def field_labels(fields: str) -> str:
    """An access-log row's ``fields`` in words: 证件号码、联系电话, or how a number was looked up."""
    labels = {
        "id_number": _("证件号码"), "phone": _("联系电话"), "birth_date": _("出生日期"),
        SEARCH: _("按号码查询"), REGISTER: _("登记查重"),
    }
    separator = translation.pgettext("list separator", "、")
    return separator.join(labels.get(code, code) for code in fields.split(",") if code)


# --- the search page -------------------------------------------------------------------------


def is_partial_number(text: str) -> bool:
    """Whether a query is a piece of an ID number or phone (``7850``, ``185****7850``), which the
    exact search through the blind index can never find."""
    compact = normalise_document(text).replace("＊", "*")
    if not _NUMBERISH.fullmatch(compact) or sum(char.isdigit() for char in compact) < _PARTIAL_MINIMUM_DIGITS:
        return False
    if "*" in compact:
        return True
    phone = normalise_phone(text)
    return not (_ID_SHAPE.fullmatch(compact) or is_mobile(phone) or is_landline(phone.split("-", 1)[0]))


def seal(user: Any, text: str) -> str:
    """A searched number sealed for the results page's address: encrypted, bound to the user."""
    return encrypt(f"{user.pk}:{normalise_text(text)}")


def unseal(user: Any, token: str) -> str:
    """The number of a token sealed for this user less than an hour ago, else ``""``."""
    try:
        plain = decrypt(token, ttl=SEALED_QUERY_SECONDS)
    except (UndecryptableValue, ValueError, TypeError):
        return ""
    owner, _separator, text = plain.partition(":")
    return text if owner == str(user.pk) else ""
