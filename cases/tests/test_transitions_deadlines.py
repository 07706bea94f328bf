"""Deadlines of a case's stages on the working-day calendar: the 2026 National Day holiday and
its make-up working days, the clock stopping on hold, an approved extension, and the overdue
flag frozen when a stage ends."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from cases import transitions as t
from cases.models import CalendarDay, Stage, Status
from cases.testing import advance, build_case_cast, report

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def cc(cast):  # type: ignore[no-untyped-def]
    # The State Council's 2026 schedule around National Day: Sept 25 (Mid-Autumn) and Oct 1–7 off,
    # Sunday Sept 20 and Saturday Oct 10 worked instead.
    for day in (25,):
        CalendarDay.objects.update_or_create(date=datetime.date(2026, 9, day), defaults={"is_workday": False})
    for day in range(1, 8):
        CalendarDay.objects.update_or_create(date=datetime.date(2026, 10, day), defaults={"is_workday": False})
    for make_up in (datetime.date(2026, 9, 20), datetime.date(2026, 10, 10)):
        CalendarDay.objects.update_or_create(date=make_up, defaults={"is_workday": True})
    return build_case_cast(cast)


def test_the_accept_clock_skips_the_holiday(cc):
    # 4 working hours from Wednesday Sept 30, 16:00: two hours that day, two after the holiday.
    case = report(cc, now=at(9, 30, 16))
    assert case.accept_due_at == at(10, 8, 11)
    assert (case.stage, case.stage_due_at) == (Stage.ACCEPT, at(10, 8, 11))


def test_the_handle_clock_counts_the_make_up_saturday(cc):
    case = report(cc, now=at(9, 30, 9))
    case = t.case_accept(case=case, actor=cc.dispatcher, now=at(9, 30, 9, 30))
    case = t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company, now=at(9, 30, 10))
    # 3 working days = 24 working hours: 7 on Sept 30, 8 on Oct 8, 8 on Oct 9, 1 on Saturday Oct 10.
    assert case.handle_due_at == at(10, 10, 10)
    assert case.assignments.get(role="lead").due_at == at(10, 10, 10)


def test_time_on_hold_does_not_count(cc):
    case = report(cc, now=at(9, 30, 9))
    case = t.case_accept(case=case, actor=cc.dispatcher, now=at(9, 30, 9, 30))
    case = t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company, now=at(9, 30, 10))
    case = t.case_sign(case=case, actor=cc.property_handler, now=at(9, 30, 10, 30))
    case = t.case_hold(case=case, actor=cc.dispatcher, reason="等待维修基金审批。", now=at(9, 30, 11))
    case = t.case_resume(case=case, actor=cc.dispatcher, now=at(10, 9, 11))
    # On hold for 16 working hours (1 + 5 on Sept 30, 8 on Oct 8, 2 on Oct 9): the deadline of
    # Saturday Oct 10, 10:00 moves 16 working hours, over Sunday, to Tuesday Oct 13, 10:00.
    assert case.status == Status.HANDLING
    assert case.handle_due_at == case.stage_due_at == at(10, 13, 10)
    assert case.assignments.get(role="lead").due_at == at(10, 13, 10)


def test_a_case_on_hold_is_never_overdue(cc):
    case = report(cc, now=at(9, 30, 9))
    case = t.case_accept(case=case, actor=cc.dispatcher, now=at(9, 30, 9, 30))
    case = t.case_hold(case=case, actor=cc.dispatcher, reason="等待产权单位答复。", now=at(9, 30, 10))
    assert not case.is_overdue


def test_calendar_hour_limits_pause_by_clock_time(cc):
    case = report(cc, category="t-fire-exit", now=at(10, 1, 8))
    case = t.case_accept(case=case, actor=cc.dispatcher, now=at(10, 1, 9))
    case = t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.enforcement, now=at(10, 1, 10))
    assert case.handle_due_at == at(10, 2, 10)  # 24 clock hours, holiday or not
    case = t.case_hold(case=case, actor=cc.dispatcher, reason="等待消防部门到场。", now=at(10, 1, 12))
    case = t.case_resume(case=case, actor=cc.dispatcher, now=at(10, 1, 18))
    assert case.handle_due_at == at(10, 2, 16)


def test_an_approved_extension_moves_the_deadline_in_working_days(cc):
    case = report(cc, now=at(9, 30, 9))
    case = t.case_accept(case=case, actor=cc.dispatcher, now=at(9, 30, 9, 30))
    case = t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company, now=at(9, 30, 10))
    case = t.case_sign(case=case, actor=cc.property_handler, now=at(9, 30, 10, 30))
    t.case_request_extension(case=case, actor=cc.property_handler, extra_days=2, reason="需要采购配件。",
                             now=at(10, 8, 9))
    case = t.case_decide_extension(case=case, actor=cc.dispatcher, approve=True, now=at(10, 8, 10))
    # Saturday Oct 10, 10:00 plus two working days (16 hours): Tuesday Oct 13, 10:00.
    assert case.handle_due_at == case.stage_due_at == at(10, 13, 10)
    assert case.extensions.get().state == "approved"


def test_a_denied_extension_keeps_the_deadline_and_needs_a_reason(cc):
    case = advance(report(cc), Status.HANDLING, cc)
    due = case.handle_due_at
    t.case_request_extension(case=case, actor=cc.property_handler, extra_days=2, reason="需要采购配件。")
    with pytest.raises(Exception, match="请填写驳回理由"):
        t.case_decide_extension(case=case, actor=cc.dispatcher, approve=False)
    case = t.case_decide_extension(case=case, actor=cc.dispatcher, approve=False, note="三天足够。")
    assert case.handle_due_at == due and case.extensions.get().state == "denied"


def test_the_overdue_flag_is_frozen_when_the_stage_ends(cc):
    case = report(cc, now=at(9, 30, 16))  # due Oct 8, 11:00
    case = t.case_accept(case=case, actor=cc.dispatcher, now=at(10, 8, 14))
    assert case.accept_overdue is True and case.ever_overdue
    case = t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company, now=at(10, 8, 15))
    case = t.case_sign(case=case, actor=cc.property_handler, now=at(10, 8, 16))
    case = t.case_feedback(case=case, actor=cc.property_handler, comment="已清理。", now=at(10, 9, 9))
    assert case.handle_overdue is False
    case.refresh_from_db()
    assert case.accept_overdue is True  # a later stage on time does not rewrite the past one
    assert case.stage == Stage.VERIFY and case.verify_due_at == at(10, 9, 18)  # 8 working hours: the end of the day


def test_failed_verification_sends_it_back_with_a_new_handle_clock(cc):
    case = advance(report(cc), Status.PENDING_VERIFY, cc)
    case = t.case_verify(case=case, actor=cc.cast.grid_worker_a, passed=False, comment="楼道仍有杂物。")
    assert (case.status, case.stage, case.rework_count) == (Status.HANDLING, Stage.HANDLE, 1)
    assert case.assignments.get(role="lead").state == "signed"
