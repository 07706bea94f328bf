"""Working time: deadlines counted in working hours and working days on the holiday calendar.

A working day is a weekday that is not a public holiday, or a weekend day listed as a make-up
working day (调休上班) in ``CalendarDay``. Working time runs only inside the office hours of
working days (setting ``CASES_OFFICE_HOURS``, default 09:00–12:00 and 13:00–18:00, eight hours),
so "accept within 4 working hours" reported on a Friday at 17:00 is due on Monday at 12:00, and
"handle within 3 working days" is 24 working hours. Calendar-hour limits are plain clock time.

A year's exceptions are cached (``year_exceptions``: one cache read instead of one query per
deadline) for at most ``CALENDAR_TTL`` seconds; saving or deleting a ``CalendarDay`` drops its
year's entry at once and again after the commit (``connect``). With a per-process cache (no
shared ``CACHE_URL``) another web process may use the old calendar until the entry expires.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from cases.models import CalendarDay, DeadlineUnit

Interval = tuple[datetime.time, datetime.time]
CALENDAR_TTL = 300


def _year_key(year: int) -> str:
    return f"cases:calendar:exceptions:{year}"


def year_exceptions(year: int) -> dict[datetime.date, bool]:
    """The ``CalendarDay`` rows of ``year`` (date → is a working day), cached."""
    key = _year_key(year)
    found: dict[datetime.date, bool] | None = cache.get(key)
    if found is None:
        found = dict(CalendarDay.objects.filter(date__year=year).values_list("date", "is_workday"))
        cache.set(key, found, CALENDAR_TTL)
    return found


def _day_changed(instance: CalendarDay, **kwargs: Any) -> None:
    key = _year_key(instance.date.year)
    cache.delete(key)
    # Again after the commit: a request may have read (and cached) the old rows meanwhile.
    transaction.on_commit(lambda: cache.delete(key))


def connect() -> None:
    """Keep the cached calendar in step with ``CalendarDay`` (``CasesConfig.ready``)."""
    post_save.connect(_day_changed, sender=CalendarDay, dispatch_uid="cases-calendar-day-saved")
    post_delete.connect(_day_changed, sender=CalendarDay, dispatch_uid="cases-calendar-day-deleted")


def parse_office_hours(text: str) -> list[Interval]:
    """'09:00-12:00,13:00-18:00' -> [(09:00, 12:00), (13:00, 18:00)], checked for order."""
    intervals: list[Interval] = []
    for part in text.split(","):
        start_text, end_text = part.strip().split("-")
        start, end = datetime.time.fromisoformat(start_text.strip()), datetime.time.fromisoformat(end_text.strip())
        if end <= start or (intervals and start < intervals[-1][1]):
            raise ValueError(f"CASES_OFFICE_HOURS: {part!r} is not after the previous interval.")
        intervals.append((start, end))
    if not intervals:
        raise ValueError("CASES_OFFICE_HOURS is empty.")
    return intervals


def _seconds(interval: Interval) -> float:
    start, end = interval
    return (datetime.datetime.combine(datetime.date.min, end) - datetime.datetime.combine(datetime.date.min, start)) \
        .total_seconds()


@dataclass
class WorkCalendar:
    """The calendar with its exceptions loaded a year at a time (one query per year touched)."""

    intervals: list[Interval] = field(default_factory=lambda: parse_office_hours(settings.CASES_OFFICE_HOURS))
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo(settings.TIME_ZONE))
    _exceptions: dict[datetime.date, bool] = field(default_factory=dict)
    _years: set[int] = field(default_factory=set)

    @property
    def day_seconds(self) -> float:
        """Working seconds in one working day."""
        return sum(_seconds(interval) for interval in self.intervals)

    def is_workday(self, day: datetime.date) -> bool:
        if day.year not in self._years:
            self._exceptions.update(year_exceptions(day.year))
            self._years.add(day.year)
        return self._exceptions.get(day, day.weekday() < 5)

    def _periods(self, day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
        """The office-hour periods of ``day`` as aware datetimes (none on a rest day)."""
        if not self.is_workday(day):
            return []
        return [
            (datetime.datetime.combine(day, start, self.zone), datetime.datetime.combine(day, end, self.zone))
            for start, end in self.intervals
        ]

    def add(self, start: datetime.datetime, seconds: float) -> datetime.datetime:
        """The moment when ``seconds`` of working time have passed since ``start``.

        Adding nothing leaves ``start`` where it is, even outside office hours: a deadline at the
        end of a working day (18:00) stays there rather than moving to the next period's start.
        A positive amount that exactly fills a period ends at that period's end.
        """
        if seconds <= 0:
            return start
        moment = start.astimezone(self.zone)
        remaining = seconds
        day = moment.date()
        while True:
            for period_start, period_end in self._periods(day):
                begin = max(moment, period_start)
                if begin >= period_end:
                    continue
                available = (period_end - begin).total_seconds()
                if remaining <= available:
                    return begin + datetime.timedelta(seconds=remaining)
                remaining -= available
            day += datetime.timedelta(days=1)
            moment = datetime.datetime.combine(day, datetime.time.min, self.zone)

    def between(self, start: datetime.datetime, end: datetime.datetime) -> float:
        """Working seconds from ``start`` to ``end`` (zero when end is not after start)."""
        start, end = start.astimezone(self.zone), end.astimezone(self.zone)
        total = 0.0
        day = start.date()
        while day <= end.date():
            for period_start, period_end in self._periods(day):
                begin, finish = max(start, period_start), min(end, period_end)
                if finish > begin:
                    total += (finish - begin).total_seconds()
            day += datetime.timedelta(days=1)
        return total


def deadline(
    start: datetime.datetime, amount: int, unit: str, calendar: WorkCalendar | None = None,
) -> datetime.datetime:
    """The deadline ``amount`` units after ``start`` (working hours, working days or clock hours)."""
    if unit == DeadlineUnit.CALENDAR_HOURS:
        return start + datetime.timedelta(hours=amount)
    calendar = calendar or WorkCalendar()
    if unit == DeadlineUnit.WORKING_DAYS:
        return calendar.add(start, amount * calendar.day_seconds)
    return calendar.add(start, amount * 3600)


def shift_for_pause(
    due: datetime.datetime, paused_at: datetime.datetime, resumed_at: datetime.datetime, unit: str,
    calendar: WorkCalendar | None = None,
) -> datetime.datetime:
    """Move a deadline by the time a case spent on hold (working time, or clock time for clock limits).

    A hold that cost no working time (an evening, a weekend) moves nothing.
    """
    if unit == DeadlineUnit.CALENDAR_HOURS:
        return due + (resumed_at - paused_at)
    calendar = calendar or WorkCalendar()
    return calendar.add(due, calendar.between(paused_at, resumed_at))


def extend(due: datetime.datetime, working_days: int, calendar: WorkCalendar | None = None) -> datetime.datetime:
    """A deadline moved by an approved extension of ``working_days``."""
    calendar = calendar or WorkCalendar()
    return calendar.add(due, working_days * calendar.day_seconds)


def now() -> datetime.datetime:
    return timezone.now()
