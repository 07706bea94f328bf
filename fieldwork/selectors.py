"""Reads behind the fieldwork pages; every one starts from a ``visible_to`` queryset."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import RoleAssignment, User
from areas.models import Area, Level
from cases.models import Case
from fieldwork.models import (
    CASE_DONE_STATUSES,
    Answer,
    CheckIn,
    FieldPhoto,
    Patrol,
    PatrolPlan,
    PlanKind,
    PlanTarget,
    RectificationItem,
    RectificationList,
    RectificationPhoto,
    Visit,
)
from fieldwork.schedule import zone
from registry.models import Building


def patrol_grids(user: Any) -> list[Area]:
    """The grids where the user may patrol (their own grids for a 网格员)."""
    grids = Area.objects.visible_to(user).active().filter(level__in=(Level.GRID, Level.MICROGRID))
    return [grid for grid in grids.order_by("code")[:50] if user.has_perm("fieldwork.add_patrol", grid)]


def colleagues(grid: Area, user: Any) -> QuerySet[User]:
    """Who may be named as going along on a visit: people with an assignment on the grid or above it."""
    codes = list({grid.code[:length] for length in range(1, len(grid.code) + 1)})
    holders = RoleAssignment.objects.active().filter(area__code__in=codes).values("user")
    return User.objects.filter(pk__in=holders, is_active=True).exclude(pk=user.pk).order_by("full_name")


def campaigns(grid: Area, day: datetime.date) -> list[PatrolPlan]:
    """The 专项巡查 campaigns running in ``grid`` on ``day``."""
    return [plan for plan in PatrolPlan.objects.covering(grid).filter(kind=PlanKind.SPECIAL) if plan.runs_on(day)]


@dataclass
class Stop:
    """A place the patrol may check in at: a campaign target or a building of the grid."""

    kind: str  # "target" or "building"
    pk: int
    label: str
    checked: bool
    last_checked: datetime.datetime | None = None


def stops(patrol: Patrol, user: Any) -> list[Stop]:
    """Where this patrol may check in, marking the ones checked in this patrol (two queries)."""
    done = list(patrol.checkins.values_list("target_id", "building_id"))
    if patrol.plan.kind == PlanKind.SPECIAL:
        targets = (PlanTarget.objects.visible_to(user).filter(plan=patrol.plan, grid_code__startswith=patrol.grid_code)
                   .annotate(last=Max("checkins__at")))
        checked = {target for target, _building in done}
        return [Stop("target", target.pk, target.name, target.pk in checked, target.last) for target in targets]
    # A grid's patrol covers its micro-grids (微网格): their buildings are the grid's too.
    buildings = (Building.objects.visible_to(user).filter(grid_code__startswith=patrol.grid_code)
                 .order_by("estate", "name"))
    checked = {building for _target, building in done}
    return [Stop("building", building.pk, str(building), building.pk in checked) for building in buildings]


def nearest_stops(patrol: Patrol, user: Any, longitude: float, latitude: float, limit: int = 3) -> list[Stop]:
    """The patrol's stops with a position, nearest first (equirectangular distance, fine within a grid)."""
    scale = math.cos(math.radians(latitude))
    placed: list[tuple[float, Stop]] = []
    positions = _positions(patrol, user)
    for stop in stops(patrol, user):
        where = positions.get((stop.kind, stop.pk))
        if where is not None:
            placed.append((math.hypot((where[0] - longitude) * scale, where[1] - latitude), stop))
    return [stop for _distance, stop in sorted(placed, key=lambda pair: pair[0])[:limit]]


def _positions(patrol: Patrol, user: Any) -> dict[tuple[str, int], tuple[float, float]]:
    """Where each stop is: a target's own point, else its building's; a building's point."""
    found: dict[tuple[str, int], tuple[float, float]] = {}
    if patrol.plan.kind == PlanKind.SPECIAL:
        targets = (PlanTarget.objects.visible_to(user).filter(plan=patrol.plan, grid_code__startswith=patrol.grid_code)
                   .values_list("pk", "lng", "lat", "building__lng", "building__lat"))
        for pk, lng, lat, building_lng, building_lat in targets:
            if lng is not None and lat is not None:
                found[("target", pk)] = (lng, lat)
            elif building_lng is not None and building_lat is not None:
                found[("target", pk)] = (building_lng, building_lat)
        return found
    buildings = (Building.objects.visible_to(user).filter(grid_code__startswith=patrol.grid_code, lng__isnull=False,
                                                     lat__isnull=False)
                 .values_list("pk", "lng", "lat"))
    for pk, lng, lat in buildings:
        found[("building", pk)] = (lng, lat)
    return found


def patrol_checkins(patrol: Patrol) -> QuerySet[CheckIn]:
    """The patrol's check-ins with their answers, cases and photos (a fixed number of queries)."""
    answers = Answer.objects.select_related("item", "case").order_by("item__position", "pk")
    return patrol.checkins.prefetch_related(
        Prefetch("answers", queryset=answers), Prefetch("photos", queryset=FieldPhoto.objects.order_by("pk")),
    ).order_by("at", "pk")


def links_to_case(case: Case, user: Any) -> list[tuple[str, str, str | None]]:
    """The patrols and visits that reported ``case``, as the case page shows them (two queries)."""
    answers = (Answer.objects.filter(case=case, checkin__patrol__in=Patrol.objects.visible_to(user).values("pk"))
               .select_related("checkin__patrol__plan"))
    links: list[tuple[str, str, str | None]] = [
        (_("巡查"), f"{answer.checkin.patrol.plan} · {answer.checkin.label} · {answer.item.display_label}",
         reverse("fieldwork:patrol", args=[answer.checkin.patrol_id]))
        for answer in answers.select_related("item")
    ]
    for visit in Visit.objects.visible_to(user).filter(case=case):
        links.append((_("走访"), f"{visit.visited_at.astimezone(zone()):%Y-%m-%d %H:%M}",
                      reverse("fieldwork:visit", args=[visit.pk])))
    return links


def visible_photos(user: Any) -> QuerySet[FieldPhoto]:
    return FieldPhoto.objects.filter(checkin__patrol__in=Patrol.objects.visible_to(user).values("pk"))


@dataclass
class Progress:
    """整改进度: items done, still open, and open past the list's deadline."""

    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def open(self) -> int:
        return self.total - self.done


def _item_done() -> Q:
    return Q(case__isnull=True, done_at__isnull=False) | Q(case__status__in=CASE_DONE_STATUSES)


def list_progress(lists: QuerySet[RectificationList], today: datetime.date) -> dict[int, Progress]:
    """Progress per list, from one grouped query."""
    rows = (RectificationItem.objects.filter(rectification__in=lists.values("pk")).order_by()
            .values("rectification_id")
            .annotate(total=Count("pk"), done=Count("pk", filter=_item_done()),
                      overdue=Count("pk", filter=~_item_done() & Q(rectification__deadline__lt=today))))
    return {row["rectification_id"]: Progress(row["total"], row["done"], row["overdue"]) for row in rows}


def grid_progress(lists: QuerySet[RectificationList], today: datetime.date) -> list[tuple[str, Progress]]:
    """Progress of the sent lists' items per grid (the community's view across grids), one query."""
    rows = (RectificationItem.objects.filter(rectification__in=lists.filter(sent_at__isnull=False).values("pk"))
            .order_by("grid_code").values("grid_code")
            .annotate(total=Count("pk"), done=Count("pk", filter=_item_done()),
                      overdue=Count("pk", filter=~_item_done() & Q(rectification__deadline__lt=today))))
    return [(row["grid_code"], Progress(row["total"], row["done"], row["overdue"])) for row in rows]


def visible_rectification_photos(user: Any) -> QuerySet[RectificationPhoto]:
    return RectificationPhoto.objects.filter(
        item__rectification__in=RectificationList.objects.visible_to(user).values("pk"))
