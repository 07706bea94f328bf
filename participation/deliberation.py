"""The named operations of 议事 (the five steps): one function per verb.

民事民提 ``proposal_propose`` (a resident, public page) / ``proposal_record`` (a worker: visit,
desk) / ``proposal_from_case`` (a case that is really a community decision) → 提交
``proposal_submit`` → at each deliberating stage ``proposal_decide`` (a meeting: pass, return,
reject) → ``proposal_implement`` at the 实施 stage → ``proposal_close`` after 居民评议.
``proposal_spawn_case`` hands a piece of work to the case workflow.

Each verb locks the proposal, checks its state, the stage the actor decided at (two decisions
on one stage: the first wins, the second is refused) and the actor's permission over the
proposal's area, and writes a timeline entry in one transaction. It raises ``ActionRefused`` or
``ValidationError`` naming the field; nothing is saved then.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from areas.models import Area
from cases import transitions
from cases.models import Case, Category, Channel
from cases.workflow import ActionRefused, Photo
from core.validators import required_text, without_control_characters
from participation.models import (
    Decision,
    Meeting,
    MeetingKind,
    MeetingPhoto,
    Proposal,
    ProposalEvent,
    ProposalSource,
    ProposalState,
    Stage,
    StageKind,
    StageSet,
)
from registry.models import Resident
from registry.normalise import normalise_phone
from registry.validators import validate_phone

__all__ = [
    "ActionRefused",
    "MeetingRecord",
    "default_stage_set",
    "proposal_close",
    "proposal_decide",
    "proposal_from_case",
    "proposal_implement",
    "proposal_propose",
    "proposal_record",
    "proposal_spawn_case",
    "proposal_submit",
]


@dataclass
class MeetingRecord:
    """What a stage's meeting records: when, where, who, the minutes, photos (re-encoded)."""

    held_on: datetime.date
    place: str
    minutes: str
    title: str = ""
    attendees: Sequence[Resident] = ()
    staff: Sequence[User] = ()
    photos: Sequence[Photo] = field(default_factory=list)


def _label(actor: User | None) -> str:
    return (actor.full_name or actor.get_username()) if actor else ""


def _require(actor: User, permission: str, area: Area) -> None:
    if not actor.has_perm(f"participation.{permission}", area):
        raise ActionRefused(_("您没有在该区域办理此操作的权限。"))



def _log(proposal: Proposal, verb: str, actor: User | None, note: str = "", *, stage: Stage | None = None,
         meeting: Meeting | None = None, label: str = "", now: datetime.datetime | None = None) -> None:
    ProposalEvent.objects.create(
        proposal=proposal, verb=verb, stage_name=stage.name if stage else "", meeting=meeting, actor=actor,
        actor_label=label or _label(actor), note=note, area_code=proposal.area_code, time=now or timezone.now(),
    )


def default_stage_set() -> StageSet | None:
    return StageSet.objects.filter(is_default=True).first() or StageSet.objects.order_by("pk").first()


def _title_and_details(title: str, details: str) -> tuple[str, str]:
    title = required_text("title", title, _("请填写议题。"))
    if len(title) > 100:
        raise ValidationError({"title": [_("议题不能超过100个字。")]})
    return title, (details or "").strip()


def _phone(phone: str, *, required: bool) -> str:
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
def proposal_propose(*, area: Area, title: str, details: str, name: str, phone: str, source_key: str = "",
                     now: datetime.datetime | None = None) -> Proposal:
    """民事民提 from the public page: a resident (no account) puts a matter to the community."""
    title, details = _title_and_details(title, details)
    name = required_text("name", name, _("请填写您的称呼。"))
    proposal = Proposal.objects.create(
        area=area, title=title, details=details, source=ProposalSource.RESIDENT, proposer_name=name[:50],
        proposer_phone=_phone(phone, required=True), source_key=source_key,
    )
    _log(proposal, "propose", None, label=proposal.proposer_name, now=now)
    return proposal


@transaction.atomic
def proposal_record(*, actor: User, area: Area, title: str, details: str = "", source: str = ProposalSource.DESK,
                    proposer: Resident | None = None, proposer_name: str = "", phone: str = "",
                    source_meeting: Meeting | None = None, now: datetime.datetime | None = None) -> Proposal:
    """A worker records a proposal heard on a visit, at the desk (民意直通车) or in a meeting."""
    _require(actor, "add_proposal", area)
    if source not in (ProposalSource.VISIT, ProposalSource.DESK, ProposalSource.MEETING):
        raise ValidationError({"source": [_("请选择来源。")]})
    title, details = _title_and_details(title, details)
    if proposer is not None and not proposer.grid_code.startswith(area.code):
        raise ValidationError({"proposer": [_("提议居民不在所选区域。")]})
    proposal = Proposal.objects.create(
        area=area, title=title, details=details, source=source, proposer=proposer,
        proposer_name=(proposer.name if proposer else proposer_name.strip())[:50],
        proposer_phone=_phone(phone, required=False), source_meeting=source_meeting, recorded_by=actor,
    )
    _log(proposal, "record", actor, proposal.get_source_display(), now=now)
    return proposal


@transaction.atomic
def proposal_from_case(*, actor: User, case: Case, title: str = "", now: datetime.datetime | None = None) -> Proposal:
    """转为议题: a case that is really a community decision becomes a proposal; both link."""
    _require(actor, "add_proposal", case.grid)
    if Proposal.objects.filter(source_case=case).exists():
        raise ActionRefused(_("该事件已转为议题。"))
    # The title comes straight from the confirm form: control characters (NUL) are dropped, not stored.
    title = without_control_characters(title or "").strip() or f"{case.category.name}：{case.description[:60]}"
    proposal = Proposal.objects.create(
        area=case.grid, title=title[:100], details=case.description, source=ProposalSource.CASE,
        source_case=case, recorded_by=actor,
    )
    _log(proposal, "from_case", actor, case.number or "", now=now)
    return proposal


@transaction.atomic
def proposal_spawn_case(*, actor: User, proposal: Proposal, category: Category, description: str,
                        now: datetime.datetime | None = None) -> Case:
    """转为事件: a piece of work the deliberation decided goes to the case workflow."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _require(actor, "add_proposal", proposal.area)
    if not proposal.area.is_grid:
        raise ValidationError({"category": [_("社区的议题请在网格中上报事件。")]})
    description = required_text("description", description, _("请填写事件描述。"))
    case = transitions.case_report(actor=actor, category=category, description=description,
                                   channel=Channel.GRID_WORKER, grid=proposal.area, now=now)
    proposal.spawned_cases.add(case)
    _log(proposal, "spawn_case", actor, case.number or "", now=now)
    return case


def _lock(proposal: Proposal, stage: Stage | None, kind: str) -> tuple[Proposal, Stage]:
    """The proposal locked, if it still stands at ``stage`` (the one the actor saw) of ``kind``."""
    locked = Proposal.objects.select_for_update(of=("self",)).select_related("stage", "area").get(pk=proposal.pk)
    if locked.state != ProposalState.DELIBERATING or stage is None or locked.stage_id != stage.pk:
        where = locked.stage.name if locked.stage else locked.get_state_display()
        raise ActionRefused(_("该议题当前在“%(stage)s”，不能在此阶段办理。") % {"stage": where}, conflict=True)
    if stage.kind != kind:
        raise ActionRefused(_("“%(stage)s”阶段不能办理此操作。") % {"stage": stage.name}, conflict=True)
    return locked, stage


@transaction.atomic
def proposal_submit(*, actor: User, proposal: Proposal, stage_set: StageSet | None = None,
                    now: datetime.datetime | None = None) -> Proposal:
    """提交议事: the proposal enters the first stage of its stage set (the default if none)."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _require(actor, "add_proposal", proposal.area)
    if proposal.state != ProposalState.PROPOSED:
        raise ActionRefused(_("该议题已提交议事。"), conflict=True)
    stage_set = stage_set or proposal.stage_set or default_stage_set()
    first = stage_set.stages.order_by("position").first() if stage_set else None
    if stage_set is None or first is None:
        raise ValidationError({"stage_set": [_("议事规程没有任何阶段。")]})
    proposal.stage_set, proposal.stage, proposal.state = stage_set, first, ProposalState.DELIBERATING
    proposal.save()
    _log(proposal, "submit", actor, stage_set.name, stage=first, now=now)
    return proposal


def _record_meeting(proposal: Proposal, stage: Stage, actor: User, record: MeetingRecord, decision: str = "",
                    reason: str = "") -> Meeting:
    place = required_text("place", record.place, _("请填写会议地点。"))
    minutes = required_text("minutes", record.minutes, _("请填写会议纪要。"))
    outside = [resident for resident in record.attendees if not resident.grid_code.startswith(proposal.area_code[:9])]
    if outside:
        raise ValidationError({"attendees": [_("参会居民不在本街道：%(name)s。") % {"name": outside[0].name}]})
    meeting = Meeting.objects.create(
        area=proposal.area, kind=MeetingKind.STAGE, proposal=proposal, stage=stage, held_on=record.held_on,
        title=(record.title or "").strip()[:100] or f"{stage.deciding_body} · {stage.name}", place=place,
        minutes=minutes, minuted_at=timezone.now(), decision=decision, reason=reason, recorded_by=actor,
    )
    meeting.attendees.set(record.attendees)
    meeting.staff.set(record.staff)
    for photo in record.photos:
        row = MeetingPhoto(meeting=meeting)
        row.image.save("photo.jpg", ContentFile(photo.content), save=False)
        row.save()
    return meeting


def _advance(proposal: Proposal, stage: Stage, now: datetime.datetime) -> None:
    following = stage.following()
    if following is None:
        proposal.stage, proposal.state, proposal.closed_at = None, ProposalState.CLOSED, now
    else:
        proposal.stage = following


@transaction.atomic
def proposal_decide(*, actor: User, proposal: Proposal, stage: Stage | None, decision: str, meeting: MeetingRecord,
                    reason: str = "", now: datetime.datetime | None = None) -> Proposal:
    """审议/决议 at a stage, recorded as that stage's meeting: 通过 moves to the next stage, 退回
    to the previous one (from the first: back to the proposer, to be resubmitted), 不通过 ends it
    with the reason."""
    proposal, stage = _lock(proposal, stage, StageKind.DELIBERATE)
    _require(actor, "decide_proposal", proposal.area)
    if decision not in Decision.values:
        raise ValidationError({"decision": [_("请选择决定。")]})
    reason = (reason or "").strip()
    if decision != Decision.PASS and not reason:
        raise ValidationError({"reason": [_("退回或不通过时请填写理由。")]})
    now = now or timezone.now()
    record = _record_meeting(proposal, stage, actor, meeting, decision, reason)
    if decision == Decision.PASS:
        _advance(proposal, stage, now)
    elif decision == Decision.RETURN:
        previous = stage.preceding()
        proposal.stage = previous
        if previous is None:
            proposal.state = ProposalState.PROPOSED
    else:
        proposal.stage, proposal.state, proposal.rejection_reason = None, ProposalState.REJECTED, reason
    proposal.save()
    _log(proposal, decision, actor, reason, stage=stage, meeting=record, now=now)
    return proposal


@transaction.atomic
def proposal_implement(*, actor: User, proposal: Proposal, stage: Stage | None, note: str, meeting: MeetingRecord,
                       now: datetime.datetime | None = None) -> Proposal:
    """实施: what was done (with photos of the meeting or the site); on to 居民评议."""
    proposal, stage = _lock(proposal, stage, StageKind.IMPLEMENT)
    _require(actor, "decide_proposal", proposal.area)
    note = required_text("note", note, _("请填写实施情况。"))
    now = now or timezone.now()
    record = _record_meeting(proposal, stage, actor, meeting, Decision.PASS)
    proposal.implementation_note, proposal.implemented_at = note, now
    _advance(proposal, stage, now)
    proposal.save()
    _log(proposal, "implement", actor, note, stage=stage, meeting=record, now=now)
    return proposal


@transaction.atomic
def proposal_close(*, actor: User, proposal: Proposal, stage: Stage | None, note: str, meeting: MeetingRecord,
                   now: datetime.datetime | None = None) -> Proposal:
    """办结 after 居民评议: the evaluations so far are the result; no more are taken."""
    proposal, stage = _lock(proposal, stage, StageKind.EVALUATE)
    _require(actor, "decide_proposal", proposal.area)
    note = required_text("note", note, _("请填写办结说明。"))
    now = now or timezone.now()
    record = _record_meeting(proposal, stage, actor, meeting, Decision.PASS)
    proposal.closing_note = note
    _advance(proposal, stage, now)
    proposal.stage, proposal.state, proposal.closed_at = None, ProposalState.CLOSED, now
    proposal.save()
    _log(proposal, "close", actor, note, stage=stage, meeting=record, now=now)
    return proposal
