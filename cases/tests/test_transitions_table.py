"""Every (state × verb) pair of the transition table: allowed pairs work and land in one of the
table's targets; every other pair is refused with a message and changes nothing."""

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cases import followup
from cases import transitions as t
from cases.models import Case, CaseEvent, Outcome, Rating, Status
from cases.testing import UNHAPPY_CLOSED, CaseCast, advance, report
from cases.workflow import REPORTER, TRANSITIONS, ActionRefused


def _sign(case: Case, cc: CaseCast) -> Any:
    # In 待签收 the lead signs; in 处置中 the assisting unit still has to.
    actor = cc.property_handler if case.status == Status.DISPATCHED else cc.enforcement_handler
    return t.case_sign(case=case, actor=actor)


# How each verb is applied in the test: by the person who may, with valid input.
CALLS: dict[str, Callable[[Case, CaseCast], Any]] = {
    "accept": lambda case, cc: t.case_accept(case=case, actor=cc.dispatcher),
    "reject": lambda case, cc: t.case_reject(case=case, actor=cc.dispatcher, reason="不属于受理范围。"),
    "self_handle": lambda case, cc: t.case_self_handle(case=case, actor=cc.cast.grid_worker_a),
    "escalate": lambda case, cc: t.case_escalate(case=case, actor=cc.grid_leader, reason="网格无法处理。"),
    "dispatch": lambda case, cc: t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company),
    "sign": _sign,
    "return": lambda case, cc: t.case_return(case=case, actor=cc.property_handler, reason="不属于物业职责。"),
    "feedback": lambda case, cc: t.case_feedback(case=case, actor=cc.property_handler, comment="已处理。"),
    "request_extension": lambda case, cc: t.case_request_extension(
        case=case, actor=cc.property_handler, extra_days=2, reason="需要采购配件。"),
    "decide_extension": lambda case, cc: t.case_decide_extension(case=case, actor=cc.dispatcher, approve=True),
    "hold": lambda case, cc: t.case_hold(case=case, actor=cc.dispatcher, reason="等待产权单位答复。"),
    "resume": lambda case, cc: t.case_resume(case=case, actor=cc.dispatcher),
    "verify": lambda case, cc: t.case_verify(case=case, actor=cc.cast.grid_worker_a, passed=True),
    "close": lambda case, cc: t.case_close(case=case, actor=cc.dispatcher, outcome=Outcome.RESOLVED,
                                           note="已解决。"),
    "rate": lambda case, cc: t.case_rate(case=case, actor=REPORTER, rating=Rating.SATISFIED),
    "callback": lambda case, cc: followup.case_callback(case=case, actor=cc.community_staff, rating=Rating.SATISFIED,
                                                        called_at=timezone.now()),
    "spot_check": lambda case, cc: followup.case_spot_check(case=case, actor=cc.grid_leader, flagged=False),
    "request_cancel": lambda case, cc: followup.case_request_cancel(case=case, actor=REPORTER, reason="已解决。"),
    "decide_cancel": lambda case, cc: followup.case_decide_cancel(case=case, actor=cc.dispatcher, approve=False,
                                                                  note="单位已在处置。"),
    "reopen": lambda case, cc: t.case_reopen(case=case, actor=cc.dispatcher, reason="居民反映问题复发。"),
    "decline_reopen": lambda case, cc: t.case_decline_reopen(case=case, actor=cc.dispatcher,
                                                             reason="已向居民解释。"),
    "cancel": lambda case, cc: t.case_cancel(case=case, actor=REPORTER),
    "merge": lambda case, cc: t.case_merge(case=case, actor=cc.dispatcher, into=report(cc)),
    "split": lambda case, cc: t.case_split(case=case, actor=cc.dispatcher, parts=[
        (cc.category("t-clutter"), "楼道堆物"), (cc.category("t-building"), "楼顶违章搭建")]),
    "supervise": lambda case, cc: t.case_supervise(case=case, actor=cc.supervisor, kind="reminder",
                                                   comment="请加快办理。"),
}

# Conditions beyond the state that an allowed pair needs first.
PREPARE: dict[str, Callable[[Case, CaseCast], Any]] = {
    "decide_extension": lambda case, cc: CALLS["request_extension"](case, cc),
    "decline_reopen": lambda case, cc: UNHAPPY_CLOSED[0](case, cc, None),
    # A call-back needs a resident to call (not a grid worker's own report).
    "callback": lambda case, cc: Case.objects.filter(pk=case.pk).update(channel="hotline"),
    # Spot checks are for cases the grid handled itself.
    "spot_check": lambda case, cc: Case.objects.filter(pk=case.pk).update(self_handled=True),
    "decide_cancel": lambda case, cc: Case.objects.filter(pk=case.pk).update(cancel_requested_at=timezone.now()),
}


def test_the_test_covers_every_verb_of_the_table():
    assert set(CALLS) == set(TRANSITIONS)


# The specification of the table, written out: which states each verb starts from → leads to.
R, PD, D, H, OH, PV, V, C = ("reported", "pending_dispatch", "dispatched", "handling", "on_hold",
                             "pending_verify", "verified", "closed")
SPEC = {
    "accept": ({R}, {PD}), "reject": ({R}, {"rejected"}), "self_handle": ({PD}, {H}), "escalate": ({PD}, {PD}),
    "dispatch": ({PD}, {D}), "sign": ({D, H}, {H}), "return": ({D, H}, {PD}), "feedback": ({H}, {PV}),
    "request_extension": ({H}, {H}), "decide_extension": ({H}, {H}), "hold": ({PD, D, H}, {OH}),
    "resume": ({OH}, {PD, D, H}), "verify": ({PV}, {V, H}), "close": ({V}, {C}), "rate": ({C}, {C}),
    "reopen": ({C}, {PD}), "decline_reopen": ({C}, {C}), "cancel": ({R, PD}, {"cancelled"}),
    "callback": ({C}, {C}), "spot_check": ({V, C}, {V, C}), "request_cancel": ({D, H, OH}, {D, H, OH}),
    "decide_cancel": ({D, H, OH, PV, V}, {D, H, OH, PV, V, "cancelled"}),
    "merge": ({R, PD}, {"merged"}), "split": ({PD}, {"split"}), "supervise": ({PD, D, H, PV, V}, {PD, D, H, PV, V}),
}


def test_the_table_is_the_specified_one():
    table = {verb: (set(entry.sources), set(entry.targets)) for verb, entry in TRANSITIONS.items()}
    assert table == SPEC


def _snapshot(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return case.status, case.version, CaseEvent.objects.filter(case=case).count()


@pytest.mark.parametrize("status", [status.value for status in Status])
def test_every_verb_in_this_state_does_what_the_table_says(cc, status):  # type: ignore[no-untyped-def]
    problems = []
    for verb, transition in TRANSITIONS.items():
        case = advance(report(cc), status, cc)
        if status in transition.sources:
            if verb in PREPARE:
                PREPARE[verb](case, cc)
            CALLS[verb](case, cc)
            case.refresh_from_db()
            if case.status not in transition.targets:
                problems.append(f"{verb}: ended in {case.status}, table says {sorted(transition.targets)}")
        else:
            before = _snapshot(case)
            try:
                CALLS[verb](case, cc)
            except ActionRefused as refusal:
                assert refusal.message
            else:
                problems.append(f"{verb}: allowed in {status}, the table does not allow it")
            if _snapshot(case) != before:
                problems.append(f"{verb}: a refused action changed the case")
    assert problems == []


def test_a_refusal_names_the_state_and_the_action(cc):
    case = advance(report(cc), Status.CLOSED, cc)
    with pytest.raises(ActionRefused, match=r"已结案.*派遣"):
        t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company)


@pytest.mark.parametrize(("verb", "status", "who"), [
    ("accept", Status.REPORTED, "grid_worker_b"),            # another grid's worker
    ("accept", Status.REPORTED, "other_street_dispatcher"),  # another street's dispatcher
    ("accept", Status.REPORTED, "grid_worker_a"),            # a grid worker does not accept
    ("dispatch", Status.PENDING_DISPATCH, "property_handler"),
    ("sign", Status.DISPATCHED, "enforcement_handler"),      # an assisting unit is not the lead… it may sign
    ("return", Status.DISPATCHED, "enforcement_handler"),    # …but only the lead returns
    ("feedback", Status.HANDLING, "enforcement_handler"),    # the assisting unit has not signed
    ("verify", Status.PENDING_VERIFY, "grid_worker_b"),
    ("close", Status.VERIFIED, "grid_worker_a"),
    ("cancel", Status.REPORTED, "dispatcher"),               # only the reporter cancels
    ("supervise", Status.HANDLING, "grid_worker_a"),
    ("rate", Status.CLOSED, "outsider"),
])
def test_the_wrong_person_is_refused(cc, verb, status, who):  # type: ignore[no-untyped-def]
    actor = getattr(cc, who, None) or getattr(cc.cast, who)
    case = advance(report(cc), status, cc)
    before = _snapshot(case)
    call = CALLS[verb]
    if verb == "sign":
        # The assisting unit may sign in 待签收: that is allowed, and leaves the case 待签收.
        t.case_sign(case=case, actor=actor)
        case.refresh_from_db()
        assert case.status == Status.DISPATCHED
        assert case.assignments.get(organisation=cc.enforcement).state == "signed"
        return
    with pytest.raises(ActionRefused, match="没有权限"):
        _call_as(call, verb, case, cc, actor)
    assert _snapshot(case) == before


def _call_as(call: Any, verb: str, case: Case, cc: CaseCast, actor: Any) -> Any:
    kwargs: dict[str, dict[str, Any]] = {
        "accept": {}, "dispatch": {"lead": cc.property_company}, "return": {"reason": "不归我们管。"},
        "feedback": {"comment": "已处理。"}, "verify": {"passed": True}, "close": {"outcome": Outcome.RESOLVED,
                                                                               "note": "已解决。"},
        "cancel": {}, "supervise": {"kind": "reminder", "comment": "请加快。"}, "rate": {"rating": Rating.SATISFIED},
    }
    return getattr(t, f"case_{verb}")(case=case, actor=actor, **kwargs[verb])


def test_the_reporter_user_may_cancel_their_own_report(cc):
    case = report(cc, actor=cc.grid_leader)
    t.case_cancel(case=case, actor=cc.grid_leader, reason="重复上报。")
    case.refresh_from_db()
    assert case.status == Status.CANCELLED


def test_a_dissatisfied_rating_asks_the_dispatcher_to_reopen(cc):
    case = advance(report(cc), Status.CLOSED, cc)
    with pytest.raises(Exception, match="请说明不满意的原因"):
        t.case_rate(case=case, actor=REPORTER, rating=Rating.DISSATISFIED)
    case = t.case_rate(case=case, actor=REPORTER, rating=Rating.DISSATISFIED, comment="又堆满了。")
    assert case.reopen_requested
    assert "reopen" in t.allowed_verbs(case, cc.dispatcher) and "decline_reopen" in t.allowed_verbs(case, cc.dispatcher)
    case = t.case_reopen(case=case, actor=cc.dispatcher, reason="居民不满意，重新派遣。")
    assert (case.status, case.rating, case.reopen_count, case.reopen_requested) == (
        Status.PENDING_DISPATCH, "", 1, False)
