"""Consultation meetings (协商会议, 议事会, 微更新协商会) standing alone: the named operations.

``meeting_open`` → ``meeting_invite`` (residents by building, household or care tag, in the
convener's scope) → ``meeting_sign_in`` (the invitee's phone, by the meeting's QR; once per
invitee, by a conditional update) or ``meeting_mark_present`` (staff) → ``meeting_record_minutes``
(closes the sign-in) → ``meeting_spawn_proposal`` / ``meeting_spawn_case`` for its decisions.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from areas.models import Area
from cases import transitions
from cases.models import Case, Category, Channel
from cases.workflow import ActionRefused, Photo
from participation import deliberation
from participation.models import Invitation, Meeting, MeetingKind, MeetingPhoto, Proposal, ProposalSource
from registry.models import Building, CareTag, Household, Resident
from registry.selectors import tag_condition

__all__ = [
    "invitees",
    "meeting_invite",
    "meeting_mark_present",
    "meeting_open",
    "meeting_record_minutes",
    "meeting_sign_in",
    "meeting_spawn_case",
    "meeting_spawn_proposal",
]

STANDALONE = (MeetingKind.CONSULTATION, MeetingKind.COUNCIL, MeetingKind.RENEWAL)


def _require(actor: User, permission: str, area: Area) -> None:
    if not actor.has_perm(f"participation.{permission}", area):
        raise ActionRefused(_("您没有在该区域办理此操作的权限。"))


@transaction.atomic
def meeting_open(*, actor: User, area: Area, kind: str, title: str, place: str, held_on: datetime.date,
                 agenda: str = "") -> Meeting:
    """召集: a consultation meeting of an area, with its agenda."""
    _require(actor, "add_meeting", area)
    if kind not in STANDALONE:
        raise ValidationError({"kind": [_("请选择会议类型。")]})
    title, place = (title or "").strip(), (place or "").strip()
    if not title:
        raise ValidationError({"title": [_("请填写会议名称。")]})
    if not place:
        raise ValidationError({"place": [_("请填写会议地点。")]})
    return Meeting.objects.create(area=area, kind=kind, title=title[:100], place=place[:100], held_on=held_on,
                                  agenda=(agenda or "").strip(), recorded_by=actor)


def invitees(actor: User, meeting: Meeting, *, buildings: Sequence[Building] = (),
             households: Sequence[Household] = (), tag: CareTag | None = None) -> QuerySet[Resident]:
    """The residents the choices resolve to: current members of the households (of the
    buildings), residents with the care tag; all within the meeting's area and the actor's scope."""
    condition = Q(pk__in=[])
    if buildings:
        condition |= Q(stays__household__dwelling__building__in=buildings, stays__moved_out_on__isnull=True)
    if households:
        condition |= Q(stays__household__in=households, stays__moved_out_on__isnull=True)
    if tag is not None:  # a sensitive tag only where the actor may see it (registry.selectors)
        condition |= tag_condition(actor, tag)
    return (Resident.objects.visible_to(actor).filter(grid_code__startswith=meeting.area_code)
            .filter(condition).distinct())


@transaction.atomic
def meeting_invite(*, actor: User, meeting: Meeting, buildings: Sequence[Building] = (),
                   households: Sequence[Household] = (), tag: CareTag | None = None) -> int:
    """邀请: add the residents the choices resolve to; returns how many were newly invited."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require(actor, "add_meeting", meeting.area)
    if meeting.minuted_at:
        raise ActionRefused(_("会议纪要已登记，不能再邀请。"), conflict=True)
    if not buildings and not households and tag is None:
        raise ValidationError({"buildings": [_("请选择楼栋、户或关爱对象类别。")]})
    residents = list(invitees(actor, meeting, buildings=buildings, households=households, tag=tag))
    before = meeting.invitations.count()
    Invitation.objects.bulk_create([Invitation(meeting=meeting, resident=resident) for resident in residents],
                                   ignore_conflicts=True)
    return meeting.invitations.count() - before


def _sign(invitation: Invitation, *, by_staff: bool, now: datetime.datetime) -> bool:
    """One sign-in per invitee: a conditional update, so two phones at once leave one."""
    return bool(Invitation.objects.filter(pk=invitation.pk, signed_in_at__isnull=True)
                .update(signed_in_at=now, signed_in_by_staff=by_staff))


def _last_four(resident: Resident) -> str:
    digits = "".join(character for character in (resident.phone or "") if character.isdigit())
    return digits[-4:]


def meeting_sign_in(*, meeting: Meeting, phone_last4: str, name: str = "", invitation: Invitation | None = None,
                    now: datetime.datetime | None = None) -> Invitation:
    """签到 on the invitee's phone: the name (or the invitee picked from the list) and the last four
    digits of the phone the registry has. Refused when the sign-in is closed or already done."""
    if meeting.minuted_at:
        raise ActionRefused(_("会议已结束，签到已关闭。"), conflict=True)
    phone_last4 = (phone_last4 or "").strip()
    if len(phone_last4) != 4 or not phone_last4.isdigit():
        raise ValidationError({"phone_last4": [_("请填写手机号后四位。")]})
    if invitation is None:
        name = (name or "").strip()
        if not name:
            raise ValidationError({"name": [_("请填写姓名或从名单中选择。")]})
        candidates = list(meeting.invitations.select_related("resident").filter(resident__name=name))
    else:
        candidates = [invitation] if invitation.meeting_id == meeting.pk else []
    matched = [row for row in candidates if _last_four(row.resident) in ("", phone_last4)]
    if not matched:
        raise ValidationError({"phone_last4": [_("没有找到与姓名和手机号后四位相符的受邀居民。")]})
    signed = matched[0]
    if not _sign(signed, by_staff=False, now=now or timezone.now()):
        raise ActionRefused(_("您已签到，无需重复签到。"), conflict=True)
    signed.refresh_from_db()
    return signed


def meeting_mark_present(*, actor: User, invitation: Invitation, now: datetime.datetime | None = None) -> Invitation:
    """代签: a worker signs in an invitee who has no phone at hand."""
    _require(actor, "add_meeting", invitation.meeting.area)
    if invitation.meeting.minuted_at:
        raise ActionRefused(_("会议已结束，签到已关闭。"), conflict=True)
    if not _sign(invitation, by_staff=True, now=now or timezone.now()):
        raise ActionRefused(_("该居民已签到。"), conflict=True)
    invitation.refresh_from_db()
    return invitation


@transaction.atomic
def meeting_record_minutes(*, actor: User, meeting: Meeting, minutes: str, staff: Sequence[User] = (),
                           photos: Sequence[Photo] = (), now: datetime.datetime | None = None) -> Meeting:
    """纪要: the minutes close the sign-in; who signed in are the meeting's attendees."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require(actor, "add_meeting", meeting.area)
    if meeting.minuted_at:
        raise ActionRefused(_("会议纪要已登记。"), conflict=True)
    minutes = (minutes or "").strip()
    if not minutes:
        raise ValidationError({"minutes": [_("请填写会议纪要。")]})
    meeting.minutes, meeting.minuted_at = minutes, now or timezone.now()
    meeting.save()
    meeting.attendees.set(Resident.objects.filter(
        pk__in=meeting.invitations.filter(signed_in_at__isnull=False).values("resident_id")))
    meeting.staff.set(staff)
    for photo in photos:
        row = MeetingPhoto(meeting=meeting)
        row.image.save("photo.jpg", ContentFile(photo.content), save=False)
        row.save()
    return meeting


def _decided(meeting: Meeting) -> Meeting:
    """The meeting as it is now (the caller's copy may predate the minutes), once minuted."""
    current = Meeting.objects.select_related("area").get(pk=meeting.pk)
    if not current.minuted_at:
        raise ActionRefused(_("请先登记会议纪要。"), conflict=True)
    return current


def meeting_spawn_proposal(*, actor: User, meeting: Meeting, title: str, details: str = "",
                           now: datetime.datetime | None = None) -> Proposal:
    """A decision of the meeting becomes a proposal for the five steps."""
    meeting = _decided(meeting)
    return deliberation.proposal_record(actor=actor, area=meeting.area, title=title, details=details,
                                        source=ProposalSource.MEETING, source_meeting=meeting, now=now)


@transaction.atomic
def meeting_spawn_case(*, actor: User, meeting: Meeting, category: Category, description: str) -> Case:
    """A decision of the meeting becomes a case (e.g. 清理楼道堆物)."""
    meeting = _decided(meeting)
    _require(actor, "add_meeting", meeting.area)
    if not meeting.area.is_grid:
        raise ValidationError({"category": [_("社区的会议请在网格中上报事件。")]})
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": [_("请填写事件描述。")]})
    case = transitions.case_report(actor=actor, category=category, description=description,
                                   channel=Channel.GRID_WORKER, grid=meeting.area)
    meeting.spawned_cases.add(case)
    return case
