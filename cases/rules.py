"""Who may apply which verb to a case, and the conditions beyond the state table.

``may(case, actor, verb)`` is what the transitions check (inside their transaction, on the
locked row) and what the case page asks to offer only the actions allowed to this user now.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    AssignmentRole,
    AssignmentState,
    Case,
    CaseAssignment,
    Channel,
    ExtensionState,
    HandlingLevel,
    RatingSource,
)
from cases.workflow import (
    RATING_WINDOW_DAYS,
    TRANSITIONS,
    ActionRefused,
    Actor,
    PublicReporter,
    actor_user,
    check_state,
    grid_area,
    lock,
    member_organisations,
    next_level,
)

GRID_DESKS = (HandlingLevel.GRID, HandlingLevel.COMMUNITY)


# ----- who may act ---------------------------------------------------------------------------

def _desk(perm: str) -> Callable[[Case, Actor], bool]:
    def check(case: Case, actor: Actor) -> bool:
        user = actor_user(actor)
        return bool(user and user.is_active and user.has_perm(perm, case.desk_area))

    return check


def _on_grid(perm: str) -> Callable[[Case, Actor], bool]:
    def check(case: Case, actor: Actor) -> bool:
        user = actor_user(actor)
        return bool(user and user.is_active and user.has_perm(perm, grid_area(case)))

    return check


def assignment_of(case: Case, actor: Actor, *, states: tuple[str, ...], lead_only: bool) -> CaseAssignment | None:
    """The actor's unit's assignment on this case in one of ``states`` (a handler's own part)."""
    user = actor_user(actor)
    if user is None or not user.is_active or not user.has_perm("cases.handle_case"):
        return None
    assignments = case.assignments.filter(organisation_id__in=member_organisations(user), state__in=states)
    if lead_only:
        assignments = assignments.filter(role=AssignmentRole.LEAD)
    return assignments.order_by("role").first()


def _signer(case: Case, actor: Actor) -> bool:
    return assignment_of(case, actor, states=(AssignmentState.DISPATCHED,), lead_only=False) is not None


def _lead(case: Case, actor: Actor) -> bool:
    current = (AssignmentState.DISPATCHED, AssignmentState.SIGNED)
    return assignment_of(case, actor, states=current, lead_only=True) is not None


def extension_assignment(case: Case, actor: Actor, *, pending_allowed: bool = True) -> CaseAssignment | None:
    """The running part (lead first, else assisting) of the actor's unit that an extension request
    would extend; with ``pending_allowed=False`` only a part without a pending request."""
    user = actor_user(actor)
    if user is None or not user.is_active or not user.has_perm("cases.handle_case"):
        return None
    parts = case.assignments.filter(organisation_id__in=member_organisations(user),
                                    state__in=(AssignmentState.DISPATCHED, AssignmentState.SIGNED))
    if not pending_allowed:
        parts = parts.exclude(extensions__state=ExtensionState.PENDING)
    lead_first = sorted(parts, key=lambda part: (part.role != AssignmentRole.LEAD, part.pk))
    return lead_first[0] if lead_first else None


def _extension_asker(case: Case, actor: Actor) -> bool:
    """延期申请: a unit with a running part on the case and no pending request of its own."""
    return extension_assignment(case, actor, pending_allowed=False) is not None


def _feedback_giver(case: Case, actor: Actor) -> bool:
    if case.self_handled:
        user = actor_user(actor)
        return bool(user and (user == case.handler or _desk("cases.self_handle_case")(case, actor)))
    return assignment_of(case, actor, states=(AssignmentState.SIGNED,), lead_only=False) is not None


def _the_reporter(case: Case, actor: Actor) -> bool:
    if isinstance(actor, PublicReporter):
        return True
    return case.reporter_id is not None and actor_user(actor) == case.reporter


def _rater(case: Case, actor: Actor) -> bool:
    """评价 is the resident's own voice, given on the tracking page with the code. Staff record
    what a resident said on the phone only as a call-back (``callback``)."""
    return isinstance(actor, PublicReporter)


# Timeline verbs that make a user part of the work on a case (they may not grade it or check it).
WORK_VERBS = ("self_handle", "sign", "feedback", "verify", "close")


HANDS_ON_VERBS = ("self_handle", "feedback", "verify")


def took_part(case: Case, actor: Actor, verbs: tuple[str, ...] = WORK_VERBS) -> bool:
    """Whether the user did part of the work on the case (by default: handled, verified or closed
    it; the handler of a self-handled case always counts)."""
    user = actor_user(actor)
    if user is None:
        return False
    return case.handler_id == user.pk or case.events.filter(actor=user, verb__in=verbs).exists()


def _caller(case: Case, actor: Actor) -> bool:
    """回访 is recorded by the desk, never by someone who handled, verified or closed the case; a
    grid worker's own report has no resident to call."""
    return (case.channel != Channel.GRID_WORKER and _desk("cases.accept_case")(case, actor)
            and not took_part(case, actor))


def _verifier(case: Case, actor: Actor) -> bool:
    """核查 by the reporter or a grid member; a case the grid handled itself (小事不出网格) is
    checked by someone other than the worker who did it."""
    if isinstance(actor, PublicReporter):
        return True
    if not _on_grid("cases.verify_case")(case, actor):
        return False
    return not (case.self_handled and took_part(case, actor, HANDS_ON_VERBS[:2]))


def _spot_checker(case: Case, actor: Actor) -> bool:
    """抽查 by the 网格长 (or anyone deciding at the grid's desk) who had no part in the work."""
    return case.self_handled and _on_grid("cases.accept_case")(case, actor) and not took_part(case, actor,
                                                                                              HANDS_ON_VERBS)


def _escalator(case: Case, actor: Actor) -> bool:
    return _desk("cases.accept_case")(case, actor) or _desk("cases.self_handle_case")(case, actor)


WHO: dict[str, Callable[[Case, Actor], bool]] = {
    "accept": _desk("cases.accept_case"),
    "reject": _desk("cases.accept_case"),
    "self_handle": _desk("cases.self_handle_case"),
    "escalate": _escalator,
    "dispatch": _desk("cases.accept_case"),
    "sign": _signer,
    "return": _lead,
    "feedback": _feedback_giver,
    "request_extension": _extension_asker,
    "decide_extension": _desk("cases.accept_case"),
    "hold": _desk("cases.accept_case"),
    "resume": _desk("cases.accept_case"),
    "verify": _verifier,
    "close": _desk("cases.accept_case"),
    "rate": _rater,
    "callback": _caller,
    "spot_check": _spot_checker,
    "reopen": _desk("cases.accept_case"),
    "decline_reopen": _desk("cases.accept_case"),
    "cancel": _the_reporter,
    "request_cancel": _the_reporter,
    "decide_cancel": _desk("cases.accept_case"),
    "merge": _desk("cases.accept_case"),
    "split": _desk("cases.accept_case"),
    "supervise": _on_grid("cases.supervise_case"),
}


def _condition(case: Case, verb: str) -> str | None:
    """Conditions beyond the state table; the reason the verb cannot be applied now, or None."""
    if verb == "self_handle" and case.level not in GRID_DESKS:
        return _("只有网格和社区可以自办事件。")
    if verb == "escalate" and next_level(case) is None:
        return _("事件已在最高层级，不能再上报。")
    if verb in ("sign", "return") and case.self_handled:
        return _("网格自办的事件没有派遣单位。")
    if verb == "request_extension" and case.self_handled:
        return _("这个事件已有待审批的延期申请，或不需要申请延期。")
    if verb == "decide_extension" and not case.extensions.filter(state=ExtensionState.PENDING).exists():
        return _("没有待审批的延期申请。")
    if verb == "rate" and case.rating and not callback_replaceable(case):
        return _("这个事件已经评价过了。")
    if verb == "callback" and case.rating:
        return _("这个事件已经评价过了。")
    if verb == "spot_check" and (not case.self_handled or case.spot_checked_at is not None):
        return _("只能抽查尚未抽查过的网格自办事件。")
    if verb == "request_cancel" and case.cancel_requested_at is not None:
        return _("已有待审批的撤销申请。")
    if verb == "decide_cancel" and case.cancel_requested_at is None:
        return _("没有待审批的撤销申请。")
    if verb == "decline_reopen" and not case.reopen_requested:
        return _("没有待决定的重办申请。")
    if verb == "reopen" and case.closed_at and case.events.filter(verb="decline_reopen",
                                                                  time__gte=case.closed_at).exists():
        # 不予重办 decided the request: reopening now would contradict it (and a reopen and a
        # decline racing on one request must not both win). A new problem is a new report.
        return _("已决定不予重办，不能再重新办理；如问题再次出现，请重新上报。")
    return None


def _actor_condition(case: Case, actor: Actor, verb: str) -> str | None:
    """Conditions that depend on who acts; the reason, or None."""
    if verb == "request_extension" and extension_assignment(case, actor) \
            and not extension_assignment(case, actor, pending_allowed=False):
        return _("这个事件已有待审批的延期申请，或不需要申请延期。")
    return None


def rating_window_ends(case: Case) -> datetime.datetime | None:
    """Until when the reporter's own rating may replace a call-back."""
    if case.closed_at is None:
        return None
    return case.closed_at + datetime.timedelta(days=RATING_WINDOW_DAYS)


def callback_replaceable(case: Case) -> bool:
    """A call-back rating the reporter may still replace with their own (inside the window)."""
    ends = rating_window_ends(case)
    return case.rating_source == RatingSource.CALLBACK and ends is not None and timezone.now() <= ends


def may(case: Case, actor: Actor, verb: str) -> bool:
    """Whether ``actor`` may apply ``verb`` to the case now (state, conditions and role)."""
    if case.status not in TRANSITIONS[verb].sources:
        return False
    return _condition(case, verb) is None and WHO[verb](case, actor)


def allowed_verbs(case: Case, actor: Actor) -> list[str]:
    """The verbs this actor may apply now, in table order (what the case page offers)."""
    return [verb for verb in TRANSITIONS if may(case, actor, verb)]


def begin(case: Case, actor: Actor, verb: str, *, force: bool = False) -> Case:
    """Lock the case and refuse the action unless state, conditions and actor allow it.

    ``force`` skips the actor check, for steps of a composite operation that checked it.
    """
    case = lock(case)
    check_state(case, verb)
    reason = _condition(case, verb)
    if reason:
        raise ActionRefused(reason, conflict=True)
    reason = None if force else _actor_condition(case, actor, verb)
    if reason:
        raise ActionRefused(reason)
    if not force and not WHO[verb](case, actor):
        raise ActionRefused(_("您没有权限对这个事件%(action)s。") % {"action": TRANSITIONS[verb].label})
    return case
