"""Every waiting state has a clock: 待派遣 (accepted, not dispatched) and 待结案 (verified, not closed).

Each runs as a stage with a per-category limit in working hours (default 8, one working day),
with the lamps, the warning, the overdue flag and the supervision ladder of the other stages.
Cases are driven through the real transitions on Monday 2 March 2026 (office hours 09:00–12:00,
13:00–18:00).
"""

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps

from cases import statistics
from cases import transitions as t
from cases.models import Case, CaseSupervision, Outcome, Stage, Status, SupervisionStep
from cases.selectors import RED, running_lamp, stage_clocks
from cases.supervision import run_supervision
from cases.testing import advance, report

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
MONDAY_10 = MONDAY_9 + datetime.timedelta(hours=1)
TUESDAY_10 = MONDAY_10 + datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def office_hours(settings):  # type: ignore[no-untyped-def]
    settings.CASES_OFFICE_HOURS = "09:00-12:00,13:00-18:00"
    settings.TIME_ZONE = "Asia/Shanghai"


@pytest.fixture
def default_ladder(db):  # type: ignore[no-untyped-def]
    SupervisionStep.objects.all().delete()
    for rank, kind, percent in [(1, "reminder", 100), (2, "yellow", 150), (3, "red", 200)]:
        SupervisionStep.objects.create(rank=rank, kind=kind, percent=percent)


def waiting_for_dispatch(cc, now=MONDAY_10):  # type: ignore[no-untyped-def]
    return t.case_accept(case=report(cc, now=MONDAY_9), actor=cc.dispatcher, now=now)


def test_accepting_starts_the_dispatch_clock_of_one_working_day(cc):
    case = waiting_for_dispatch(cc)
    assert case.status == Status.PENDING_DISPATCH and case.stage == Stage.DISPATCH
    assert case.stage_started_at == MONDAY_10
    assert case.dispatch_due_at == case.stage_due_at == TUESDAY_10  # 8 working hours, over the lunch break


def test_a_category_sets_its_own_dispatch_and_close_limits(cc):
    category = cc.category("t-clutter")
    category.dispatch_hours, category.close_hours = 2, 3
    category.save()
    case = waiting_for_dispatch(cc)
    assert case.dispatch_due_at == MONDAY_10 + datetime.timedelta(hours=2)
    case = advance(report(cc, now=MONDAY_9), Status.VERIFIED, cc, now=MONDAY_10)
    assert case.stage == Stage.CLOSE and case.close_due_at == MONDAY_10 + datetime.timedelta(hours=4)  # lunch


def test_dispatching_late_freezes_the_dispatch_overdue_flag(cc):
    case = waiting_for_dispatch(cc)
    late = TUESDAY_10 + datetime.timedelta(hours=1)
    case = t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company, now=late)
    assert case.stage == Stage.HANDLE and case.dispatch_overdue is True and case.ever_overdue is True
    on_time = waiting_for_dispatch(cc)
    on_time = t.case_self_handle(case=on_time, actor=cc.cast.grid_worker_a, now=MONDAY_10 + datetime.timedelta(hours=1))
    assert on_time.stage == Stage.HANDLE and on_time.dispatch_overdue is False and not on_time.ever_overdue


def test_verifying_starts_the_close_clock_and_closing_late_counts_against_on_time(cc):
    case = advance(report(cc, now=MONDAY_9), Status.VERIFIED, cc, now=MONDAY_10)
    assert case.stage == Stage.CLOSE and case.close_due_at == TUESDAY_10
    case = t.case_close(case=case, actor=cc.dispatcher, outcome=Outcome.RESOLVED, note="已清理。",
                        now=TUESDAY_10 + datetime.timedelta(minutes=5))
    assert case.stage == Stage.NONE and case.close_overdue is True and case.ever_overdue is True
    figures = statistics.headline(Case.objects.all(), TUESDAY_10 + datetime.timedelta(days=1))
    assert (figures.closed, figures.on_time, figures.overdue) == (1, 0, 1)


def test_a_case_left_waiting_to_be_closed_counts_as_overdue_now(cc):
    advance(report(cc, now=MONDAY_9), Status.VERIFIED, cc, now=MONDAY_10)
    assert statistics.headline(Case.objects.all(), TUESDAY_10 - datetime.timedelta(minutes=1)).overdue == 0
    assert statistics.headline(Case.objects.all(), TUESDAY_10 + datetime.timedelta(minutes=1)).overdue == 1


@pytest.mark.parametrize("status,stage", [(Status.PENDING_DISPATCH, "dispatch"), (Status.VERIFIED, "close")])
def test_the_worker_climbs_the_ladder_on_a_waiting_case(cc, default_ladder, status, stage):
    case = advance(report(cc, now=MONDAY_9), status, cc, now=MONDAY_10)
    assert run_supervision(now=MONDAY_10 + datetime.timedelta(hours=17)).issued == {}
    assert run_supervision(now=MONDAY_10 + datetime.timedelta(hours=18)).issued == {"warning": 1}  # 75 % of 24 h
    run_supervision(now=MONDAY_10 + datetime.timedelta(days=3))
    assert list(CaseSupervision.objects.filter(case=case).order_by("pk").values_list("kind", "stage")) == [
        ("warning", stage), ("overdue", stage), ("reminder", stage), ("yellow", stage), ("red", stage)]
    case.refresh_from_db()
    assert case.ever_overdue and case.supervision_rank == 4
    assert run_supervision(now=MONDAY_10 + datetime.timedelta(days=4)).scanned == 0


def test_the_lamp_and_the_overdue_queue_show_a_late_waiting_case(cc, client):
    case = advance(report(cc, now=MONDAY_9), Status.VERIFIED, cc, now=MONDAY_10)
    client.force_login(cc.dispatcher)
    with time_machine.travel(TUESDAY_10 + datetime.timedelta(hours=2), tick=False):
        assert running_lamp(case) == RED
        html = client.get("/cases/", {"queue": "overdue"}).content.decode()
        assert case.number in html and 'data-lamp="red"' in html
        page = client.get(f"/cases/{case.number}/").content.decode()
    clocks = page[page.index('id="deadlines"'):page.index('id="timeline"')]
    assert 'class="stage-close table-active"' in clocks and "2026-03-03 10:00" in clocks


def test_the_case_page_lists_the_five_stage_clocks_in_order(cc):
    case = advance(report(cc, now=MONDAY_9), Status.CLOSED, cc, now=MONDAY_10)
    clocks = stage_clocks(case, TUESDAY_10)
    assert [clock.stage for clock in clocks] == ["accept", "dispatch", "handle", "verify", "close"]
    assert all(clock.lamp.colour == "green" for clock in clocks)


def test_a_hold_while_waiting_for_dispatch_moves_the_dispatch_deadline(cc):
    case = waiting_for_dispatch(cc)
    case = t.case_hold(case=case, actor=cc.dispatcher, reason="等待产权单位答复。", now=MONDAY_10)
    case = t.case_resume(case=case, actor=cc.dispatcher, now=MONDAY_10 + datetime.timedelta(hours=2))
    assert case.status == Status.PENDING_DISPATCH and case.stage == Stage.DISPATCH
    assert case.dispatch_due_at == case.stage_due_at == TUESDAY_10 + datetime.timedelta(hours=2)


def test_returned_escalated_reopened_and_split_cases_wait_on_a_fresh_dispatch_clock(cc):
    later = MONDAY_10 + datetime.timedelta(hours=1)
    returned = advance(report(cc, now=MONDAY_9), Status.HANDLING, cc, now=MONDAY_10)
    returned = t.case_return(case=returned, actor=cc.property_handler, reason="不属于本单位职责。", now=later)
    escalated = t.case_escalate(case=waiting_for_dispatch(cc), actor=cc.dispatcher, reason="需街道协调。", now=later)
    closed = advance(report(cc, now=MONDAY_9), Status.CLOSED, cc, now=MONDAY_10)
    reopened = t.case_reopen(case=closed, actor=cc.dispatcher, reason="反映人不满意。", now=later)
    children = t.case_split(case=waiting_for_dispatch(cc), actor=cc.dispatcher, now=later,
                            parts=[(cc.category("t-clutter"), "楼道堆物"), (cc.category("t-building"), "违章搭建")])
    for case in (returned, escalated, reopened, *children):
        assert case.stage == Stage.DISPATCH and case.stage_started_at == later, case
        assert case.dispatch_due_at == later + datetime.timedelta(days=1)


def test_the_migration_starts_the_clocks_of_cases_already_waiting(cc):
    migration = importlib.import_module("cases.migrations.0005_waiting_clocks")
    waiting = waiting_for_dispatch(cc)
    verified = advance(report(cc, now=MONDAY_9), Status.VERIFIED, cc, now=MONDAY_10)
    Case.objects.filter(pk__in=[waiting.pk, verified.pk]).update(
        stage="", stage_started_at=None, stage_due_at=None, dispatch_due_at=None, close_due_at=None)
    migration.start_waiting_clocks(apps, None)
    waiting.refresh_from_db()
    verified.refresh_from_db()
    assert (waiting.stage, waiting.stage_started_at, waiting.stage_due_at) == ("dispatch", MONDAY_10, TUESDAY_10)
    assert (verified.stage, verified.stage_started_at, verified.close_due_at) == ("close", MONDAY_10, TUESDAY_10)
