"""Who may apply which verb to a case, and the conditions beyond the state table.

``may(case, actor, verb)`` is what the transitions check (inside their transaction, on the
locked row) and what the case page asks to offer only the actions allowed to this user now.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from cases.models import (
    AssignmentRole,
    AssignmentState,
    Case,
    CaseAssignment,
    Channel,
    ExtensionState,
    HandlingLevel,
)
from cases.workflow import (
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
    """评价 is the resident's voice: the reporter through the tracking page, or the desk recording
    what the caller said on a call-back (回访). A grid worker's own report has no resident to ask,
    so nobody rates it (the staff who reported or handled it must not grade their own work)."""
    if isinstance(actor, PublicReporter):
        return True
    return case.channel != Channel.GRID_WORKER and _desk("cases.accept_case")(case, actor)


def _verifier(case: Case, actor: Actor) -> bool:
    return isinstance(actor, PublicReporter) or _on_grid("cases.verify_case")(case, actor)


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
    "reopen": _desk("cases.accept_case"),
    "decline_reopen": _desk("cases.accept_case"),
    "cancel": _the_reporter,
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
    if verb == "rate" and case.rating:
        return _("这个事件已经评价过了。")
    if verb == "decline_reopen" and not case.reopen_requested:
        return _("没有待决定的重办申请。")
    return None


def _actor_condition(case: Case, actor: Actor, verb: str) -> str | None:
    """Conditions that depend on who acts; the reason, or None."""
    if verb == "request_extension" and extension_assignment(case, actor) \
            and not extension_assignment(case, actor, pending_allowed=False):
        return _("这个事件已有待审批的延期申请，或不需要申请延期。")
    return None


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
    reason = _condition(case, verb) or (None if force else _actor_condition(case, actor, verb))
    if reason:
        raise ActionRefused(reason)
    if not force and not WHO[verb](case, actor):
        raise ActionRefused(_("您没有权限对这个事件%(action)s。") % {"action": TRANSITIONS[verb].label})
    return case
