"""The named operations of the wish workflow (微心愿): one function per verb.

征集 ``wish_record`` → 审核 ``wish_approve`` / ``wish_decline`` → 发布 ``wish_publish`` →
认领 ``wish_claim`` → 圆梦 ``wish_fulfil`` → 确认 ``wish_confirm``; ``wish_release_expired_claims``
returns claims not fulfilled in time to the wall. Each verb locks the wish, checks its state and
the actor's permission over the wish's area, changes it, and writes a timeline entry in one
transaction. It raises ``ActionRefused`` (state or permission) or ``ValidationError`` (naming the
field); nothing is saved then. Views, the admin and commands only call these.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from areas.models import Area
from cases.workflow import ActionRefused, Photo
from core.validators import required_text
from fieldwork.models import Visit
from participation.models import ClaimantKind, Wish, WishEvent, WishState
from registry.models import CareTag, Household, Resident
from registry.normalise import normalise_phone
from registry.validators import validate_phone

__all__ = [
    "ActionRefused", "claim_days", "wish_approve", "wish_claim", "wish_confirm", "wish_decline", "wish_fulfil",
    "wish_publish", "wish_record", "wish_release_expired_claims",
]


def claim_days() -> int:
    """Days a claimant has to fulfil a wish before it returns to the wall."""
    return int(getattr(settings, "PARTICIPATION_CLAIM_DAYS", 14))


def _label(actor: User | None) -> str:
    return (actor.full_name or actor.get_username()) if actor else ""


def _require(actor: User, permission: str, area: Area) -> None:
    if not actor.has_perm(f"participation.{permission}", area):
        raise ActionRefused(_("您没有在该区域办理此操作的权限。"))



def _lock(wish: Wish, *expected: str) -> Wish:
    locked = Wish.objects.select_for_update().get(pk=wish.pk)
    if locked.state not in expected:
        raise ActionRefused(
            _("该心愿当前状态为“%(state)s”，不能办理此操作。") % {"state": locked.get_state_display()}
        )
    return locked


def _log(wish: Wish, verb: str, before: str, actor: User | None, note: str = "", *, label: str = "",
         now: datetime.datetime | None = None) -> None:
    WishEvent.objects.create(
        wish=wish, verb=verb, from_state=before, to_state=wish.state, actor=actor,
        actor_label=label or _label(actor), note=note, area_code=wish.area_code, time=now or timezone.now(),
    )


def check_public_label(label: str, resident: Resident | None, household: Household | None) -> None:
    """The label the wall shows must not carry the beneficiary's full name or address."""
    names = {resident.name} if resident else set()
    if household is not None and household.head is not None:
        names.add(household.head.name)
    places = set()
    for dwelling in [household.dwelling if household else None]:
        if dwelling is not None:
            places |= {dwelling.building.name, dwelling.building.address, dwelling.room}
    if any(len(name) >= 2 and name in label for name in names):
        raise ValidationError({"public_label": [_("公开称呼不能包含心愿人的姓名。")]})
    if any(place and len(place) >= 2 and place in label for place in places):
        raise ValidationError({"public_label": [_("公开称呼不能包含住址或门牌。")]})


@transaction.atomic
def wish_record(
    *, actor: User, area: Area, care_tag: CareTag, title: str, estimated_value: Decimal,
    resident: Resident | None = None, household: Household | None = None, details: str = "",
    consent_to_publish: bool = False, public_label: str = "", now: datetime.datetime | None = None,
    source_visit: Visit | None = None,
) -> Wish:
    """征集: a worker records a wish collected on a visit or at the desk; ``source_visit`` is the
    visit record it was collected on (its page then lists the wish)."""
    _require(actor, "add_wish", area)
    if not area.is_grid:
        raise ValidationError({"area": [_("请选择网格。")]})
    title = required_text("title", title, _("请填写心愿内容。"))
    if resident is None and household is None:
        raise ValidationError({"resident": [_("请选择心愿人或户。")]})
    for field, record in (("resident", resident), ("household", household)):
        if record is not None and not record.grid_code.startswith(area.code):
            raise ValidationError({field: [_("心愿人不在所选网格。")]})
    if source_visit is not None and not source_visit.grid_code.startswith(area.code):
        raise ValidationError({"area": [_("走访记录不在所选网格。")]})
    if estimated_value is None or estimated_value < 0:
        raise ValidationError({"estimated_value": [_("预估价值不能为负数。")]})
    public_label = (public_label or "").strip()
    if consent_to_publish:
        required_text("public_label", public_label, _("同意公开时请填写公开称呼。"))
        check_public_label(public_label, resident, household)
    wish = Wish.objects.create(
        area=area, care_tag=care_tag, title=title, details=details.strip(), estimated_value=estimated_value,
        resident=resident, household=household, consent_to_publish=consent_to_publish,
        public_label=public_label if consent_to_publish else "", recorded_by=actor, source_visit=source_visit,
    )
    _log(wish, "record", "", actor, now=now)
    return wish


@transaction.atomic
def wish_approve(*, actor: User, wish: Wish, meeting: str, reason: str = "",
                 now: datetime.datetime | None = None) -> Wish:
    """审核通过: the community (e.g. its party committee meeting) approves the wish."""
    wish = _lock(wish, WishState.COLLECTED)
    _require(actor, "review_wish", wish.area)
    wish.review_meeting = required_text("meeting", meeting, _("请填写审核会议。"))
    wish.review_reason = reason.strip()
    wish.state = WishState.APPROVED
    wish.save()
    _log(wish, "approve", WishState.COLLECTED, actor, wish.review_meeting, now=now)
    return wish


@transaction.atomic
def wish_decline(*, actor: User, wish: Wish, meeting: str, reason: str,
                 now: datetime.datetime | None = None) -> Wish:
    """审核不通过, with the reason and the meeting that decided it."""
    wish = _lock(wish, WishState.COLLECTED)
    _require(actor, "review_wish", wish.area)
    wish.review_meeting = required_text("meeting", meeting, _("请填写审核会议。"))
    wish.review_reason = required_text("reason", reason, _("请填写不通过的理由。"))
    wish.state = WishState.DECLINED
    wish.save()
    _log(wish, "decline", WishState.COLLECTED, actor, wish.review_reason, now=now)
    return wish


@transaction.atomic
def wish_publish(*, actor: User, wish: Wish, now: datetime.datetime | None = None) -> Wish:
    """发布: the wish goes on the wall, showing only its public label."""
    wish = _lock(wish, WishState.APPROVED)
    _require(actor, "review_wish", wish.area)
    if not wish.consent_to_publish or not wish.public_label:
        raise ActionRefused(_("心愿人未同意公开，不能发布到心愿墙。"))
    wish.state = WishState.PUBLISHED
    wish.published_at = now or timezone.now()
    wish.save()
    _log(wish, "publish", WishState.APPROVED, actor, now=now)
    return wish


def _claimant_phone(phone: str, required: bool) -> str:
    phone = normalise_phone(phone or "")
    if not phone:
        if required:
            raise ValidationError({"phone": [_("请填写联系电话。")]})
        return ""
    try:
        validate_phone(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from error
    return phone


@transaction.atomic
def wish_claim(
    *, actor: User | None, wish: Wish, kind: str, name: str, phone: str = "",
    organisation: Organisation | None = None, source_key: str = "", now: datetime.datetime | None = None,
) -> Wish:
    """认领: a helper takes the wish. ``actor`` None is a member of the public on the wall, who
    must leave a name and phone; staff record claims of party members, teams and units."""
    wish = _lock(wish, WishState.PUBLISHED)
    if actor is not None:
        _require(actor, "handle_wish", wish.area)
    if kind not in ClaimantKind.values:
        raise ValidationError({"kind": [_("请选择认领人类别。")]})
    name = required_text("name", name, _("请填写认领人姓名或单位名称。"))
    if len(name) > 100:
        raise ValidationError({"name": [_("认领人名称太长。")]})
    now = now or timezone.now()
    wish.claimant_kind = kind
    wish.claimant_name = name
    wish.claimant_phone = _claimant_phone(phone, required=actor is None)
    wish.claimant_organisation = organisation
    wish.claim_source_key = source_key
    wish.claimed_at = now
    wish.claim_expires_at = now + datetime.timedelta(days=claim_days())
    wish.state = WishState.CLAIMED
    wish.save()
    label = name if actor is None else ""
    _log(wish, "claim", WishState.PUBLISHED, actor, wish.get_claimant_kind_display(), label=label, now=now)
    return wish


@transaction.atomic
def wish_fulfil(*, actor: User, wish: Wish, note: str, photo: Photo | None,
                now: datetime.datetime | None = None) -> Wish:
    """圆梦: the claimant delivered; a worker records it with a photo (already re-encoded)."""
    wish = _lock(wish, WishState.CLAIMED)
    _require(actor, "handle_wish", wish.area)
    if photo is None:
        raise ValidationError({"photo": [_("请上传圆梦照片。")]})
    wish.fulfilment_note = note.strip()
    wish.fulfilment_photo.save("photo.jpg", ContentFile(photo.content), save=False)
    wish.fulfilled_at = now or timezone.now()
    wish.claim_expires_at = None
    wish.state = WishState.FULFILLED
    wish.save()
    _log(wish, "fulfil", WishState.CLAIMED, actor, wish.fulfilment_note, now=now)
    return wish


@transaction.atomic
def wish_confirm(*, actor: User, wish: Wish, note: str = "", now: datetime.datetime | None = None) -> Wish:
    """确认: the beneficiary confirms the wish came true; a worker records it."""
    wish = _lock(wish, WishState.FULFILLED)
    _require(actor, "handle_wish", wish.area)
    wish.confirmed_at = now or timezone.now()
    wish.state = WishState.CONFIRMED
    wish.save()
    _log(wish, "confirm", WishState.FULFILLED, actor, note.strip(), now=now)
    return wish


def wish_release_expired_claims(*, now: datetime.datetime | None = None) -> int:
    """Claims not fulfilled by their deadline return to the wall. Each wish is claimed with a
    conditional update, so two runs at once release it once. Returns how many were released."""
    now = now or timezone.now()
    released = 0
    due = Wish.objects.filter(state=WishState.CLAIMED, claim_expires_at__lt=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            changed = Wish.objects.filter(pk=pk, state=WishState.CLAIMED, claim_expires_at__lt=now).update(
                state=WishState.PUBLISHED, claim_expires_at=None, claimed_at=None, claimant_kind="",
                claimant_name="", claimant_phone="", claimant_phone_index="", claimant_organisation=None,
                claim_source_key="",
            )
            if changed:
                wish = Wish.objects.get(pk=pk)
                _log(wish, "expire", WishState.CLAIMED, None, _("认领超期未圆梦，心愿重新上墙。"),
                     label=_("系统"), now=now)
                released += 1
    return released
