"""Care schedules (关爱巡访): who is due and overdue for a visit, derived from the care tags.

Each care tag may carry a visit interval (``CareTag.visit_interval_days``: 独居老人 every 7 days,
低保户 every 30 …). A resident with such tags is due ``interval`` days after their last visit at
which they were met (the shortest interval of their tags counts; a door that did not open
counts for nothing), or, never visited, ``interval`` days after they were registered. A resident
paired (结对帮扶) with a user is on that user's list and no one else's. Every tag
counts for the schedule, but a user sees only the tags they may see
(``registry.selectors.tag_visible``): a worker who may not see a sensitive tag sees the visit
due and "关爱对象", never the tag.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Prefetch, Subquery

from areas.models import Area
from fieldwork.models import Pairing, Visit
from fieldwork.schedule import zone
from registry.models import CareTag, Resident, ResidentStatus
from registry.selectors import tag_visible


@dataclass
class DueVisit:
    """A resident due (or overdue) for a care visit, with the tags this user may see."""

    resident: Resident
    interval: int
    last_visit: datetime.date | None
    due_on: datetime.date
    overdue: bool
    tags: list[CareTag] = field(default_factory=list)
    hidden_tags: bool = False
    paired_with: str = ""  # 结对帮扶: the helper's name, when the resident is paired


def care_residents(user: Any, grid: Area | None = None) -> Any:
    """Visible present residents with a care tag that asks for visits, annotated with interval and last visit."""
    interval = (CareTag.objects.filter(residents=OuterRef("pk"), visit_interval_days__isnull=False)
                .order_by("visit_interval_days").values("visit_interval_days")[:1])
    own = Visit.objects.filter(resident=OuterRef("pk"), met=True).order_by("-visited_at").values("visited_at")[:1]
    residents = Resident.objects.visible_to(user).filter(status=ResidentStatus.PRESENT)
    if grid is not None:
        residents = residents.filter(grid_code__startswith=grid.code)
    pairing = Pairing.objects.active().filter(resident=OuterRef("pk")).order_by("-starts_on", "-pk")
    return (residents.annotate(care_interval=Subquery(interval), last_visit_at=Subquery(own),
                               paired_helper=Subquery(pairing.values("helper_id")[:1]),
                               paired_user_name=Subquery(pairing.values("helper__full_name")[:1]),
                               paired_name=Subquery(pairing.values("helper_name")[:1]))
            .filter(care_interval__isnull=False)
            .prefetch_related(Prefetch("care_tags", queryset=CareTag.objects.order_by("sort_order", "code"))))


def _due(resident: Resident, user: Any, today: datetime.date) -> DueVisit:
    interval: int = resident.care_interval  # type: ignore[attr-defined]
    last_at: datetime.datetime | None = resident.last_visit_at  # type: ignore[attr-defined]
    last = last_at.astimezone(zone()).date() if last_at else None
    start = last or resident.created_at.astimezone(zone()).date()
    due_on = start + datetime.timedelta(days=interval)
    tags = list(resident.care_tags.all())
    visible = [tag for tag in tags if tag_visible(user, tag, resident.grid_code)]
    paired = resident.paired_user_name or resident.paired_name or ""  # type: ignore[attr-defined]
    return DueVisit(resident=resident, interval=interval, last_visit=last, due_on=due_on, overdue=due_on < today,
                    tags=visible, hidden_tags=len(visible) < len(tags), paired_with=paired)


def _on_my_list(resident: Resident, user: Any) -> bool:
    """A resident paired with a user is on that user's list only; unpaired or paired with a
    named person (no account), on the list of everyone who sees them."""
    helper = resident.paired_helper  # type: ignore[attr-defined]
    return helper is None or helper == user.pk


def due_visits(user: Any, *, today: datetime.date, until: datetime.date, grid: Area | None = None) -> list[DueVisit]:
    """Residents due by ``until`` (overdue first, then by due date): "my visits this week"."""
    rows = [_due(resident, user, today) for resident in care_residents(user, grid) if _on_my_list(resident, user)]
    return sorted((row for row in rows if row.due_on <= until), key=lambda row: (row.due_on, row.resident.name))


def week_end(today: datetime.date) -> datetime.date:
    """The Sunday of ``today``'s week."""
    return today + datetime.timedelta(days=6 - today.weekday())
