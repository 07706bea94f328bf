"""Compliance figures (巡查考核): planned vs done patrols per grid, day and worker, missed windows.

Planned windows come from the daily plans (``schedule``), counted in Python over the days
(the calendar loads its exceptions a year at a time); done windows come from one grouped query
of finished patrols. So the page costs the same few queries whatever the number of patrols.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count

from areas.models import Area
from cases.calendar import WorkCalendar
from fieldwork.models import Patrol
from fieldwork.schedule import daily_plans, slots, zone


@dataclass
class DayFigures:
    day: datetime.date
    planned: int = 0
    done: int = 0
    missed: int = 0


@dataclass
class GridFigures:
    """One grid over a period: windows planned, kept and missed, and the figures of each day."""

    grid: Area
    planned: int = 0
    done: int = 0
    missed: int = 0
    days: list[DayFigures] = field(default_factory=list)

    @property
    def rate(self) -> int | None:
        """Kept windows in percent of the windows already over (None before any)."""
        over = self.done + self.missed
        return round(100 * self.done / over) if over else None


def _days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=offset) for offset in range((end - start).days + 1)]


def grid_figures(
    grids: Iterable[Area], start: datetime.date, end: datetime.date, now: datetime.datetime,
    calendar: WorkCalendar | None = None,
) -> list[GridFigures]:
    """Figures for each grid from ``start`` to ``end`` (inclusive), as of ``now``."""
    calendar = calendar or WorkCalendar()
    grids = list(grids)
    plans = daily_plans(grids)
    kept = set(
        Patrol.objects.filter(grid__in=grids, day__range=(start, end), finished_at__isnull=False,
                              window__isnull=False)
        .order_by().values_list("grid_id", "day", "window_id").distinct()
    )
    result = []
    for grid in grids:
        figures = GridFigures(grid)
        for day in _days(start, end):
            today = DayFigures(day)
            for slot in slots(grid, day, plans, calendar):
                today.planned += 1
                if (grid.pk, day, slot.window.pk) in kept:
                    today.done += 1
                elif slot.bounds(zone())[1] <= now:
                    today.missed += 1
            figures.days.append(today)
            figures.planned += today.planned
            figures.done += today.done
            figures.missed += today.missed
        result.append(figures)
    return result


def worker_counts(grids: Iterable[Area], start: datetime.date, end: datetime.date) -> list[tuple[str, int, int]]:
    """(worker, finished patrols, days with a patrol) per worker in these grids, one grouped query."""
    rows = (Patrol.objects.filter(grid__in=list(grids), day__range=(start, end), finished_at__isnull=False)
            .order_by().values("worker__full_name", "worker__username", "day").annotate(n=Count("pk")))
    patrols: Counter[str] = Counter()
    days: defaultdict[str, int] = defaultdict(int)
    for row in rows:
        name = row["worker__full_name"] or row["worker__username"]
        patrols[name] += row["n"]
        days[name] += 1
    return sorted(((name, patrols[name], days[name]) for name in patrols), key=lambda row: row[0])
