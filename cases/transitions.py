"""The named operations of the case workflow: one function per verb (事件流转).

Every function takes the acting user (or ``REPORTER``, the resident holding the tracking code)
and keyword arguments, and inside one transaction: locks the case, checks the allowed-transition
table (``cases.workflow.TRANSITIONS``) and who may act (``may``), changes the case, writes its
timeline entry, and queues notifications for after the commit. It raises ``ActionRefused`` when
the state or the actor does not allow the action and ``ValidationError`` (naming the field) for
bad input; nothing is saved then. Pages, the API, the admin and commands only call these.

``now`` (default: the current time) lets imports and the demo data write past timelines.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from cases import calendar
from cases.models import (
    AssignmentRole,
    AssignmentState,
    AttachmentKind,
    Case,
    CaseAssignment,
    CaseSupervision,
    Category,
    Channel,
    ExtensionRequest,
    ExtensionState,
    HandlingLevel,
    Outcome,
    Rating,
    RatingSource,
    Stage,
    Status,
    SupervisionSource,
)
from cases.reporting import case_report
from cases.reshaping import case_merge, case_split
from cases.rules import allowed_verbs, assignment_of, begin, extension_assignment, may
from cases.workflow import (
    REPORTER,
    ActionRefused,
    Actor,
    Photo,
    actor_user,
    attach,
    await_close,
    await_dispatch,
    desk_for,
    end_stage,
    extend_unit,
    handle_deadline,
    next_level,
    operation_time,
    record,
    save_case,
    shift_unit_deadlines,
    stage_unit,
    start_stage,
    verify_deadline,
)
from core.validators import required_text

# A deadline set by hand reaches at most this far: far enough for any real work, near enough that
# extensions and pauses added to it stay within the dates the calendar and the database handle.
LONGEST_DEADLINE = datetime.timedelta(days=366)

__all__ = [
    "LONGEST_DEADLINE", "REPORTER", "ActionRefused", "Photo", "allowed_verbs", "case_accept", "case_cancel",
    "case_close",
    "case_decide_extension", "case_decline_reopen", "case_dispatch", "case_escalate", "case_feedback",
    "case_hold", "case_merge", "case_rate", "case_reject", "case_reopen", "case_report",
    "case_report_resolved", "case_request_extension", "case_resume", "case_return", "case_self_handle",
    "case_sign", "case_split", "case_supervise", "case_verify", "may",
]



# ----- intake: case_report is in cases.reporting -------------------------------------------

def case_report_resolved(
    *, actor: User, category: Category, description: str, note: str, photos: Sequence[Photo] = (),
    after_photos: Sequence[Photo] = (), now: datetime.datetime | None = None, **report: Any,
) -> Case:
    """当场解决: reported, accepted, self-handled and fed back in one step. The case then waits in
    待核查 for someone other than the worker (another member of the grid team, the community,
    or the reporter) to verify it: 小事不出网格 is checked by someone else."""
    now = operation_time(now)
    note = required_text("note", note, _("请说明处理情况。"))
    with transaction.atomic():
        case = case_report(actor=actor, category=category, description=description, photos=photos, now=now,
                           channel=report.pop("channel", Channel.GRID_WORKER), level=HandlingLevel.GRID, **report)
        if not actor.has_perm("cases.self_handle_case", case.desk_area):
            raise ActionRefused(_("您没有权限自办这个网格的事件。"))
        case = _accept(case, actor, "", now, force=True)
        case = _self_handle(case, actor, "", now)
        case = case_feedback(case=case, actor=actor, comment=note, after_photos=after_photos, now=now)
    return case


# ----- accepting and routing ---------------------------------------------------------------------

def _accept(case: Case, actor: Actor, comment: str, now: datetime.datetime | None, *, force: bool = False,
            reply: str = "") -> Case:
    case = begin(case, actor, "accept", force=force)
    now = operation_time(now)  # after the lock: the timeline follows the order of the commits
    previous = case.status
    end_stage(case, now)
    case.accepted_at = now
    await_dispatch(case, now)
    case.status = Status.PENDING_DISPATCH
    save_case(case)
    record(case, "accept", actor, from_status=previous, comment=comment, reply=reply, public=True, now=now)
    return case


def case_accept(
    *, case: Case, actor: Actor, comment: str = "", reply: str = "", now: datetime.datetime | None = None,
) -> Case:
    """受理/立案: the desk takes the case on; it waits to be self-handled, escalated or dispatched."""
    with transaction.atomic():
        return _accept(case, actor, comment, now, reply=reply)


def case_reject(
    *, case: Case, actor: Actor, reason: str, reply: str = "", now: datetime.datetime | None = None,
) -> Case:
    """不予受理: the desk declines the case (not its business, not a problem), with a reason."""
    reason = required_text("reason", reason, _("请填写不予受理的理由。"))
    with transaction.atomic():
        case = begin(case, actor, "reject")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        end_stage(case, now)
        case.status = Status.REJECTED
        save_case(case)
        record(case, "reject", actor, from_status=Status.REPORTED, comment=reason, reply=reply, public=True, now=now)
    return case


def _self_handle(case: Case, actor: Actor, comment: str, now: datetime.datetime | None, reply: str = "") -> Case:
    case = begin(case, actor, "self_handle")
    now = operation_time(now)  # after the lock: the timeline follows the order of the commits
    case.self_handled, case.handler = True, actor_user(actor)
    _start_handling(case, handle_deadline(case, now), now)
    case.status = Status.HANDLING
    save_case(case)
    record(case, "self_handle", actor, from_status=Status.PENDING_DISPATCH, comment=comment, reply=reply,
           public=True, now=now)
    return case


def case_self_handle(
    *, case: Case, actor: Actor, comment: str = "", reply: str = "", now: datetime.datetime | None = None,
) -> Case:
    """自办: the grid (or community) fixes it itself (小事不出网格); the handle clock starts."""
    with transaction.atomic():
        return _self_handle(case, actor, comment, now, reply)


def _start_handling(case: Case, due: datetime.datetime, now: datetime.datetime) -> None:
    end_stage(case, now)  # the 待派遣 clock, when dispatched or self-handled
    case.handle_started_at, case.handle_due_at, case.handled_at = now, due, None
    start_stage(case, Stage.HANDLE, due, now)


def case_escalate(*, case: Case, actor: Actor, reason: str, now: datetime.datetime | None = None) -> Case:
    """上报上级: to the next desk up (grid → community → street → district), or further by rule."""
    reason = required_text("reason", reason, _("请填写上报理由。"))
    with transaction.atomic():
        case = begin(case, actor, "escalate")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        target = next_level(case)
        assert target is not None  # _condition refused the top level
        previous_desk = case.desk_area
        case.level, case.desk_area = target, desk_for(case, target)
        end_stage(case, now)
        await_dispatch(case, now)  # the desk above gets its own time to dispatch
        save_case(case)
        record(case, "escalate", actor, from_status=case.status, comment=reason, now=now,
               data={"from": previous_desk.code, "to": case.desk_area.code, "level": target})
    return case


def case_dispatch(
    *, case: Case, actor: Actor, lead: Organisation, assists: Sequence[Organisation] = (), comment: str = "",
    reply: str = "", due_at: datetime.datetime | None = None, assist_due_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> Case:
    """派单: one lead unit (主办) and optional assisting units (协办), each with its own deadline:
    the lead's is the case's handle deadline; the assisting units' is ``assist_due_at`` (at most
    the lead's; default the lead's). ``comment`` (派遣意见) is for the units and staff only;
    ``reply`` is what the reporter reads."""
    if not lead.is_active:
        raise ValidationError({"lead": [_("主办单位已停用。")]})
    assist_list = [unit for unit in dict.fromkeys(assists) if unit.pk != lead.pk]
    if any(not unit.is_active for unit in assist_list):
        raise ValidationError({"assists": [_("协办单位中有已停用的单位。")]})
    with transaction.atomic():
        case = begin(case, actor, "dispatch")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        due = due_at or handle_deadline(case, now)
        if due <= now:
            raise ValidationError({"due_at": [_("办理时限必须晚于现在。")]})
        if due > now + LONGEST_DEADLINE:
            raise ValidationError({"due_at": [_("办理时限不能晚于一年之后。")]})
        assist_due = assist_due_at or due
        if assist_list and not now < assist_due <= due:
            raise ValidationError({"assist_due_at": [_("协办时限必须晚于现在，且不晚于主办单位的办理时限。")]})
        user = actor_user(actor)
        units = [(lead, AssignmentRole.LEAD, due), *((unit, AssignmentRole.ASSIST, assist_due) for unit in assist_list)]
        CaseAssignment.objects.bulk_create([
            CaseAssignment(case=case, organisation=unit, role=role, due_at=unit_due, dispatched_by=user,
                           note=comment)
            for unit, role, unit_due in units
        ])
        case.lead_organisation, case.self_handled, case.handler = lead, False, None
        _start_handling(case, due, now)
        case.status = Status.DISPATCHED
        save_case(case)
        record(case, "dispatch", actor, from_status=Status.PENDING_DISPATCH, comment=comment, reply=reply,
               public=True, now=now,
               data={"lead": lead.pk, "lead_name": lead.name, "assists": [unit.pk for unit in assist_list],
                     "assist_names": [unit.name for unit in assist_list], "due_at": due.isoformat(),
                     "assist_due_at": assist_due.isoformat() if assist_list else None})
    return case


# ----- handling ------------------------------------------------------------------------------

def case_sign(*, case: Case, actor: Actor, now: datetime.datetime | None = None) -> Case:
    """签收: the actor's unit acknowledges its part; the lead's signature starts 处置中."""
    with transaction.atomic():
        case = begin(case, actor, "sign")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        assignment = assignment_of(case, actor, states=(AssignmentState.DISPATCHED,), lead_only=False)
        assert assignment is not None
        assignment.state, assignment.signed_at, assignment.signed_by = AssignmentState.SIGNED, now, actor_user(actor)
        assignment.save(update_fields=["state", "signed_at", "signed_by", "updated_at"])
        previous = case.status
        if assignment.role == AssignmentRole.LEAD:
            case.status = Status.HANDLING
        save_case(case)
        record(case, "sign", actor, from_status=previous, public=assignment.role == AssignmentRole.LEAD, now=now,
               data={"organisation": assignment.organisation_id, "role": assignment.role})
    return case


def _end_assignments(case: Case, lead_state: str, now: datetime.datetime) -> None:
    for assignment in case.assignments.filter(state__in=(AssignmentState.DISPATCHED, AssignmentState.SIGNED)):
        assignment.state = lead_state if assignment.role == AssignmentRole.LEAD else AssignmentState.WITHDRAWN
        if assignment.due_at:
            assignment.overdue = now > assignment.due_at
        assignment.save(update_fields=["state", "overdue", "updated_at"])


def case_return(*, case: Case, actor: Actor, reason: str, now: datetime.datetime | None = None) -> Case:
    """退单: the lead unit sends the case back to the dispatcher (not its business), with a reason."""
    reason = required_text("reason", reason, _("请填写退单理由。"))
    with transaction.atomic():
        case = begin(case, actor, "return")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        previous = case.status
        _end_assignments(case, AssignmentState.RETURNED, now)
        end_stage(case, now)
        await_dispatch(case, now)
        case.lead_organisation = None
        case.status = Status.PENDING_DISPATCH
        save_case(case)
        record(case, "return", actor, from_status=previous, comment=reason, now=now)
    return case


def case_feedback(
    *, case: Case, actor: Actor, comment: str, reply: str = "", before_photos: Sequence[Photo] = (),
    after_photos: Sequence[Photo] = (), now: datetime.datetime | None = None,
) -> Case:
    """反馈: the handler reports the work done, with before/after photos; the lead's feedback
    stops the handle clock and the case waits for verification (待核查)."""
    comment = required_text("comment", comment, _("请填写办理情况。"))
    with transaction.atomic():
        case = begin(case, actor, "feedback")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        assignment = None if case.self_handled else assignment_of(
            case, actor, states=(AssignmentState.SIGNED,), lead_only=False)
        if assignment is not None:
            assignment.state, assignment.fed_back_at = AssignmentState.FED_BACK, now
            assignment.overdue = bool(assignment.due_at and now > assignment.due_at)
            assignment.save(update_fields=["state", "fed_back_at", "overdue", "updated_at"])
        is_lead = assignment is None or assignment.role == AssignmentRole.LEAD
        if is_lead:
            # Assisting units that have not fed back by now are done with the case (协办撤回).
            _end_assignments(case, AssignmentState.FED_BACK, now)
            end_stage(case, now)
            case.handled_at = now
            case.verify_due_at = verify_deadline(case, now)
            start_stage(case, Stage.VERIFY, case.verify_due_at, now)
            case.status = Status.PENDING_VERIFY
        save_case(case)
        event = record(case, "feedback", actor, from_status=Status.HANDLING, comment=comment, reply=reply,
                       public=is_lead,
                       photos=before_photos, photo_kind=AttachmentKind.BEFORE, now=now,
                       data={"role": assignment.role if assignment else "self"})
        attach(case, event, actor, after_photos, AttachmentKind.AFTER)
    return case


def case_request_extension(
    *, case: Case, actor: Actor, extra_days: int, reason: str, now: datetime.datetime | None = None,
) -> ExtensionRequest:
    """延期申请: a unit on the case (the lead, or an assisting unit for its own deadline) asks the
    dispatcher for more working days; one pending request per unit."""
    reason = required_text("reason", reason, _("请填写延期理由。"))
    if not 1 <= int(extra_days) <= 30:
        raise ValidationError({"extra_days": [_("延长天数应在1到30个工作日之间。")]})
    with transaction.atomic():
        case = begin(case, actor, "request_extension")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        assignment = extension_assignment(case, actor, pending_allowed=False)
        assert assignment is not None  # begin checked who may ask
        request = ExtensionRequest.objects.create(case=case, assignment=assignment, requested_by=actor_user(actor),
                                                  extra_days=extra_days, reason=reason)
        save_case(case)
        record(case, "request_extension", actor, from_status=case.status, comment=reason, now=now,
               data={"extension": request.pk, "extra_days": extra_days, "role": assignment.role,
                     "organisation": assignment.organisation_id})
    return request


def case_decide_extension(
    *, case: Case, actor: Actor, approve: bool, note: str = "", extension: int | None = None,
    now: datetime.datetime | None = None,
) -> Case:
    """延期审批 of the pending request ``extension`` (default: the oldest pending one). Approving the
    lead's request moves the handle deadline by the working days asked; an assisting unit's moves
    only that unit's deadline. Denied keeps them."""
    if not approve:
        note = required_text("note", note, _("请填写驳回理由。"))
    with transaction.atomic():
        case = begin(case, actor, "decide_extension")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        pending = case.extensions.select_for_update().filter(state=ExtensionState.PENDING).order_by("created_at", "pk")
        request = pending.filter(pk=extension).first() if extension is not None else pending.first()
        if request is None:
            raise ValidationError({"extension": [_("这项延期申请已审批或不存在。")]})
        request.state = ExtensionState.APPROVED if approve else ExtensionState.DENIED
        request.decided_by, request.decided_at, request.decision_note = actor_user(actor), now, note
        request.save()
        unit = request.assignment
        if unit is not None and unit.role == AssignmentRole.ASSIST:
            due = extend_unit(unit, request.extra_days) if approve else unit.due_at
        else:
            if approve and case.handle_due_at:
                case.handle_due_at = calendar.extend(case.handle_due_at, request.extra_days)
                case.stage_due_at, case.warned_at, case.supervision_rank = case.handle_due_at, None, 0
                case.assignments.filter(role=AssignmentRole.LEAD, state__in=(
                    AssignmentState.DISPATCHED, AssignmentState.SIGNED)).update(due_at=case.handle_due_at)
            due = case.handle_due_at
        save_case(case)
        record(case, "decide_extension", actor, from_status=case.status, comment=note, now=now,
               data={"extension": request.pk, "approved": approve, "due_at": due.isoformat() if due else None,
                     "role": unit.role if unit else AssignmentRole.LEAD,
                     "organisation": unit.organisation_id if unit else case.lead_organisation_id})
    return case


def case_hold(
    *, case: Case, actor: Actor, reason: str, reply: str = "", now: datetime.datetime | None = None,
) -> Case:
    """挂账: the case waits on something outside anyone's hands; its clock stops."""
    reason = required_text("reason", reason, _("请填写挂账原因。"))
    with transaction.atomic():
        case = begin(case, actor, "hold")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        previous = case.status
        case.held_at, case.held_from, case.hold_reason = now, previous, reason[:200]
        case.status = Status.ON_HOLD
        save_case(case)
        record(case, "hold", actor, from_status=previous, comment=reason, reply=reply, public=True, now=now)
    return case


def case_resume(
    *, case: Case, actor: Actor, comment: str = "", reply: str = "", now: datetime.datetime | None = None,
) -> Case:
    """恢复办理: back to where it was; the running deadline moves by the time spent on hold."""
    with transaction.atomic():
        case = begin(case, actor, "resume")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        held_at = case.held_at or now
        if case.stage_due_at:
            moved = calendar.shift_for_pause(case.stage_due_at, held_at, now, stage_unit(case))
            case.stage_due_at = moved
            setattr(case, f"{case.stage}_due_at", moved)
            if case.stage == Stage.HANDLE:
                shift_unit_deadlines(case, held_at, now)
        case.status = Status(case.held_from or Status.PENDING_DISPATCH)
        case.held_at, case.held_from, case.hold_reason = None, "", ""
        save_case(case)
        record(case, "resume", actor, from_status=Status.ON_HOLD, comment=comment, reply=reply, public=True, now=now,
               data={"held_at": held_at.isoformat()})
    return case


# ----- verifying, closing, rating ------------------------------------------------------------------

def _verified(case: Case, actor: Actor, passed: bool, comment: str, now: datetime.datetime | None,
              photos: Sequence[Photo] = (), *, force: bool = False, reply: str = "") -> Case:
    case = begin(case, actor, "verify", force=force)
    now = operation_time(now)  # after the lock: the timeline follows the order of the commits
    end_stage(case, now)
    if passed:
        case.verified_at = now
        await_close(case, now)
        case.status = Status.VERIFIED
    else:
        case.rework_count += 1
        _start_handling(case, handle_deadline(case, now), now)
        case.assignments.filter(role=AssignmentRole.LEAD, state=AssignmentState.FED_BACK).update(
            state=AssignmentState.SIGNED, fed_back_at=None, due_at=case.handle_due_at)
        case.status = Status.HANDLING
    save_case(case)
    record(case, "verify", actor, from_status=Status.PENDING_VERIFY, comment=comment, reply=reply, public=True,
           now=now,
           data={"passed": passed}, photos=photos)
    return case


def case_verify(
    *, case: Case, actor: Actor, passed: bool, comment: str = "", reply: str = "", photos: Sequence[Photo] = (),
    now: datetime.datetime | None = None,
) -> Case:
    """核查: the grid worker (or the reporter) checks the work: pass → closable; fail → rework (重办).
    A self-handled case is checked by someone other than the worker who handled it."""
    if not passed:
        comment = required_text("comment", comment, _("请说明核查不通过的原因。"))
    with transaction.atomic():
        return _verified(case, actor, passed, comment, now, photos, reply=reply)


def _closed(case: Case, actor: Actor, outcome: str, note: str, now: datetime.datetime | None, *,
            force: bool = False, reply: str = "") -> Case:
    case = begin(case, actor, "close", force=force)
    now = operation_time(now)  # after the lock: the timeline follows the order of the commits
    end_stage(case, now)
    case.outcome, case.closing_note, case.closed_at = outcome, note, now
    case.status = Status.CLOSED
    save_case(case)
    record(case, "close", actor, from_status=Status.VERIFIED, comment=note, reply=reply, public=True, now=now,
           data={"outcome": outcome})
    return case


def case_close(
    *, case: Case, actor: Actor, outcome: str, note: str, reply: str = "", now: datetime.datetime | None = None,
) -> Case:
    """结案: with an outcome (已解决/部分解决/无法解决并已说明/不属实/重复); the reporter is asked to rate."""
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("请选择办理结果。")]})
    note = required_text("note", note, _("请填写结案说明。"))
    with transaction.atomic():
        return _closed(case, actor, outcome, note, now, reply=reply)


def case_rate(
    *, case: Case, actor: Actor, rating: str, comment: str = "", now: datetime.datetime | None = None,
) -> Case:
    """评价: 满意/基本满意/不满意, the reporter's own (自评; staff record a call-back with
    ``cases.followup.case_callback``). Within the rating window it replaces a call-back's rating.
    不满意 raises a reopen request for the dispatcher to decide."""
    if rating not in Rating.values:
        raise ValidationError({"rating": [_("请选择评价。")]})
    if rating == Rating.DISSATISFIED:
        comment = required_text("comment", comment, _("请说明不满意的原因。"))
    with transaction.atomic():
        case = begin(case, actor, "rate")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        data = {"rating": rating}
        if case.rating_source == RatingSource.CALLBACK:
            data["replaces"] = case.rating
        case.rating, case.rating_comment, case.rated_at = rating, comment.strip(), now
        case.rating_source, case.rating_called_at, case.rating_caller = RatingSource.SELF, None, None
        case.reopen_requested = rating == Rating.DISSATISFIED
        save_case(case)
        record(case, "rate", actor, from_status=Status.CLOSED, comment=comment, public=True, now=now, data=data)
    return case


def case_reopen(
    *, case: Case, actor: Actor, reason: str, reply: str = "", now: datetime.datetime | None = None,
) -> Case:
    """重新办理: a closed case goes back to its desk to be dispatched again."""
    reason = required_text("reason", reason, _("请填写重新办理的理由。"))
    with transaction.atomic():
        case = begin(case, actor, "reopen")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        case.reopen_count += 1
        case.reopen_requested = False
        case.rating, case.rating_comment, case.rated_at = "", "", None
        case.outcome, case.closing_note, case.closed_at = "", "", None
        case.lead_organisation, case.self_handled, case.handler = None, False, None
        await_dispatch(case, now)
        case.status = Status.PENDING_DISPATCH
        save_case(case)
        record(case, "reopen", actor, from_status=Status.CLOSED, comment=reason, reply=reply, public=True, now=now)
    return case


def case_decline_reopen(
    *, case: Case, actor: Actor, reason: str, reply: str = "", now: datetime.datetime | None = None,
) -> Case:
    """不予重办: the dispatcher answers an unhappy rating without reopening, with the reason."""
    reason = required_text("reason", reason, _("请填写不予重办的理由。"))
    with transaction.atomic():
        case = begin(case, actor, "decline_reopen")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        case.reopen_requested = False
        save_case(case)
        record(case, "decline_reopen", actor, from_status=Status.CLOSED, comment=reason, reply=reply, public=True,
               now=now)
    return case


# ----- cancelling and supervising (merging and splitting: cases.reshaping) ------------------------

def case_cancel(*, case: Case, actor: Actor, reason: str = "", now: datetime.datetime | None = None) -> Case:
    """撤销: the reporter withdraws the case before it is dispatched (after that, the reporter asks
    the desk: ``cases.followup.case_request_cancel``)."""
    with transaction.atomic():
        case = begin(case, actor, "cancel")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        previous = case.status
        _end_assignments(case, AssignmentState.WITHDRAWN, now)
        end_stage(case, now)
        case.status = Status.CANCELLED
        save_case(case)
        record(case, "cancel", actor, from_status=previous, comment=reason.strip(), public=True, now=now)
    return case


def case_supervise(
    *, case: Case, actor: Actor, kind: str, comment: str, now: datetime.datetime | None = None,
) -> CaseSupervision:
    """督办 by hand: a leader issues a reminder or a card on an open case."""
    if kind not in ("reminder", "yellow", "red"):
        raise ValidationError({"kind": [_("请选择督办方式。")]})
    comment = required_text("comment", comment, _("请填写督办意见。"))
    with transaction.atomic():
        case = begin(case, actor, "supervise")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        supervision = CaseSupervision.objects.create(
            case=case, kind=kind, stage=case.stage, source=SupervisionSource.MANUAL, issued_by=actor_user(actor),
            issued_at=now, comment=comment,
        )
        save_case(case)
        record(case, "supervise", actor, from_status=case.status, comment=comment, now=now, data={"kind": kind})
    return supervision
