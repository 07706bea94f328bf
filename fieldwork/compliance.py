"""Compliance figures (巡查考核): planned vs done patrols per grid, day and worker, missed windows,
and the progress of 专项巡查 campaigns.

Planned windows come from the daily plans (``schedule``), counted in Python over the days
(the calendar loads its exceptions a year at a time); done windows come from one grouped query
of finished patrols. So the page costs the same few queries whatever the number of patrols.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q

from areas.models import Area
from cases.calendar import WorkCalendar
from fieldwork.models import Answer, Patrol, PatrolPlan, PlanKind, PlanTarget
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


@dataclass
class CampaignProgress:
    """A 专项巡查 campaign in an area: targets checked, targets due again, problems found and handled."""

    plan: PatrolPlan
    targets: int = 0
    checked: int = 0
    due: int = 0
    problems: int = 0
    handled: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.checked / self.targets) if self.targets else None


def campaign_progress(user: Any, area_prefix: str, today: datetime.date) -> list[CampaignProgress]:
    """Campaigns running or ended in the last 92 days over the targets of this subtree (three queries).

    A target is *checked* once it has a check-in; it is *due* when it was never checked, or, for a
    campaign with an interval, when its last check is older than the interval.
    """
    since = today - datetime.timedelta(days=92)
    plans = {plan.pk: plan for plan in PatrolPlan.objects.visible_to(user).filter(
        kind=PlanKind.SPECIAL, starts_on__lte=today).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=since))}
    targets = (PlanTarget.objects.visible_to(user).filter(plan_id__in=plans, grid_code__startswith=area_prefix)
               .annotate(last=Max("checkins__at")).values_list("plan_id", "pk", "last"))
    progress = {pk: CampaignProgress(plan) for pk, plan in plans.items()}
    for plan_id, _pk, last in targets:
        row = progress[plan_id]
        row.targets += 1
        row.checked += last is not None
        interval = row.plan.target_interval_days
        stale = last is not None and interval and (today - last.astimezone(zone()).date()).days >= interval
        row.due += last is None or bool(stale)
    answers = (Answer.objects.filter(is_problem=True, checkin__target__plan_id__in=plans,
                                     checkin__target__grid_code__startswith=area_prefix)
               .values("checkin__target__plan_id")
               .annotate(found=Count("pk"), handled=Count("pk", filter=~Q(handling=""))))
    for counted in answers:
        progress[counted["checkin__target__plan_id"]].problems = counted["found"]
        progress[counted["checkin__target__plan_id"]].handled = counted["handled"]
    return [row for row in progress.values() if row.targets]
