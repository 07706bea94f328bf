"""Plans and windows across days and holidays: which windows are due, kept, open or missed."""

import datetime

import pytest

from cases.calendar import WorkCalendar
from cases.models import CalendarDay
from fieldwork.models import PlanDays
from fieldwork.patrols import patrol_finish, patrol_start
from fieldwork.schedule import SlotState, daily_plans, slots, today_slots
from fieldwork.testing import at

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 12, 7)
SATURDAY = datetime.date(2026, 12, 12)


def window_names(fc, day, grid=None):
    grid = grid or fc.cast.grid_a
    return [slot.window.name for slot in slots(grid, day, daily_plans([grid]), WorkCalendar())]


def test_it_asks_for_both_windows_on_a_working_day_in_every_grid_of_the_community(fc):
    assert window_names(fc, MONDAY) == ["上午巡", "下午巡"]
    assert window_names(fc, MONDAY, fc.cast.grid_b) == ["上午巡", "下午巡"]
    assert window_names(fc, MONDAY, fc.cast.grid_c) == []  # another community


def test_it_skips_weekends_and_holidays_for_a_working_days_plan_but_not_a_make_up_day(fc):
    CalendarDay.objects.update_or_create(date=MONDAY, defaults={"is_workday": False, "name": "假日"})
    CalendarDay.objects.update_or_create(date=SATURDAY, defaults={"is_workday": True, "name": "调休"})
    assert window_names(fc, MONDAY) == []
    assert window_names(fc, SATURDAY) == ["上午巡", "下午巡"]
    assert window_names(fc, SATURDAY + datetime.timedelta(days=1)) == []


def test_it_asks_every_day_when_the_plan_says_so(fc):
    fc.double_patrol.days = PlanDays.EVERY_DAY
    fc.double_patrol.save()
    CalendarDay.objects.update_or_create(date=MONDAY, defaults={"is_workday": False, "name": "假日"})
    assert window_names(fc, MONDAY) == ["上午巡", "下午巡"]
    assert window_names(fc, SATURDAY + datetime.timedelta(days=1)) == ["上午巡", "下午巡"]


def test_it_asks_nothing_outside_the_plans_dates_or_when_it_is_paused(fc):
    fc.double_patrol.ends_on = MONDAY - datetime.timedelta(days=1)
    fc.double_patrol.save()
    assert window_names(fc, MONDAY) == []
    fc.double_patrol.ends_on = None
    fc.double_patrol.is_active = False
    fc.double_patrol.save()
    assert window_names(fc, MONDAY) == []


def test_it_tells_the_state_of_each_window_through_the_day(fc):
    worker = fc.cast.grid_worker_a
    states = [slot.state for slot in today_slots(fc.cast.grid_a, at(MONDAY, 7))]
    assert states == [SlotState.UPCOMING, SlotState.UPCOMING]
    patrol = patrol_start(actor=worker, plan=fc.double_patrol, grid=fc.cast.grid_a, window=fc.morning,
                          now=at(MONDAY, 8, 30))
    assert [slot.state for slot in today_slots(fc.cast.grid_a, at(MONDAY, 9))] == [SlotState.ACTIVE,
                                                                                    SlotState.UPCOMING]
    patrol_finish(patrol=patrol, actor=worker, now=at(MONDAY, 10))
    assert [slot.state for slot in today_slots(fc.cast.grid_a, at(MONDAY, 15))] == [SlotState.DONE, SlotState.OPEN]
    assert [slot.state for slot in today_slots(fc.cast.grid_a, at(MONDAY, 18))] == [SlotState.DONE,
                                                                                     SlotState.MISSED]
    # Grid B shares the plan but not grid A's patrol.
    assert [slot.state for slot in today_slots(fc.cast.grid_b, at(MONDAY, 18))] == [SlotState.MISSED] * 2
