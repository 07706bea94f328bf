"""Seeding PRC holidays and 调休 days from the ``holidays`` package, and the seed_holidays command."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases import holidays as seeding
from cases.holidays import default_years, holiday_schedule, seed_holidays, set_calendar_day
from cases.models import CalendarDay

pytestmark = pytest.mark.django_db

D = datetime.date


def _state(day: datetime.date) -> tuple[bool, str] | None:
    row = CalendarDay.objects.filter(date=day).first()
    return (row.is_workday, row.name) if row else None


def test_it_knows_the_2026_national_day_schedule():
    # holidays 0.109: Oct 1–7 off (Oct 3 a Saturday, Oct 4 a Sunday), Sept 20 (Sun) and Oct 10 (Sat) worked.
    schedule = holiday_schedule(2026)
    days_off = {day for day, (is_workday, _name) in schedule.items() if not is_workday and day.month == 10}
    assert days_off == {D(2026, 10, 1), D(2026, 10, 2), D(2026, 10, 3), D(2026, 10, 5), D(2026, 10, 6),
                        D(2026, 10, 7)}
    assert schedule[D(2026, 9, 20)] == (True, "国庆节调休上班")
    assert schedule[D(2026, 10, 10)] == (True, "国庆节调休上班")
    assert schedule[D(2026, 2, 14)] == (True, "春节调休上班")
    assert schedule[D(2026, 10, 1)] == (False, "国庆节")


def test_it_seeds_missing_days_only_and_is_idempotent():
    CalendarDay.objects.filter(date__year=2026).delete()
    created = seed_holidays([2026])
    assert created == len(holiday_schedule(2026))
    assert seed_holidays([2026]) == 0
    assert _state(D(2026, 10, 6)) == (False, "休息日（由 2026-09-20 调休）")
    assert _state(D(2026, 10, 10)) == (True, "国庆节调休上班")
    assert _state(D(2026, 10, 3)) == (False, "国庆节")  # a weekend holiday is stored for its name
    assert _state(D(2026, 10, 4)) is None  # a plain Sunday inside the holiday is a rest day anyway


def test_it_never_changes_a_day_an_administrator_edited():
    CalendarDay.objects.filter(date__year=2026).delete()
    set_calendar_day(D(2026, 10, 7), is_workday=True, name="本市另行安排")
    set_calendar_day(D(2026, 10, 10), is_workday=False)
    seed_holidays([2026])
    assert _state(D(2026, 10, 7)) == (True, "本市另行安排")
    assert _state(D(2026, 10, 10)) == (False, "")  # kept as a row, so the make-up day does not come back


def test_a_year_without_a_published_schedule_gets_the_statutory_holidays_only(monkeypatch):
    monkeypatch.setattr(seeding, "schedule_is_published", lambda year: False)
    schedule = holiday_schedule(2026)
    assert all(not is_workday for is_workday, _name in schedule.values())
    assert D(2026, 10, 1) in schedule
    assert D(2026, 10, 5) not in schedule  # a substitute day off: the package's, not the State Council's
    assert D(2026, 10, 10) not in schedule


def test_default_years_are_this_year_and_the_next():
    assert default_years(D(2026, 11, 22)) == [2026, 2027]


def test_the_command_seeds_the_years_given():
    CalendarDay.objects.filter(date__year=2025).delete()
    out, err = StringIO(), StringIO()
    call_command("seed_holidays", "--year", "2025", stdout=out, stderr=err)
    assert CalendarDay.objects.filter(date__year=2025).count() == len(holiday_schedule(2025))
    assert f"已添加 {len(holiday_schedule(2025))} 个" in out.getvalue()
    assert err.getvalue() == ""


def test_the_command_warns_about_a_year_without_make_up_days(monkeypatch):
    monkeypatch.setattr("cases.management.commands.seed_holidays.schedule_is_published", lambda year: year != 2026)
    err = StringIO()
    call_command("seed_holidays", "--year", "2026", stdout=StringIO(), stderr=err)
    assert "2026 年的调休安排尚未收录" in err.getvalue()


def test_the_command_refuses_an_absurd_year():
    with pytest.raises(CommandError, match="年份应在"):
        call_command("seed_holidays", "--year", "1800", stdout=StringIO(), stderr=StringIO())


def test_an_edit_is_saved_as_one_row():
    CalendarDay.objects.filter(date=D(2026, 11, 23)).delete()
    day = set_calendar_day(D(2026, 11, 23), is_workday=False, name="  台风停工 ")
    assert _state(D(2026, 11, 23)) == (False, "台风停工")
    assert set_calendar_day(D(2026, 11, 23), is_workday=True).pk == day.pk
    assert _state(D(2026, 11, 23)) == (True, "")
