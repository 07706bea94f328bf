"""Who is told of what: the inbox rows each transition and each supervision step leaves behind.

Notifications go out after the commit, so each action under test runs inside
``django_capture_on_commit_callbacks(execute=True)``; the set-up steps before it notify nobody.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User
from cases import followup
from cases import transitions as t
from cases.models import Channel, HandlingLevel, Notification, Rating, Status, SupervisionStep
from cases.supervision import run_supervision
from cases.testing import advance, report
from cases.workflow import REPORTER

MONDAY_9 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))



@pytest.fixture
def told(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """told(action) runs the action, delivers its notifications, and returns {username: [verb, …]}."""

    def run(action):  # type: ignore[no-untyped-def]
        start = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with django_capture_on_commit_callbacks(execute=True):
            action()
        received = {}  # username -> verbs
        for username, verb in Notification.objects.filter(pk__gt=start).order_by("pk").values_list(
                "user__username", "verb"):
            received.setdefault(username, []).append(verb)
        return received

    return run


def test_a_report_tells_the_grid_desk_but_not_the_reporter_or_the_desks_above(cc, told):
    assert told(lambda: report(cc)) == {"grid_leader_a": ["report"]}


def test_a_report_by_the_desk_itself_tells_nobody(cc, told):
    assert told(lambda: report(cc, actor=cc.grid_leader)) == {}


def test_a_hotline_report_tells_the_desk_of_the_categorys_level(cc, told):
    received = told(lambda: report(cc, actor=cc.dispatcher, channel=Channel.HOTLINE, reporter_name="王女士"))
    assert received == {"community_staff1": ["report"]}


def test_an_escalation_tells_the_desk_above(cc, told):
    case = t.case_accept(case=report(cc), actor=cc.grid_leader)
    received = told(lambda: t.case_escalate(case=case, actor=cc.grid_leader, reason="需要社区协调。"))
    assert received == {"community_staff1": ["escalate"]}
    case.refresh_from_db()
    assert case.level == HandlingLevel.COMMUNITY


def test_a_dispatch_tells_the_members_of_every_unit_dispatched(cc, told):
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    received = told(lambda: t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company,
                                            assists=[cc.enforcement]))
    assert received == {"property_handler": ["dispatch"], "enforcement_handler": ["dispatch"]}


def test_signing_for_a_case_tells_nobody(cc, told):
    case = advance(report(cc), Status.DISPATCHED, cc)
    assert told(lambda: t.case_sign(case=case, actor=cc.property_handler)) == {}


def test_a_return_tells_the_desk_and_the_dispatcher(cc, told):
    case = advance(report(cc), Status.DISPATCHED, cc)
    received = told(lambda: t.case_return(case=case, actor=cc.property_handler, reason="不属于物业管理范围。"))
    assert received == {"grid_leader_a": ["return"], "dispatcher1": ["return"]}


def test_the_leads_feedback_tells_the_verifiers_of_the_grid(cc, told):
    case = advance(report(cc), Status.HANDLING, cc)
    received = told(lambda: t.case_feedback(case=case, actor=cc.property_handler, comment="已清理。"))
    assert received == {"grid_worker_a": ["feedback"], "grid_leader_a": ["feedback"]}


def test_an_assisting_units_feedback_tells_the_lead_unit(cc, told):
    case = advance(report(cc), Status.HANDLING, cc)
    t.case_sign(case=case, actor=cc.enforcement_handler)
    received = told(lambda: t.case_feedback(case=case, actor=cc.enforcement_handler, comment="已现场执法。"))
    assert received == {"property_handler": ["assist_feedback"]}


def test_a_failed_verification_tells_the_handlers_and_a_passed_one_the_desk(cc, told):
    case = advance(report(cc), Status.PENDING_VERIFY, cc)
    failed = told(lambda: t.case_verify(case=case, actor=cc.cast.grid_worker_a, passed=False, comment="没清理干净。"))
    assert failed == {"property_handler": ["verify_failed"]}
    t.case_feedback(case=case, actor=cc.property_handler, comment="已再次清理。")
    passed = told(lambda: t.case_verify(case=case, actor=cc.cast.grid_worker_a, passed=True))
    assert passed == {"grid_leader_a": ["verify_passed"], "dispatcher1": ["verify_passed"]}


def test_extensions_go_to_the_desk_and_their_decision_back_to_the_handlers(cc, told):
    case = advance(report(cc), Status.HANDLING, cc)
    asked = told(lambda: t.case_request_extension(case=case, actor=cc.property_handler, extra_days=3,
                                                  reason="等待材料。"))
    assert asked == {"grid_leader_a": ["request_extension"], "dispatcher1": ["request_extension"]}
    denied = told(lambda: t.case_decide_extension(case=case, actor=cc.dispatcher, approve=False, note="不予延期。"))
    assert denied == {"property_handler": ["extension_denied"]}


def test_hold_and_resume_tell_the_handlers(cc, told):
    case = advance(report(cc), Status.HANDLING, cc)
    assert told(lambda: t.case_hold(case=case, actor=cc.dispatcher, reason="等待产权单位答复。")) == {
        "property_handler": ["hold"]}
    assert told(lambda: t.case_resume(case=case, actor=cc.dispatcher)) == {"property_handler": ["resume"]}


def test_acceptance_rejection_and_closure_tell_the_reporting_user(cc, told):
    case = report(cc)
    assert told(lambda: t.case_accept(case=case, actor=cc.dispatcher)) == {"grid_worker_a": ["accept"]}
    other = report(cc)
    assert told(lambda: t.case_reject(case=other, actor=cc.dispatcher, reason="重复反映。")) == {
        "grid_worker_a": ["reject"]}
    closing = advance(report(cc), Status.VERIFIED, cc)
    assert told(lambda: t.case_close(case=closing, actor=cc.dispatcher, outcome="resolved", note="已解决。")) == {
        "grid_worker_a": ["close"]}


def test_an_unhappy_rating_asks_the_desk_to_decide_on_reopening(cc, told):
    case = advance(report(cc), Status.CLOSED, cc)
    received = told(lambda: t.case_rate(case=case, actor=REPORTER, rating=Rating.DISSATISFIED, comment="没解决。"))
    assert received == {"grid_leader_a": ["reopen_request"], "dispatcher1": ["reopen_request"]}
    happy = advance(report(cc), Status.CLOSED, cc)
    assert told(lambda: t.case_rate(case=happy, actor=REPORTER, rating=Rating.SATISFIED)) == {}


def test_a_cancel_request_tells_the_desk_and_its_approval_the_lead_unit(cc, told):
    case = advance(report(cc), Status.DISPATCHED, cc)
    assert told(lambda: followup.case_request_cancel(case=case, actor=REPORTER, reason="已自行解决。")) == {
        "grid_leader_a": ["request_cancel"], "dispatcher1": ["request_cancel"]}
    assert told(lambda: followup.case_decide_cancel(case=case, actor=cc.dispatcher, approve=True)) == {
        "property_handler": ["cancel"]}
    waiting = report(cc)
    assert told(lambda: t.case_cancel(case=waiting, actor=REPORTER)) == {}


def test_a_leaders_yellow_card_tells_the_handlers_the_desk_and_the_dispatcher(cc, told):
    case = advance(report(cc), Status.HANDLING, cc)
    received = told(lambda: t.case_supervise(case=case, actor=cc.supervisor, kind="yellow", comment="请加快办理。"))
    assert received == {"property_handler": ["supervise_yellow"], "grid_leader_a": ["supervise_yellow"],
                        "dispatcher1": ["supervise_yellow"]}
    reminder = told(lambda: t.case_supervise(case=case, actor=cc.supervisor, kind="reminder", comment="请尽快。"))
    assert reminder == {"property_handler": ["supervise_reminder"]}


def told_about(case):  # type: ignore[no-untyped-def]
    return sorted(Notification.objects.filter(case=case).values_list("user__username", "verb"))


def test_the_worker_tells_whoever_answers_for_the_running_stage(cc, told):
    SupervisionStep.objects.all().delete()
    waiting = report(cc, now=MONDAY_9)
    handling = advance(report(cc, now=MONDAY_9), Status.HANDLING, cc, now=MONDAY_9)
    verifying = advance(report(cc, now=MONDAY_9), Status.PENDING_VERIFY, cc, now=MONDAY_9)
    assert verifying.stage_due_at and handling.stage_due_at and handling.stage_started_at
    told(lambda: run_supervision(now=verifying.stage_due_at))
    assert told_about(waiting) == [("grid_leader_a", "overdue")]  # 受理: the desk
    assert told_about(verifying) == [("grid_leader_a", "overdue"), ("grid_worker_a", "overdue")]  # 核查
    assert told_about(handling) == []
    SupervisionStep.objects.create(rank=1, kind="yellow", percent=150)
    late = handling.stage_due_at + (handling.stage_due_at - handling.stage_started_at)
    told(lambda: run_supervision(now=late))
    assert told_about(handling) == [  # 处置: the lead unit; a card also goes to the desk and the dispatcher
        ("dispatcher1", "yellow"), ("grid_leader_a", "yellow"), ("property_handler", "yellow")]


def test_one_message_per_case_and_run_about_the_highest_rung(cc, told):
    SupervisionStep.objects.all().delete()
    for rank, kind, percent in [(1, "reminder", 100), (2, "yellow", 150)]:
        SupervisionStep.objects.create(rank=rank, kind=kind, percent=percent)
    case = advance(report(cc, now=MONDAY_9), Status.HANDLING, cc, now=MONDAY_9)
    assert case.stage_due_at and case.stage_started_at
    late = case.stage_started_at + (case.stage_due_at - case.stage_started_at) * 1.6
    assert told(lambda: run_supervision(now=late)) == {
        "property_handler": ["yellow"], "grid_leader_a": ["yellow"], "dispatcher1": ["yellow"]}


def test_a_case_resolved_on_the_spot_asks_the_grid_to_verify_it(cc, told):
    received = told(lambda: t.case_report_resolved(
        actor=cc.cast.grid_worker_a, category=cc.category("t-clutter"), description="楼道堆物。",
        note="已当场清理。", grid=cc.cast.grid_a))
    assert received == {"grid_leader_a": ["feedback"]}  # someone else checks it; the worker is not told


def test_inactive_users_are_not_told(cc, told):
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    User.objects.filter(pk=cc.property_handler.pk).update(is_active=False)
    received = told(lambda: t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company,
                                            assists=[cc.enforcement]))
    assert received == {"enforcement_handler": ["dispatch"]}


def test_a_desk_without_an_active_holder_passes_the_message_up(cc, told):
    User.objects.filter(pk=cc.grid_leader.pk).update(is_active=False)
    assert told(lambda: report(cc)) == {"community_staff1": ["report"]}
