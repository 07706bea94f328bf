"""When patrols are due: the windows of daily plans on a day, on the working-day calendar.

A daily plan (日常巡查) asks each grid of its subtree for one patrol per window on each day it
runs: every day, or working days only (``cases.calendar.WorkCalendar``: public holidays are rest
days, 调休 weekend days are working days). A window is kept by a finished patrol of that plan,
window, grid and day; it is missed once its end has passed without one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from cases.calendar import WorkCalendar
from fieldwork.models import Patrol, PatrolPlan, PatrolWindow, PlanDays, PlanKind


class SlotState(models.TextChoices):
    DONE = "done", _("已完成")
    ACTIVE = "active", _("进行中")
    OPEN = "open", _("可巡查")
    UPCOMING = "upcoming", _("未开始")
    MISSED = "missed", _("漏巡")


@dataclass
class Slot:
    """One window of one plan on one day in one grid, and what became of it."""

    plan: PatrolPlan
    window: PatrolWindow
    day: datetime.date
    state: str = SlotState.UPCOMING
    patrol: Patrol | None = None

    @property
    def label(self) -> str:
        return str(SlotState(self.state).label)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime.datetime, datetime.datetime]:
        return (datetime.datetime.combine(self.day, self.window.starts_at, zone),
                datetime.datetime.combine(self.day, self.window.ends_at, zone))


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def plan_runs(plan: PatrolPlan, day: datetime.date, calendar: WorkCalendar) -> bool:
    """Whether the daily plan asks for patrols on ``day``."""
    return plan.runs_on(day) and (plan.days == PlanDays.EVERY_DAY or calendar.is_workday(day))


def grid_prefixes(grids: Iterable[Area]) -> set[str]:
    """Every prefix of the grids' codes: the ``area_prefix`` values of plans that cover them."""
    return {grid.code[:length] for grid in grids for length in range(1, len(grid.code) + 1)}


def daily_plans(grids: Iterable[Area]) -> list[PatrolPlan]:
    """Active daily plans covering any of these grids, with their windows (two queries)."""
    return list(PatrolPlan.objects.filter(kind=PlanKind.DAILY, is_active=True, area_prefix__in=grid_prefixes(grids))
                .prefetch_related("windows"))


def covers(plan: PatrolPlan, grid: Area) -> bool:
    return grid.code.startswith(plan.area_prefix)


def slots(grid: Area, day: datetime.date, plans: Iterable[PatrolPlan], calendar: WorkCalendar) -> list[Slot]:
    """The windows due in ``grid`` on ``day`` (states not yet decided)."""
    return [Slot(plan, window, day) for plan in plans if covers(plan, grid) and plan_runs(plan, day, calendar)
            for window in plan.windows.all()]


def decide(slot: Slot, patrols: dict[tuple[int, int], Patrol], now: datetime.datetime) -> Slot:
    """Set the slot's state from the patrol done in it (``patrols`` by (window id, plan id)) and the time."""
    patrol = patrols.get((slot.window.pk, slot.plan.pk))
    start, end = slot.bounds(zone())
    slot.patrol = patrol
    if patrol and patrol.finished_at:
        slot.state = SlotState.DONE
    elif patrol:
        slot.state = SlotState.ACTIVE
    elif now >= end:
        slot.state = SlotState.MISSED
    elif now >= start:
        slot.state = SlotState.OPEN
    else:
        slot.state = SlotState.UPCOMING
    return slot


def today_slots(grid: Area, now: datetime.datetime, calendar: WorkCalendar | None = None) -> list[Slot]:
    """Today's windows in ``grid`` with their states (three queries: plans, windows, patrols)."""
    calendar = calendar or WorkCalendar()
    day = now.astimezone(zone()).date()
    due = slots(grid, day, daily_plans([grid]), calendar)
    done: dict[tuple[int, int], Patrol] = {}
    for patrol in Patrol.objects.filter(grid=grid, day=day, window__isnull=False).order_by("started_at"):
        assert patrol.window_id is not None
        key = (patrol.window_id, patrol.plan_id)
        if key not in done or patrol.finished_at:
            done[key] = patrol
    return [decide(slot, done, now) for slot in due]


def today_counts(grids: list[Area], now: datetime.datetime, calendar: WorkCalendar | None = None) -> tuple[int, int]:
    """(windows still to patrol, windows missed) today over these grids, in four queries."""
    calendar = calendar or WorkCalendar()
    day = now.astimezone(zone()).date()
    plans = daily_plans(grids)
    kept = set(Patrol.objects.filter(grid__in=grids, day=day, finished_at__isnull=False, window__isnull=False)
               .order_by().values_list("grid_id", "window_id").distinct())
    remaining = missed = 0
    for grid in grids:
        for slot in slots(grid, day, plans, calendar):
            if (grid.pk, slot.window.pk) in kept:
                continue
            if slot.bounds(zone())[1] <= now:
                missed += 1
            else:
                remaining += 1
    return remaining, missed
