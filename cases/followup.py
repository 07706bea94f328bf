"""Verbs around the edges of a case's life, each a named operation like ``cases.transitions``:

* 撤销申请 — once a unit has the case, the reporter's cancel is a request (``case_request_cancel``)
  the desk approves or declines (``case_decide_cancel``), so a dispatch and a cancel never both win;
* 回访 — the desk records what the resident said on a call-back (``case_callback``): marked as
  such, with the call's time and the caller, never by someone who handled, verified or closed
  the case; the reporter's own rating within the rating window replaces it;
* 抽查 — the 网格长 spot-checks a case the grid handled itself (``case_spot_check``).

Same contract as ``cases.transitions``: lock, check the table and the actor, take the time,
change, write the timeline entry; ``ActionRefused`` or ``ValidationError`` and nothing saved.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import AssignmentState, Case, Rating, RatingSource, Status
from cases.rules import begin
from cases.transitions import _end_assignments
from cases.workflow import Actor, actor_user, end_stage, operation_time, record, save_case
from core.validators import required_text

__all__ = ["case_callback", "case_decide_cancel", "case_request_cancel", "case_spot_check"]


def case_request_cancel(
    *, case: Case, actor: Actor, reason: str = "", now: datetime.datetime | None = None,
) -> Case:
    """申请撤销: the reporter asks to withdraw a case a unit already has; the desk decides."""
    with transaction.atomic():
        case = begin(case, actor, "request_cancel")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        case.cancel_requested_at, case.cancel_reason = now, reason.strip()
        save_case(case)
        record(case, "request_cancel", actor, from_status=case.status, comment=reason.strip(), public=True,
               now=now)
    return case


def case_decide_cancel(
    *, case: Case, actor: Actor, approve: bool, note: str = "", reply: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    """审批撤销申请: approved cancels the case (its units' parts are withdrawn); declined, the
    work goes on and the reporter is told why (``reply``)."""
    if not approve:
        note = required_text("note", note, _("请填写不同意撤销的理由。"))
    with transaction.atomic():
        case = begin(case, actor, "decide_cancel")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        previous = case.status
        if approve:
            _end_assignments(case, AssignmentState.WITHDRAWN, now)
            end_stage(case, now)
            case.status = Status.CANCELLED
        case.cancel_requested_at, case.cancel_reason = None, ""
        save_case(case)
        record(case, "decide_cancel", actor, from_status=previous, comment=note, reply=reply, public=True, now=now,
               data={"approved": approve})
    return case


def case_callback(
    *, case: Case, actor: Actor, rating: str, called_at: datetime.datetime | None, comment: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    """回访: the desk phoned the resident and records their rating, with the call's time; the
    caller is the actor. 不满意 raises a reopen request, as the reporter's own would."""
    if rating not in Rating.values:
        raise ValidationError({"rating": [_("请选择评价。")]})
    if rating == Rating.DISSATISFIED:
        comment = required_text("comment", comment, _("请说明不满意的原因。"))
    if called_at is None:
        raise ValidationError({"called_at": [_("请填写回访时间。")]})
    with transaction.atomic():
        case = begin(case, actor, "callback")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        closed_minute = case.closed_at.replace(second=0, microsecond=0) if case.closed_at else None
        if called_at > now or (closed_minute and called_at < closed_minute):  # the form asks to the minute
            raise ValidationError({"called_at": [_("回访时间应在结案之后、现在之前。")]})
        case.rating, case.rating_comment, case.rated_at = rating, comment.strip(), now
        case.rating_source, case.rating_called_at, case.rating_caller = RatingSource.CALLBACK, called_at, actor_user(
            actor)
        case.reopen_requested = rating == Rating.DISSATISFIED
        save_case(case)
        record(case, "callback", actor, from_status=Status.CLOSED, comment=comment.strip(), public=True, now=now,
               data={"rating": rating, "called_at": called_at.isoformat()})
    return case


def case_spot_check(
    *, case: Case, actor: Actor, flagged: bool, note: str = "", now: datetime.datetime | None = None,
) -> Case:
    """抽查: the 网格长 looks again at a case the grid handled itself; a flag says the work or its
    check was not right (with the reason), for the grid's review."""
    if flagged:
        note = required_text("note", note, _("请说明抽查发现的问题。"))
    with transaction.atomic():
        case = begin(case, actor, "spot_check")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        case.spot_checked_at, case.spot_checked_by, case.spot_check_flagged = now, actor_user(actor), flagged
        save_case(case)
        record(case, "spot_check", actor, from_status=case.status, comment=note.strip(), now=now,
               data={"flagged": flagged})
    return case
