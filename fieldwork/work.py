"""The fieldwork lines of the home page's 我的待办 (``accounts.worklist``), registered in ``ready``.

A worker who patrols sees the windows still to patrol today (and, in red, those missed today);
a user who records visits sees the care visits due this week (and, in red, those overdue).
A user with neither permission gets no line, so nothing changes for them.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.worklist import WorkItem
from fieldwork.care import due_visits, week_end
from fieldwork.schedule import today_counts
from fieldwork.selectors import patrol_grids


def fieldwork_work(user: Any) -> list[WorkItem]:
    items: list[WorkItem] = []
    today_url = reverse("fieldwork:today")
    if user.has_perm("fieldwork.add_patrol"):
        grids = patrol_grids(user)
        if grids:
            remaining, missed = today_counts(grids, timezone.now())
            items.append(WorkItem("fieldwork:patrols_today", _("今日待巡查"), remaining, today_url))
            if missed:
                items.append(WorkItem("fieldwork:missed_today", _("今日漏巡"), missed, today_url, urgent=True))
    if user.has_perm("fieldwork.add_visit"):
        day = timezone.localdate()
        due = due_visits(user, today=day, until=week_end(day))
        visits_url = reverse("fieldwork:visits_due")
        items.append(WorkItem("fieldwork:visits_due", _("本周待走访"), len(due), visits_url))
        overdue = sum(row.overdue for row in due)
        if overdue:
            items.append(WorkItem("fieldwork:visits_overdue", _("走访已超期"), overdue, visits_url, urgent=True))
    return items
