"""扫码表决: a household votes by its one-time link/QR, after an SMS code to a registered phone.

``links_issue`` gives each unit of a building its link (a random token, kept only as a SHA-256
hash; the plain tokens go once to the printed QR slips). On the public page the household
enters the phone registered for one of its members (for an owners' vote: the owner's); the phone
is compared through the blind index, never shown. ``code_send`` texts a 6-digit code through
``cases.sms`` (limited per link and per client address), ``code_check`` checks it (it expires
and allows a few attempts), and ``link_vote`` records the vote through ``ballots.vote_record``:
the door-to-door operation, so one vote per unit, changeable until the ballot closes, every
change logged (channel 扫码表决).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.sms import send_sms
from cases.workflow import ActionRefused
from participation import ballots
from participation.models import Ballot, BallotState, UnitKind, Vote, VoteCode, VoteLink
from registry.models import Building, Dwelling, HouseholdMember, Resident
from registry.normalise import normalise_phone
from registry.pii import index_value
from registry.validators import validate_phone

__all__ = ["IssuedLink", "SentCode", "code_check", "code_send", "hash_token", "link_for_token", "link_vote",
           "links_issue", "unit_members"]

CODE_MINUTES = 10  # a texted code is good for this long
MAX_ATTEMPTS = 5  # wrong entries of one code before a new one is needed
VERIFIED_MINUTES = 30  # a checked code lets the household vote (and change) for this long


def _codes_per_link() -> int:
    return int(getattr(settings, "PARTICIPATION_VOTE_CODES_PER_LINK_HOUR", 3))


def _codes_per_address() -> int:
    return int(getattr(settings, "PARTICIPATION_VOTE_CODES_PER_IP_HOUR", 10))


def hash_token(token: str) -> str:
    """The link's token at rest: random (192 bits), so a plain SHA-256 is enough (like API tokens)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _hash_code(link: VoteLink, code: str) -> str:
    """A 6-digit code is guessable offline, so it is kept as a keyed hash bound to its link."""
    return hmac.new(settings.SECRET_KEY.encode(), f"vote-code:{link.pk}:{code}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class IssuedLink:
    """A link just issued: its unit (as the ballot's page lists it) and the plain token, shown once."""

    unit: ballots.EligibleUnit
    token: str


def _open(ballot: Ballot) -> Ballot:
    current = Ballot.objects.get(pk=ballot.pk)
    if current.state != BallotState.OPEN:
        raise ActionRefused(_("表决已结束，不能再登记或修改意见。"), conflict=True)
    return current


@transaction.atomic
def links_issue(*, actor: User, ballot: Ballot, building: Building) -> list[IssuedLink]:
    """发放扫码表决链接 for the units of ``building`` the actor sees. A unit that had a link gets a
    new one: the slip printed before stops working."""
    ballot = _open(ballot)
    if not ballot.buildings.filter(pk=building.pk).exists():
        raise ValidationError({"building": [_("该楼栋不在本次表决范围内。")]})
    if not actor.has_perm("participation.record_vote", building.grid):
        raise ActionRefused(_("您没有在该区域办理此操作的权限。"))
    visible = set(Dwelling.objects.visible_to(actor).filter(building=building).values_list("pk", flat=True))
    issued = []
    for unit in ballots.eligible_units(ballot):
        if unit.dwelling.building_id != building.pk or unit.dwelling.pk not in visible:
            continue
        token = secrets.token_urlsafe(24)
        VoteLink.objects.update_or_create(
            ballot=ballot, dwelling=unit.dwelling, household=unit.household,
            defaults={"token_hash": hash_token(token), "issued_by": actor, "issued_at": timezone.now()},
        )
        issued.append(IssuedLink(unit, token))
    if not issued:
        raise ActionRefused(_("该楼栋没有您可以发放链接的住户。"))
    return issued


def link_for_token(token: str) -> VoteLink | None:
    return (VoteLink.objects.select_related("ballot", "dwelling__building", "dwelling__unit", "household")
            .filter(token_hash=hash_token(token)).first())


def unit_members(link: VoteLink) -> list[Resident]:
    """Who may confirm the link by phone: the household's current members (and its head), or for
    an owners' vote the dwelling's owner."""
    if link.ballot.unit_kind == UnitKind.DWELLING:
        return [link.dwelling.owner] if link.dwelling.owner_id and link.dwelling.owner else []
    if link.household is None:
        return []
    members = [stay.resident for stay in HouseholdMember.objects.current().filter(household=link.household)
               .select_related("resident")]
    if link.household.head_id and all(person.pk != link.household.head_id for person in members):
        members.append(link.household.head)  # type: ignore[arg-type]
    return members


@dataclass(frozen=True)
class SentCode:
    """A texted code: its row (the page keeps its id) and the plain code (texted, never shown)."""

    row: VoteCode
    code: str


def code_send(*, link: VoteLink, phone: str, source_key: str = "", now: datetime.datetime | None = None,
              deliver: Callable[[str, str], None] = send_sms) -> SentCode:
    """发送验证码 to ``phone`` if it is registered for a member of the link's unit. ``deliver``
    texts it (``cases.sms.send_sms``; the demo passes one that sends nothing)."""
    now = now or timezone.now()
    _open(link.ballot)
    since = now - datetime.timedelta(hours=1)
    if VoteCode.objects.filter(link=link, sent_at__gte=since).count() >= _codes_per_link():
        raise ActionRefused(_("验证码发送次数过多，请一小时后再试或联系网格员。"))
    recent_here = VoteCode.objects.filter(source_key=source_key, sent_at__gte=since) if source_key else None
    if recent_here is not None and recent_here.count() >= _codes_per_address():
        raise ActionRefused(_("验证码发送次数过多，请一小时后再试或联系网格员。"))
    normalised = normalise_phone(phone or "")
    if not normalised:
        raise ValidationError({"phone": [_("请填写手机号。")]})
    try:
        validate_phone(normalised)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from error
    wanted = index_value("phone", normalised)
    member = next((person for person in unit_members(link) if person.phone_index == wanted), None)
    if member is None:
        raise ValidationError({"phone": [_("该号码不是本户登记的手机号。如号码有变化，请联系网格员。")]})
    code = f"{secrets.randbelow(10**6):06d}"
    row = VoteCode.objects.create(link=link, resident=member, code_hash=_hash_code(link, code),
                                  source_key=source_key, sent_at=now,
                                  expires_at=now + datetime.timedelta(minutes=CODE_MINUTES))
    deliver(normalised, _("您的表决验证码为%(code)s，%(minutes)d分钟内有效，请勿告诉他人。")
             % {"code": code, "minutes": CODE_MINUTES})
    return SentCode(row, code)


def code_check(*, link: VoteLink, code_id: int, code: str, now: datetime.datetime | None = None) -> VoteCode:
    """验证: the code texted for this link, in time and within the attempts. A wrong code counts an
    attempt (a conditional update, so two tries at once both count)."""
    now = now or timezone.now()
    row = VoteCode.objects.filter(pk=code_id, link=link).first()
    if row is None or row.expires_at <= now:
        raise ValidationError({"code": [_("验证码已过期，请重新获取。")]})
    if row.attempts >= MAX_ATTEMPTS:
        raise ValidationError({"code": [_("尝试次数过多，请重新获取验证码。")]})
    if not hmac.compare_digest(row.code_hash, _hash_code(link, (code or "").strip())):
        VoteCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
        raise ValidationError({"code": [_("验证码不正确。")]})
    VoteCode.objects.filter(pk=row.pk, verified_at__isnull=True).update(verified_at=now)
    row.refresh_from_db()
    return row


def link_vote(*, link: VoteLink, code_id: int, choice: str, now: datetime.datetime | None = None) -> Vote:
    """扫码表决: the household's vote (or change) after its code was checked, recorded by the
    door-to-door operation with the link as its authority."""
    now = now or timezone.now()
    row = VoteCode.objects.select_related("resident").filter(pk=code_id, link=link).first()
    if row is None or row.verified_at is None or row.verified_at < now - datetime.timedelta(minutes=VERIFIED_MINUTES):
        raise ActionRefused(_("验证已过期，请重新获取验证码。"))
    return ballots.vote_record(actor=None, link=link, ballot=link.ballot, dwelling=link.dwelling,
                               household=link.household, choice=choice, signer_name=row.resident.name,
                               signer_relation=_("扫码表决"), signed_on=timezone.localdate(now))
