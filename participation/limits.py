"""Rate limits of public wish claims, on the pattern of 随手拍 (``cases.ratelimit``).

Claims are counted per client address (its keyed hash, ``cases.ratelimit.source_key``, kept in
``Wish.claim_source_key``) and per phone (the claimant phone's blind index) over the last hour in
the database; refused or invalid submissions are counted per address in the cache named by
``CASES_RATELIMIT_CACHE`` so that failing ones cannot be repeated without limit either.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from participation.models import CommentSource, ConventionComment, Proposal, Wish
from registry.normalise import normalise_phone
from registry.pii import index_value

WINDOW_SECONDS = 3600


def _per_address() -> int:
    return int(getattr(settings, "PARTICIPATION_PUBLIC_CLAIMS_PER_IP_HOUR", 3))


def _per_phone() -> int:
    return int(getattr(settings, "PARTICIPATION_PUBLIC_CLAIMS_PER_PHONE_HOUR", 2))


def _failed_key(key: str) -> str:
    return f"participation:claim-fail:{key}"


def _cache():  # type: ignore[no-untyped-def]
    return caches[getattr(settings, "CASES_RATELIMIT_CACHE", "default")]


def claim_refusal(key: str, phone: str = "", *, now: datetime.datetime | None = None) -> str | None:
    """Why a public claim from this address (and phone) must wait, or None."""
    since = (now or timezone.now()) - datetime.timedelta(seconds=WINDOW_SECONDS)
    recent = Wish.objects.filter(claimed_at__gte=since)
    limit = _per_address()
    failed = int(_cache().get(_failed_key(key), 0))
    if failed + recent.filter(claim_source_key=key).count() >= limit:
        return ngettext("同一网络每小时最多认领%(limit)d个心愿，请稍后再试。",
                        "同一网络每小时最多认领%(limit)d个心愿，请稍后再试。", limit) % {"limit": limit}
    normalised = normalise_phone(phone) if phone else ""
    if normalised and recent.filter(claimant_phone_index=index_value("phone", normalised)).count() >= _per_phone():
        return ngettext("同一手机号每小时最多认领%(limit)d个心愿，请稍后再试。",
                        "同一手机号每小时最多认领%(limit)d个心愿，请稍后再试。", _per_phone()) % {"limit": _per_phone()}
    return None


def count_failed_claim(key: str) -> None:
    cache = _cache()
    name = _failed_key(key)
    if not cache.add(name, 1, WINDOW_SECONDS):
        try:
            cache.incr(name)
        except ValueError:  # expired between add and incr
            cache.add(name, 1, WINDOW_SECONDS)


# ----- 议事: public proposals, QR sign-in and evaluation codes ---------------------------------

def _proposals_per_address() -> int:
    return int(getattr(settings, "PARTICIPATION_PUBLIC_PROPOSALS_PER_IP_HOUR", 3))


def _proposals_per_phone() -> int:
    return int(getattr(settings, "PARTICIPATION_PUBLIC_PROPOSALS_PER_PHONE_HOUR", 2))


def _failed_guesses() -> int:
    return int(getattr(settings, "PARTICIPATION_PUBLIC_FAILED_CODES_PER_IP_HOUR", 10))


def proposal_refusal(key: str, phone: str = "", *, now: datetime.datetime | None = None) -> str | None:
    """Why a public proposal from this address (and phone) must wait, or None; saved proposals
    are counted in the database, failed submissions in the cache (like 随手拍)."""
    since = (now or timezone.now()) - datetime.timedelta(seconds=WINDOW_SECONDS)
    recent = Proposal.objects.filter(created_at__gte=since)
    limit = _proposals_per_address()
    failed = int(_cache().get(_failed_key(f"proposal:{key}"), 0))
    if failed + recent.filter(source_key=key).count() >= limit:
        return ngettext("同一网络每小时最多提交%(limit)d条建议，请稍后再试。",
                        "同一网络每小时最多提交%(limit)d条建议，请稍后再试。", limit) % {"limit": limit}
    normalised = normalise_phone(phone) if phone else ""
    per_phone = _proposals_per_phone()
    if normalised and recent.filter(proposer_phone_index=index_value("phone", normalised)).count() >= per_phone:
        return ngettext("同一手机号每小时最多提交%(limit)d条建议，请稍后再试。",
                        "同一手机号每小时最多提交%(limit)d条建议，请稍后再试。", per_phone) % {"limit": per_phone}
    return None


def count_failed_proposal(key: str) -> None:
    count_failed_claim(f"proposal:{key}")


def guess_refusal(key: str) -> str | None:
    """Sign-ins and evaluation codes that did not match, per address: nobody walks the codes."""
    if int(_cache().get(_failed_key(f"guess:{key}"), 0)) >= _failed_guesses():
        return gettext("尝试次数过多，请一小时后再试或联系工作人员。")
    return None


def count_failed_guess(key: str) -> None:
    count_failed_claim(f"guess:{key}")


# ----- 公约: public comments on a draft ----------------------------------------------------------

def _comments_per_address() -> int:
    return int(getattr(settings, "PARTICIPATION_PUBLIC_COMMENTS_PER_IP_HOUR", 5))


def comment_refusal(key: str, *, now: datetime.datetime | None = None) -> str | None:
    """Why a public comment on a convention from this address must wait, or None: saved comments
    counted in the database, failed submissions in the cache (like 随手拍)."""
    since = (now or timezone.now()) - datetime.timedelta(seconds=WINDOW_SECONDS)
    limit = _comments_per_address()
    failed = int(_cache().get(_failed_key(f"comment:{key}"), 0))
    saved = ConventionComment.objects.filter(source=CommentSource.PUBLIC, source_key=key, created_at__gte=since)
    if failed + saved.count() >= limit:
        return ngettext("同一网络每小时最多提交%(limit)d条意见，请稍后再试。",
                        "同一网络每小时最多提交%(limit)d条意见，请稍后再试。", limit) % {"limit": limit}
    return None


def count_failed_comment(key: str) -> None:
    count_failed_claim(f"comment:{key}")
