"""Case search (事件查询): the workbench's one box.

* **A number** (digits only): the case number, exactly or as a prefix (``20261205`` lists that
  day's cases), or digits in the address or description (a room number).
* **A phone** (a whole mobile or landline number): the reporter's phone, exactly, through its
  blind index (``Case.reporter_phone_index``); a part of a phone finds nothing. A phone is a
  lookup by number like the registry's (``registry.lookups``): the box posts, the lookup counts
  against the same hourly limit per user and writes one access-log row (``lookup:search``, the
  number kept as a keyed fingerprint only), and the workbench's address carries the number
  sealed (``qe``), never in clear.
* **Words**: every word (up to ``MAX_WORDS``) must appear in the address or the description.

The conditions narrow a queryset that is already ``Case.objects.visible_to(user)``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.home import home_area_for
from audit.models import AccessLogEntry
from cases.models import Case
from core.request_context import current
from registry.lookups import SEARCH, reference
from registry.normalise import is_landline, is_mobile, normalise_phone, normalise_text
from registry.pii import index_value

MAX_WORDS = 5
MAX_LENGTH = 100
LOGGED_MATCHES = 20


def is_phone(text: str) -> bool:
    """Whether the box holds a whole phone number (searched through the blind index only)."""
    phone = normalise_phone(text)
    return is_mobile(phone) or is_landline(phone.split("-", 1)[0])


def phone_condition(text: str) -> Q:
    """Cases whose reporter left exactly this phone (never-true for an empty number)."""
    index = index_value("phone", text)
    return Q(reporter_phone_index=index) if index else Q(pk__in=[])


def text_condition(text: str) -> Q:
    """Every word in the address or the description; a word of digits also as a case number's start."""
    condition = Q()
    # Split first: normalising joins two Chinese words (it drops the padding in 张　三).
    for word in [normalise_text(word) for word in text[:MAX_LENGTH].split()][:MAX_WORDS]:
        match = Q(address__icontains=word) | Q(description__icontains=word)
        if word.isdigit():
            match |= Q(number__startswith=word)
        condition &= match
    return condition


def record_phone_search(*, actor: Any, number: str, found: list[Case]) -> AccessLogEntry:
    """The access-log row of one search by the reporter's phone, in the first case's grid (else
    the user's own area); counted by ``registry.lookups.lookup_refusal`` like a registry lookup."""
    first = found[0] if found else None
    home = None if first else home_area_for(actor)
    with translation.override(settings.LANGUAGE_CODE):  # the log is one record, in the site's language
        if found:
            reason = _("按反映人电话查询事件，查询指纹 %(reference)s，找到事件：%(count)d")
        else:
            reason = _("按反映人电话查询事件，查询指纹 %(reference)s，未找到")
        reason = reason % {"reference": reference(number), "count": len(found)}
    context = current()
    return AccessLogEntry.objects.create(
        user=actor,
        user_name=(getattr(actor, "full_name", "") or actor.get_username())[:150],
        request_id=context.request_id,
        remote_addr=context.remote_addr,
        content_type=ContentType.objects.get_for_model(Case),
        object_id=str(first.pk) if first else "",
        object_repr=str(first)[:200] if first else "",
        area_code=first.grid_code if first else (home.code if home else ""),
        fields=SEARCH,
        reason=reason[:200],
    )
