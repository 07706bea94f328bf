"""Deadlines on the working-day calendar (``cases.calendar``) with the seeded 2026 holidays.

Office hours 09:00–12:00 and 13:00–18:00 (eight working hours a day). The 2026 schedule
(holidays 0.109): Oct 1–7 off, Sun Sept 20 and Sat Oct 10 worked; Feb 15–23 off around the
Spring Festival, Sat Feb 14 and Sat Feb 28 worked.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from cases.calendar import WorkCalendar, deadline, extend, shift_for_pause
from cases.holidays import seed_holidays, set_calendar_day
from cases.models import CalendarDay, DeadlineUnit

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOUR = 3600


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def calendar_2026(settings):
    settings.CASES_OFFICE_HOURS = "09:00-12:00,13:00-18:00"
    settings.TIME_ZONE = "Asia/Shanghai"
    CalendarDay.objects.filter(date__year=2026).delete()
    seed_holidays([2026])


def test_working_hours_skip_the_weekend():
    # Friday March 6, 17:00 + 4 working hours: 1 on Friday, 3 on Monday morning.
    assert deadline(at(3, 6, 17), 4, DeadlineUnit.WORKING_HOURS) == at(3, 9, 12)


def test_working_hours_skip_the_lunch_break():
    assert deadline(at(3, 9, 11), 2, DeadlineUnit.WORKING_HOURS) == at(3, 9, 14)


def test_working_hours_skip_national_day():
    # Wednesday Sept 30, 16:00 + 8 working hours: 2 that day, then Oct 1–7 off, 6 on Thursday Oct 8.
    assert deadline(at(9, 30, 16), 8, DeadlineUnit.WORKING_HOURS) == at(10, 8, 16)


def test_a_make_up_sunday_is_a_working_day():
    # Saturday Sept 19, 10:00 + 4 working hours: Sunday Sept 20 is worked (调休上班).
    assert deadline(at(9, 19, 10), 4, DeadlineUnit.WORKING_HOURS) == at(9, 20, 14)


def test_working_days_across_national_day_and_the_make_up_saturday():
    # Tuesday Sept 29, 10:00. 3 working days = 24 h: 7 (Sept 29) + 8 (Sept 30) + 8 (Oct 8) + 1 (Oct 9).
    assert deadline(at(9, 29, 10), 3, DeadlineUnit.WORKING_DAYS) == at(10, 9, 10)
    # 5 working days = 40 h: … + 8 on Saturday Oct 10 (worked) + 1 on Monday Oct 12.
    assert deadline(at(9, 29, 10), 5, DeadlineUnit.WORKING_DAYS) == at(10, 12, 10)


def test_spring_festival_make_up_saturdays():
    # Friday Feb 13, 17:00 + 2 working hours: Saturday Feb 14 is worked.
    assert deadline(at(2, 13, 17), 2, DeadlineUnit.WORKING_HOURS) == at(2, 14, 10)
    # + 2 working days: 1 h Friday, 8 h Saturday Feb 14, Feb 15–23 off, 7 h on Tuesday Feb 24.
    assert deadline(at(2, 13, 17), 2, DeadlineUnit.WORKING_DAYS) == at(2, 24, 17)


def test_calendar_hours_ignore_holidays():
    assert deadline(at(10, 1, 8), 24, DeadlineUnit.CALENDAR_HOURS) == at(10, 2, 8)


def test_working_time_between_counts_the_make_up_saturday():
    calendar = WorkCalendar()
    assert calendar.between(at(10, 9, 18), at(10, 12, 9)) == 8 * HOUR
    assert calendar.between(at(9, 30, 18), at(10, 8, 9)) == 0
    assert calendar.between(at(10, 8, 9), at(9, 30, 18)) == 0


def test_a_hold_across_national_day_moves_the_deadline_by_the_working_time_lost():
    # Due Friday Oct 9, 10:00; on hold from Wednesday Sept 30, 11:00 to Friday Oct 9, 11:00:
    # 6 h (Sept 30) + 8 h (Oct 8) + 2 h (Oct 9) = 16 working hours lost.
    # 10:00 Oct 9 + 16 h: 7 h on Oct 9, 8 h on Saturday Oct 10 (worked), 1 h on Monday Oct 12.
    moved = shift_for_pause(at(10, 9, 10), at(9, 30, 11), at(10, 9, 11), DeadlineUnit.WORKING_DAYS)
    assert moved == at(10, 12, 10)


def test_a_hold_inside_the_holiday_costs_nothing():
    assert shift_for_pause(at(10, 9, 10), at(10, 2, 9), at(10, 6, 18), DeadlineUnit.WORKING_HOURS) == at(10, 9, 10)


def test_a_hold_on_a_clock_limit_moves_it_by_clock_time():
    moved = shift_for_pause(at(10, 2, 8), at(10, 1, 12), at(10, 1, 18), DeadlineUnit.CALENDAR_HOURS)
    assert moved == at(10, 2, 14)


def test_an_extension_across_national_day():
    # Due Wednesday Sept 30, 17:00, extended by 2 working days (16 h): 1 h Sept 30, 8 h Oct 8, 7 h Oct 9.
    assert extend(at(9, 30, 17), 2) == at(10, 9, 17)


def test_an_extension_counts_a_day_the_administrator_took_off():
    CalendarDay.objects.filter(date=datetime.date(2026, 10, 9)).delete()
    CalendarDay.objects.create(date=datetime.date(2026, 10, 9), is_workday=False, name="防汛停工")
    # Oct 9 is off now: 1 h Sept 30, 8 h Oct 8, 7 h on Saturday Oct 10.
    assert extend(at(9, 30, 17), 2) == at(10, 10, 17)


def test_the_calendar_reads_each_year_once(django_assert_max_num_queries):
    calendar = WorkCalendar()
    with django_assert_max_num_queries(1):
        deadline(at(9, 29, 10), 5, DeadlineUnit.WORKING_DAYS, calendar)
        deadline(at(2, 13, 17), 2, DeadlineUnit.WORKING_DAYS, calendar)


def test_a_hold_in_the_evening_leaves_an_end_of_day_deadline_where_it_is():
    # Due Friday Oct 9 at 18:00, held 19:00–20:00 the same evening: no working time passed.
    due = at(10, 9, 18)
    assert shift_for_pause(due, at(10, 9, 19), at(10, 9, 20), DeadlineUnit.WORKING_HOURS) == due
    assert WorkCalendar().add(due, 0) == due


def test_a_hold_of_working_time_moves_an_end_of_day_deadline_into_the_next_period():
    # Held one working hour (Friday 16:00–17:00): the deadline at 18:00 moves to Saturday Oct 10 (worked) 10:00.
    assert shift_for_pause(at(10, 9, 18), at(10, 9, 16), at(10, 9, 17), DeadlineUnit.WORKING_HOURS) == at(10, 10, 10)


def test_the_cached_calendar_follows_an_edit_and_a_deletion(django_assert_num_queries):
    # A first deadline caches 2026's exceptions: the next one reads no calendar row.
    assert extend(at(9, 30, 17), 2) == at(10, 9, 17)
    with django_assert_num_queries(0):
        assert extend(at(9, 30, 17), 2) == at(10, 9, 17)
    # The administrator's edit (a saved row) is seen by the next deadline.
    set_calendar_day(datetime.date(2026, 10, 9), is_workday=False, name="防汛停工")
    assert extend(at(9, 30, 17), 2) == at(10, 10, 17)
    # And so is a deleted row: Oct 9 is an ordinary Friday again, Oct 10 a Saturday off.
    CalendarDay.objects.filter(date=datetime.date(2026, 10, 10)).delete()
    CalendarDay.objects.filter(date=datetime.date(2026, 10, 9)).delete()
    assert extend(at(9, 30, 17), 2) == at(10, 9, 17)
    assert extend(at(10, 9, 17), 1) == at(10, 12, 17)
