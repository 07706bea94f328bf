"""Missed patrols (漏巡) reach the 网格长's inbox.

``notify_missed_patrols`` looks at the windows of the daily plans that ended by ``now`` (today
and the days before, ``days`` in all) in every active grid. A window without a finished patrol
is claimed by inserting its ``MissedWindow`` row; only the run that inserts it writes the inbox
rows (``cases.Notification``, no case) of the users who review the grid — those holding
``fieldwork.view_compliance`` through an assignment on the grid itself (the 网格长). Run it from
a timer (`manage.py notify_missed_patrols`), e.g. every half hour.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment
from areas.models import Area, Level
from cases.calendar import WorkCalendar
from cases.inbox import notifications_deliver
from cases.models import Notification
from fieldwork.models import MissedWindow, Patrol
from fieldwork.schedule import Slot, daily_plans, slots, zone

VERB = "missed_patrol"


def _leaders(grid: Area) -> list[int]:
    rows = RoleAssignment.objects.active().filter(
        area=grid, role__permissions__content_type__app_label="fieldwork",
        role__permissions__codename="view_compliance", user__is_active=True).values_list("user_id", flat=True)
    return sorted(set(rows))


def _claim(slot: Slot, grid: Area) -> bool:
    try:
        with transaction.atomic():
            MissedWindow.objects.create(window=slot.window, grid=grid, day=slot.day)
    except IntegrityError:
        return False
    return True


def notify_missed_patrols(now: datetime.datetime, *, days: int = 2) -> int:
    """Claim and announce the windows missed up to ``now``; returns how many were newly claimed."""
    today = now.astimezone(zone()).date()
    first = today - datetime.timedelta(days=days - 1)
    grids = list(Area.objects.active().filter(level=Level.GRID))
    plans = daily_plans(grids)
    calendar = WorkCalendar()
    kept = set(Patrol.objects.filter(day__range=(first, today), finished_at__isnull=False, window__isnull=False)
               .order_by().values_list("grid_id", "day", "window_id").distinct())
    claimed = 0
    for grid in grids:
        for offset in range(days):
            day = first + datetime.timedelta(days=offset)
            for slot in slots(grid, day, plans, calendar):
                if (grid.pk, day, slot.window.pk) in kept or slot.bounds(zone())[1] > now:
                    continue
                if _claim(slot, grid):
                    claimed += 1
                    _announce(slot, grid)
    return claimed


def _announce(slot: Slot, grid: Area) -> None:
    title = _("漏巡：%(grid)s %(day)s %(window)s") % {
        "grid": grid.name, "day": slot.day.strftime("%m-%d"), "window": slot.window.name}
    body = _("%(plan)s的%(window)s（%(start)s–%(end)s）没有完成巡查。") % {
        "plan": slot.plan, "window": slot.window.name, "start": slot.window.starts_at.strftime("%H:%M"),
        "end": slot.window.ends_at.strftime("%H:%M")}
    notifications_deliver(
        Notification(user_id=user_id, case=None, verb=VERB, title=title[:200], body=body)
        for user_id in _leaders(grid)
    )
