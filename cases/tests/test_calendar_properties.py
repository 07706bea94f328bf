"""Properties of working-time arithmetic (``cases.calendar``) over random starts, holds and limits.

The calendar is built in memory with the 2026 National Day schedule (Oct 1–7 off, Sun Sept 20
and Sat Oct 10 worked), so no database is touched: any query would fail these tests.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from cases.calendar import WorkCalendar, deadline, parse_office_hours, shift_for_pause
from cases.models import DeadlineUnit

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASE = datetime.datetime(2026, 9, 14, 0, 0, tzinfo=SHANGHAI)  # a Monday
SPAN_MINUTES = 90 * 24 * 60
HOUR = 3600


def make_calendar() -> WorkCalendar:
    exceptions = {datetime.date(2026, 10, day): False for day in range(1, 8)}
    exceptions |= {datetime.date(2026, 9, 20): True, datetime.date(2026, 10, 10): True}
    return WorkCalendar(intervals=parse_office_hours("09:00-12:00,13:00-18:00"), zone=SHANGHAI,
                        _exceptions=exceptions, _years={2026, 2027})


CALENDAR = make_calendar()
moments = st.integers(min_value=0, max_value=SPAN_MINUTES).map(
    lambda minutes: BASE + datetime.timedelta(minutes=minutes))
limits = st.tuples(st.integers(min_value=1, max_value=40),
                   st.sampled_from([DeadlineUnit.WORKING_HOURS, DeadlineUnit.WORKING_DAYS]))
holds = st.tuples(moments, st.integers(min_value=0, max_value=7 * 24 * 60))


def in_a_period(moment: datetime.datetime) -> bool:
    """Inside a working period, its end included (a deadline may fall at 18:00 sharp)."""
    local = moment.astimezone(SHANGHAI)
    return any(start < local <= end for start, end in CALENDAR._periods(local.date()))


@settings(max_examples=300, deadline=None)
@given(start=moments, limit=limits)
def test_a_deadline_always_lands_inside_a_working_period(start, limit):
    due = deadline(start, limit[0], limit[1], CALENDAR)
    assert in_a_period(due)
    assert CALENDAR.between(start, due) == limit[0] * (HOUR if limit[1] == DeadlineUnit.WORKING_HOURS else 8 * HOUR)


@settings(max_examples=300, deadline=None)
@given(start=moments, later=st.integers(min_value=0, max_value=5 * 24 * 60), limit=limits,
       more=st.integers(min_value=0, max_value=10))
def test_deadlines_are_monotonic_in_the_start_and_the_limit(start, later, limit, more):
    amount, unit = limit
    due = deadline(start, amount, unit, CALENDAR)
    assert deadline(start + datetime.timedelta(minutes=later), amount, unit, CALENDAR) >= due
    assert deadline(start, amount + more, unit, CALENDAR) >= due


@settings(max_examples=300, deadline=None)
@given(start=moments, limit=limits, hold=holds)
def test_a_hold_moves_the_deadline_by_exactly_the_working_time_it_cost(start, limit, hold):
    due = deadline(start, limit[0], limit[1], CALENDAR)
    paused = hold[0]
    resumed = paused + datetime.timedelta(minutes=hold[1])
    cost = CALENDAR.between(paused, resumed)
    moved = shift_for_pause(due, paused, resumed, limit[1], CALENDAR)
    assert moved >= due
    assert CALENDAR.between(due, moved) == cost
    if cost == 0:
        assert moved == due
    else:
        assert in_a_period(moved)


@settings(max_examples=200, deadline=None)
@given(start=moments, limit=limits, day=st.integers(min_value=0, max_value=89),
       evening=st.integers(min_value=18 * 60, max_value=23 * 60 + 59),
       length=st.integers(min_value=0, max_value=14 * 60))
def test_a_hold_outside_working_time_moves_nothing(start, limit, day, evening, length):
    # From some evening minute to at most 14 hours later: still before 09:00 next morning.
    paused = BASE + datetime.timedelta(days=day, minutes=evening)
    resumed = min(paused + datetime.timedelta(minutes=length),
                  datetime.datetime.combine(paused.date() + datetime.timedelta(days=1), datetime.time(9), SHANGHAI))
    due = deadline(start, limit[0], limit[1], CALENDAR)
    assert shift_for_pause(due, paused, resumed, limit[1], CALENDAR) == due


@settings(max_examples=200, deadline=None)
@given(moment=moments)
def test_adding_no_time_moves_nothing(moment):
    assert CALENDAR.add(moment, 0) == moment
