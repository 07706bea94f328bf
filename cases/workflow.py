"""The rules under the transitions: the allowed-transition table, who may act, stage clocks.

``TRANSITIONS`` is the one table of which verb may be applied in which state and where it
leads; ``cases.transitions`` holds one function per verb and consults it. The helpers here
load and lock a case, check the table and the actor, start and end stage clocks, and write the
timeline entry.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import OrganisationMember, User
from areas.models import Area, Level
from cases import calendar, rollups
from cases.events import announce_later
from cases.models import (
    AssignmentState,
    AttachmentKind,
    Case,
    CaseAssignment,
    CaseAttachment,
    CaseEvent,
    DeadlineUnit,
    HandlingLevel,
    Stage,
    Status,
)

S = Status


@dataclass(frozen=True)
class Transition:
    """A verb: the states it may start from and the states it may lead to."""

    sources: frozenset[str]
    targets: frozenset[str]
    label: Any


def _t(sources: Iterable[str], targets: Iterable[str], label: Any) -> Transition:
    return Transition(frozenset(sources), frozenset(targets), label)


_SUPERVISED = [S.PENDING_DISPATCH, S.DISPATCHED, S.HANDLING, S.PENDING_VERIFY, S.VERIFIED]
# Once a unit has the case, the reporter's cancel is a request (撤销申请) the desk decides.
_CANCEL_REQUESTED = [S.DISPATCHED, S.HANDLING, S.ON_HOLD]
_CANCEL_DECIDED = [*_CANCEL_REQUESTED, S.PENDING_VERIFY, S.VERIFIED]

# The allowed-transition table. A verb whose target equals its source changes no state
# (sign by an assisting unit, extension requests, rating): it is still refused elsewhere.
# It is also what makes conflicting verbs exclusive: each action locks the case row, reads the
# state and only then checks this table, so of two verbs listed in ``CONFLICTS`` the second to
# get the lock finds a state it may not start from.
TRANSITIONS: dict[str, Transition] = {
    "accept": _t([S.REPORTED], [S.PENDING_DISPATCH], gettext_lazy("受理")),
    "reject": _t([S.REPORTED], [S.REJECTED], gettext_lazy("不予受理")),
    "self_handle": _t([S.PENDING_DISPATCH], [S.HANDLING], gettext_lazy("网格自办")),
    "escalate": _t([S.PENDING_DISPATCH], [S.PENDING_DISPATCH], gettext_lazy("上报上级")),
    "dispatch": _t([S.PENDING_DISPATCH], [S.DISPATCHED], gettext_lazy("派遣")),
    "sign": _t([S.DISPATCHED, S.HANDLING], [S.HANDLING], gettext_lazy("签收")),
    "return": _t([S.DISPATCHED, S.HANDLING], [S.PENDING_DISPATCH], gettext_lazy("退单")),
    "feedback": _t([S.HANDLING], [S.PENDING_VERIFY], gettext_lazy("反馈办理结果")),
    "request_extension": _t([S.HANDLING], [S.HANDLING], gettext_lazy("申请延期")),
    "decide_extension": _t([S.HANDLING], [S.HANDLING], gettext_lazy("审批延期")),
    "hold": _t([S.PENDING_DISPATCH, S.DISPATCHED, S.HANDLING], [S.ON_HOLD], gettext_lazy("挂账")),
    "resume": _t([S.ON_HOLD], [S.PENDING_DISPATCH, S.DISPATCHED, S.HANDLING], gettext_lazy("恢复办理")),
    "verify": _t([S.PENDING_VERIFY], [S.VERIFIED, S.HANDLING], gettext_lazy("核查")),
    "close": _t([S.VERIFIED], [S.CLOSED], gettext_lazy("结案")),
    "rate": _t([S.CLOSED], [S.CLOSED], gettext_lazy("评价")),
    "callback": _t([S.CLOSED], [S.CLOSED], gettext_lazy("回访")),
    "spot_check": _t([S.VERIFIED, S.CLOSED], [S.VERIFIED, S.CLOSED], gettext_lazy("抽查")),
    "reopen": _t([S.CLOSED], [S.PENDING_DISPATCH], gettext_lazy("重新办理")),
    "decline_reopen": _t([S.CLOSED], [S.CLOSED], gettext_lazy("不予重办")),
    "cancel": _t([S.REPORTED, S.PENDING_DISPATCH], [S.CANCELLED], gettext_lazy("撤销")),
    "request_cancel": _t(_CANCEL_REQUESTED, _CANCEL_REQUESTED, gettext_lazy("申请撤销")),
    "decide_cancel": _t(_CANCEL_DECIDED, [*_CANCEL_DECIDED, S.CANCELLED], gettext_lazy("审批撤销申请")),
    "merge": _t([S.REPORTED, S.PENDING_DISPATCH], [S.MERGED], gettext_lazy("合并")),
    "split": _t([S.PENDING_DISPATCH], [S.SPLIT], gettext_lazy("拆分")),
    "supervise": _t(_SUPERVISED, _SUPERVISED, gettext_lazy("督办")),
}

# Pairs of verbs that must not both succeed when applied to the same case at the same moment
# (each excludes the other: after either, the other's source state or condition is gone).
# ``cases/tests/test_transitions_conflicts.py`` races every pair on PostgreSQL. Pairs not listed
# may follow each other in either order by design (a reporter may cancel an accepted case; the
# desk may approve a cancel request after the unit fed back; the reporter's own rating replaces
# a call-back).
CONFLICTS: tuple[tuple[str, str], ...] = (
    ("accept", "reject"), ("reject", "cancel"), ("merge", "cancel"),
    ("dispatch", "dispatch"), ("dispatch", "cancel"), ("dispatch", "self_handle"), ("dispatch", "merge"),
    ("dispatch", "split"), ("self_handle", "cancel"), ("hold", "feedback"), ("verify", "verify"),
    ("close", "close"), ("rate", "rate"), ("callback", "callback"), ("reopen", "decline_reopen"),
    ("request_cancel", "request_cancel"), ("decide_cancel", "decide_cancel"),
)

# How long after closing the reporter's own rating may still replace a call-back (days).
RATING_WINDOW_DAYS = 15

# Verbs that take a new case rather than an existing one.
CREATION_VERBS = ("report",)


class ActionRefused(Exception):
    """An action not allowed in the case's state or to this user; ``message`` says why.

    ``conflict`` is true when the case's state (not the actor) is the reason: the API answers
    409 then, 403 otherwise.
    """

    def __init__(self, message: str, *, conflict: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.conflict = conflict


@dataclass(frozen=True)
class PublicReporter:
    """The resident who reported a case without an account, proven by the tracking code."""

    label: str = "反映人"


REPORTER = PublicReporter()
Actor = User | PublicReporter


def operation_time(now: datetime.datetime | None) -> datetime.datetime:
    """The time an operation records: ``now`` when the caller gives one (imports and the demo write
    past timelines), the current time otherwise."""
    return now or timezone.now()


def actor_user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


def actor_label(actor: Actor) -> str:
    if isinstance(actor, User):
        return actor.full_name or actor.get_username()
    with translation.override(settings.LANGUAGE_CODE):  # stored data: in the default language
        return _("反映人")


@dataclass(frozen=True)
class Photo:
    """A photo ready to store: JPEG bytes without EXIF (see ``cases.photos``)."""

    content: bytes
    width: int = 0
    height: int = 0


# ----- loading and checking -------------------------------------------------------------------

def lock(case: Case) -> Case:
    """Re-read the case inside the transaction, locking its row (PostgreSQL) until commit."""
    return Case.objects.select_for_update().select_related("category", "desk_area", "grid").get(pk=case.pk)


def check_state(case: Case, verb: str) -> None:
    transition = TRANSITIONS[verb]
    if case.status not in transition.sources:
        raise ActionRefused(
            _("事件当前为“%(status)s”，不能%(action)s。") % {"status": case.get_status_display(),
                                                        "action": transition.label},
            conflict=True,
        )


def require_perm(actor: Actor, perm: str, area: Area, verb: str) -> User:
    user = actor_user(actor)
    if user is None or not user.is_active or not user.has_perm(perm, area):
        raise ActionRefused(_("您没有权限对这个事件%(action)s。") % {"action": TRANSITIONS[verb].label})
    return user


def member_organisations(user: User) -> set[int]:
    """The units the user acts for: active memberships only (``OrganisationMember.objects.acting``)."""
    return set(OrganisationMember.objects.unit_ids(user).values_list("organisation_id", flat=True))


# ----- areas and levels ------------------------------------------------------------------------

def grid_area(case: Case) -> Area:
    """The grid-level area of the case (its micro-grid's parent when located in a micro-grid)."""
    grid = case.grid
    return grid.parent if grid.level == Level.MICROGRID and grid.parent else grid


def desk_for(case: Case, level: int) -> Area:
    """The area whose desk decides the case at ``level``."""
    if level == HandlingLevel.GRID:
        return grid_area(case)
    codes = {
        HandlingLevel.COMMUNITY: case.community_code,
        HandlingLevel.STREET: case.street_code,
        HandlingLevel.DISTRICT: case.grid_code[:6] + "000000",
    }
    return Area.objects.get(code=codes[HandlingLevel(level)])


def next_level(case: Case) -> int | None:
    """The desk above the current one; urgent categories may skip to their ``skip_to_level``."""
    if case.level <= HandlingLevel.DISTRICT:
        return None
    target = case.level - 1
    skip = case.category.skip_to_level
    if skip and skip < target:
        target = skip
    return target


# ----- clocks ------------------------------------------------------------------------------

def start_stage(case: Case, stage: str, due: datetime.datetime | None, now: datetime.datetime) -> None:
    """Start a stage's clock; the supervision state belongs to the running stage only."""
    case.stage = stage
    case.stage_started_at = now
    case.stage_due_at = due
    case.warned_at = None
    case.supervision_rank = 0


def end_stage(case: Case, now: datetime.datetime) -> None:
    """Stop the running stage's clock and freeze its overdue flag."""
    if case.stage and case.stage_due_at:
        overdue = now > case.stage_due_at
        setattr(case, f"{case.stage}_overdue", overdue)
        case.ever_overdue = case.ever_overdue or overdue
    case.stage = Stage.NONE
    case.stage_started_at = None
    case.stage_due_at = None
    case.warned_at = None
    case.supervision_rank = 0


def accept_deadline(case: Case, start: datetime.datetime) -> datetime.datetime:
    return calendar.deadline(start, case.category.accept_hours, DeadlineUnit.WORKING_HOURS)


def dispatch_deadline(case: Case, start: datetime.datetime) -> datetime.datetime:
    return calendar.deadline(start, case.category.dispatch_hours, DeadlineUnit.WORKING_HOURS)


def close_deadline(case: Case, start: datetime.datetime) -> datetime.datetime:
    return calendar.deadline(start, case.category.close_hours, DeadlineUnit.WORKING_HOURS)


def await_dispatch(case: Case, now: datetime.datetime) -> None:
    """待派遣: the desk's clock to dispatch (or self-handle) starts, like any other stage."""
    case.dispatch_due_at = dispatch_deadline(case, now)
    start_stage(case, Stage.DISPATCH, case.dispatch_due_at, now)


def await_close(case: Case, now: datetime.datetime) -> None:
    """待结案: the desk's clock to close a verified case starts."""
    case.close_due_at = close_deadline(case, now)
    start_stage(case, Stage.CLOSE, case.close_due_at, now)


def handle_deadline(case: Case, start: datetime.datetime) -> datetime.datetime:
    return calendar.deadline(start, case.category.handle_amount, case.category.handle_unit)


def verify_deadline(case: Case, start: datetime.datetime) -> datetime.datetime:
    return calendar.deadline(start, case.category.verify_hours, DeadlineUnit.WORKING_HOURS)


def stage_unit(case: Case) -> str:
    if case.stage == Stage.HANDLE:
        return str(case.category.handle_unit)
    return DeadlineUnit.WORKING_HOURS


def extend_unit(assignment: CaseAssignment, working_days: int) -> datetime.datetime | None:
    """An assisting unit's own deadline moved by an approved extension (while its part runs)."""
    if assignment.due_at and assignment.is_current:
        assignment.due_at = calendar.extend(assignment.due_at, working_days)
        assignment.save(update_fields=["due_at", "updated_at"])
    return assignment.due_at


def shift_unit_deadlines(case: Case, held_at: datetime.datetime, now: datetime.datetime) -> None:
    """Each running unit's own deadline moves by the time on hold (the lead's with the case's)."""
    running = list(case.assignments.filter(state__in=(AssignmentState.DISPATCHED, AssignmentState.SIGNED),
                                           due_at__isnull=False))
    for assignment in running:
        assert assignment.due_at is not None
        assignment.due_at = calendar.shift_for_pause(assignment.due_at, held_at, now, stage_unit(case))
    CaseAssignment.objects.bulk_update(running, ["due_at"])


# ----- saving ------------------------------------------------------------------------------

def save_case(case: Case) -> None:
    """Save a locked case, claiming its version first.

    On PostgreSQL the row lock of ``lock`` already serialises actions; the conditional version
    update also protects databases without row locks (SQLite): of two actions that read the
    same version, only the first one's claim succeeds. The statistics rollups book the change
    in the same transaction (``cases.rollups``).
    """
    claimed = Case.objects.filter(pk=case.pk, version=case.version).update(version=F("version") + 1)
    if claimed != 1:
        raise ActionRefused(_("这个事件刚刚被其他人处理过，请刷新页面后再试。"), conflict=True)
    before = rollups.stored_contribution(case)
    case.version += 1
    case.save()
    rollups.book_change(case, before)


def record(
    case: Case, verb: str, actor: Actor, *, from_status: str, comment: str = "", reply: str = "",
    public: bool = False, data: dict[str, Any] | None = None, photos: Sequence[Photo] = (),
    photo_kind: str = AttachmentKind.EVIDENCE, now: datetime.datetime | None = None, dispute: bool | None = None,
) -> CaseEvent:
    """Write the timeline entry (with its photos) and have it announced after commit (by a task).

    ``comment`` is the internal note; ``reply`` the answer the reporter reads on the tracking page.
    A new case (no ``from_status``: 上报, a part of a split) enters the statistics rollups here
    (``dispute``: whether it has a ``Dispute`` row, when the caller knows).
    """
    if not from_status:
        rollups.book_new(case, dispute)
    event = CaseEvent.objects.create(
        case=case, verb=verb, actor=actor_user(actor), actor_label=actor_label(actor), from_status=from_status,
        to_status=case.status, comment=comment, reply=(reply or "").strip(), public=public, data=data or {},
        area_code=case.grid_code, time=now or timezone.now(),
    )
    attach(case, event, actor, photos, photo_kind)
    announce_later(event.pk)
    return event


def attach(case: Case, event: CaseEvent, actor: Actor, photos: Sequence[Photo], kind: str) -> None:
    """Store photos (already re-encoded without EXIF) on a timeline entry."""
    for photo in photos:
        attachment = CaseAttachment(case=case, event=event, kind=kind, uploaded_by=actor_user(actor),
                                    public=kind != AttachmentKind.EVIDENCE, width=photo.width, height=photo.height)
        attachment.image.save("photo.jpg", ContentFile(photo.content), save=False)
        attachment.save()
