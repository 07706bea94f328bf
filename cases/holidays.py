"""PRC public holidays (法定节假日) and make-up working days (调休上班) from the ``holidays`` package.

``seed_holidays`` writes them into ``CalendarDay``, the exceptions of the working-day calendar
(``cases.calendar``). It only creates dates that are missing: a day an administrator edited
(or added by hand) is never changed.

What is stored, for each year:

* every day off the package lists, weekend days included (a weekend holiday is a rest day
  anyway; storing it gives the calendar page its name, e.g. 国庆节 on a Saturday);
* every weekend day that is a working day (调休上班), named after the holiday it pays for.

The package knows a year's 调休 only once the State Council has published it (each winter, for
the next year). For a year it does not know yet, only the statutory holidays themselves are
stored (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节 on their dates), never the package's guess
at substitute days; administrators add the rest on the calendar page when the schedule is out,
or run ``manage.py seed_holidays --year Y`` after upgrading the package.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping

import holidays as holiday_data
from django.db import transaction
from django.utils import timezone

from cases.models import CalendarDay

# The word the package puts into the names of substituted days off (休息日（由 … 调休）).
_SUBSTITUTE_MARK = "调休"
_OBSERVED_MARK = "（补假）"
MAKE_UP_SUFFIX = "调休上班"

Schedule = dict[datetime.date, tuple[bool, str]]


def schedule_is_published(year: int) -> bool:
    """Whether the package knows this year's 调休 (it lists make-up working days for it)."""
    return any(day.year == year for day in holiday_data.China(years=year).weekend_workdays)


def holiday_schedule(year: int) -> Schedule:
    """date -> (is_workday, name) of the year's exceptions, as the package knows them."""
    published = schedule_is_published(year)
    days_off = holiday_data.China(years=year, language="zh_CN", observed=published)
    schedule: Schedule = {day: (False, str(name)) for day, name in days_off.items() if day.year == year}
    if published:
        nearby = holiday_data.China(years=[year - 1, year, year + 1], language="zh_CN")
        for workday in sorted(day for day in days_off.weekend_workdays if day.year == year):
            schedule[workday] = (True, make_up_name(workday, nearby))
    return schedule


def make_up_name(workday: datetime.date, days_off: Mapping[datetime.date, str]) -> str:
    """'国庆节调休上班': the festival whose days off this weekend working day pays for."""
    marker = workday.isoformat()
    for day, name in sorted(days_off.items()):
        if marker in str(name):
            festival = _festival_around(day, days_off)
            return f"{festival}{MAKE_UP_SUFFIX}" if festival else MAKE_UP_SUFFIX
    return MAKE_UP_SUFFIX


def _festival_around(day: datetime.date, days_off: Mapping[datetime.date, str]) -> str:
    """The main festival of the run of rest days around ``day``: the one with most days in it."""
    counts: Counter[str] = Counter()
    for step in (-1, 1):
        current = day if step < 0 else day + datetime.timedelta(days=1)
        while current in days_off or current.weekday() >= 5:
            name = str(days_off.get(current, ""))
            if name and _SUBSTITUTE_MARK not in name:
                counts[name.replace(_OBSERVED_MARK, "")] += 1
            current += datetime.timedelta(days=step)
    return counts.most_common(1)[0][0] if counts else ""


@transaction.atomic
def seed_holidays(years: Iterable[int]) -> int:
    """Create the missing ``CalendarDay`` rows of these years; returns how many were created."""
    created = 0
    for year in sorted(set(years)):
        schedule = holiday_schedule(year)
        existing = set(CalendarDay.objects.filter(date__in=schedule).values_list("date", flat=True))
        for day, (is_workday, name) in sorted(schedule.items()):
            if day not in existing:
                # One by one, not in bulk: every calendar change goes through the change log.
                CalendarDay.objects.create(date=day, is_workday=is_workday, name=name[:60])
                created += 1
    return created


def default_years(today: datetime.date | None = None) -> list[int]:
    """This year and the next: what ``migrate`` seeds."""
    year = (today or timezone.localdate()).year
    return [year, year + 1]


def seed_default_years() -> int:
    return seed_holidays(default_years())


def is_default_workday(day: datetime.date) -> bool:
    """Monday to Friday work, Saturday and Sunday rest: what holds when no exception is stored."""
    return day.weekday() < 5


@transaction.atomic
def set_calendar_day(day: datetime.date, *, is_workday: bool, name: str = "") -> CalendarDay:
    """Make ``day`` a working day or a rest day, with an optional name (an administrator's edit).

    The row is kept even when the day becomes what its weekday would be anyway (a Saturday set
    back to rest): it records the administrator's decision, so a later ``seed_holidays`` (which
    only fills missing dates) cannot bring the package's version back. Saved as one row, so the
    change log records it. Deadlines computed before the change stay as they are; new ones use
    the new calendar.
    """
    name = name.strip()[:60]
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is None:
        return CalendarDay.objects.create(date=day, is_workday=is_workday, name=name)
    if (row.is_workday, row.name) != (is_workday, name):
        row.is_workday, row.name = is_workday, name
        row.save()
    return row
