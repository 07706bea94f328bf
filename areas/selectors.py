"""Heavy reads for the area pages: figures of a subtree, children listings, grid teams, map features.

Every function that takes a ``user`` reads through ``Area.objects.visible_to(user)`` so the
numbers a user sees only ever count what lies inside their scope.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy
import shapely
import shapely.geometry
from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

from areas.geo import CoordinateSystem, transform_geometry
from areas.models import PREFIX_LENGTH, Area, GridKind, Level
from core.scope import covers

# Authalic (equal-area) radius of the WGS-84 ellipsoid, in metres.
EARTH_AUTHALIC_RADIUS = 6_371_007.2


def _active_q(prefix: str = "") -> Q:
    """Rows (or related rows at ``prefix``) not retired today; mirrors AreaQuerySet.active()."""
    day = timezone.localdate()
    return Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": day})


def boundary_area_km2(geometry: dict[str, Any] | None) -> float | None:
    """Surface of a WGS-84 GeoJSON (multi)polygon in km².

    Projects onto a cylindrical equal-area projection whose standard parallel runs through
    the shape's centre: exact on the authalic sphere, within a fraction of a per-mille of the
    ellipsoid at the size of a district.
    """
    if not geometry:
        return None
    polygon = shapely.geometry.shape(geometry)
    if polygon.is_empty:
        return None
    centre_lng, centre_lat = polygon.centroid.x, polygon.centroid.y
    cos_centre = math.cos(math.radians(centre_lat))

    def project(coordinates: numpy.ndarray) -> numpy.ndarray:
        lng, lat = coordinates[:, 0], coordinates[:, 1]
        x = EARTH_AUTHALIC_RADIUS * cos_centre * numpy.radians(lng - centre_lng)
        y = EARTH_AUTHALIC_RADIUS * numpy.sin(numpy.radians(lat)) / cos_centre
        return numpy.column_stack([x, y])

    return float(shapely.transform(polygon, project).area) / 1_000_000


@dataclass
class LevelCount:
    """How many areas of one level lie below an area (e.g. 网格 16)."""

    level: Level
    count: int


@dataclass
class AreaFigures:
    """The key numbers shown next to an area's map."""

    below: list[LevelCount] = field(default_factory=list)
    household_target: int | None = None
    area_km2: float | None = None
    team_size: int = 0

    def count_of(self, level: Level) -> int:
        return next((row.count for row in self.below if row.level == level), 0)


def visible_subtree(area: Area, user: Any) -> QuerySet[Area]:
    """Active areas strictly below ``area`` that the user may see."""
    return Area.objects.visible_to(user).filter(_active_q()).subtree_of(area, include_self=False)


def area_figures(area: Area, user: Any) -> AreaFigures:
    """Counts per level below the area, the household target, the surface and the team size."""
    subtree = visible_subtree(area, user)
    per_level = subtree.values("level").annotate(n=Count("id")).order_by("level")
    below = [LevelCount(level=Level(row["level"]), count=row["n"]) for row in per_level]
    return AreaFigures(
        below=below,
        household_target=household_target_of(area, user),
        area_km2=boundary_area_km2(area.boundary),
        team_size=team_size_of(area, user),
    )


def household_target_of(area: Area, user: Any) -> int | None:
    """A grid's own target, or the sum over the grids below (micro-grids split a grid's households)."""
    if area.is_grid:
        return area.household_target
    total = visible_subtree(area, user).filter(level=Level.GRID).aggregate(total=Sum("household_target"))["total"]
    return int(total) if total is not None else None


def team_size_of(area: Area, user: Any) -> int:
    """Current service-team seats (``team``, the seats ``accounts`` attaches to a grid) on the area
    and every active grid below it."""
    today = timezone.localdate()
    seats = (
        Area.objects.visible_to(user)
        .filter(_active_q())
        .filter(code__startswith=area.prefix)
        .aggregate(n=Count("team", filter=Q(team__until__isnull=True) | Q(team__until__gte=today)))
    )
    return int(seats["n"] or 0)


def top_areas(user: Any) -> QuerySet[Area]:
    """The roots of the user's visible tree: visible areas whose parent is not visible."""
    visible = Area.objects.visible_to(user)
    active_children = Prefetch(
        "children", queryset=Area.objects.filter(_active_q()).order_by("code"), to_attr="active_children"
    )
    return visible.filter(_active_q()).exclude(parent__in=visible).order_by("level", "code").prefetch_related(
        active_children
    )


def search_areas(user: Any, query: str) -> QuerySet[Area]:
    """Visible areas whose name contains ``query`` or whose code starts with it."""
    matches = Area.objects.visible_to(user).select_related("parent")
    query = query.strip()
    if query:
        matches = matches.filter(Q(name__icontains=query) | Q(code__startswith=query))
    return matches.order_by("level", "code")


def visible_children(area: Area, user: Any) -> QuerySet[Area]:
    """Active children of ``area`` within scope, with their tags and service teams (see ``grid_leaders``)."""
    return (
        Area.objects.visible_to(user)
        .filter(_active_q())
        .filter(parent=area)
        .order_by("code")
        .prefetch_related("tags", "team")
    )


def grid_leaders(child: Area) -> list[Any]:
    """The current 网格长 of a child from ``visible_children`` (its team is prefetched)."""
    seats = [member for member in child.team.all() if member.is_current and member.is_grid_leader]
    return sorted(seats, key=lambda member: (member.sort_order, member.pk))


@dataclass
class ChildRollup:
    """Figures of one child's own subtree: how many grids, how many target households."""

    grids: int = 0
    household_target: int | None = None


def child_rollups(area: Area, children: list[Area], user: Any) -> dict[str, ChildRollup]:
    """Per child code: grids and summed household targets below it (one query per child level)."""
    rollups: dict[str, ChildRollup] = {}
    for level in {child.level for child in children if not child.is_grid}:
        length = PREFIX_LENGTH[Level(level)]
        rows = (
            visible_subtree(area, user)
            .filter(level=Level.GRID)
            .annotate(head=Substr("code", 1, length))
            .values("head")
            .annotate(grids=Count("id"), households=Sum("household_target"))
        )
        heads = {row["head"]: row for row in rows}
        for child in children:
            row = heads.get(child.prefix) if child.level == level else None
            if row:
                rollups[child.code] = ChildRollup(grids=row["grids"], household_target=row["households"])
    return rollups


@dataclass
class Breadcrumb:
    """One ancestor in the parent chain; ``url`` is empty when it lies outside the user's scope."""

    area: Area
    url: str


def breadcrumbs(area: Area, user: Any) -> list[Breadcrumb]:
    """The parent chain from the top down, linking only the ancestors the user may see."""
    return [
        Breadcrumb(area=ancestor, url=_detail_url(ancestor) if covers(user, ancestor.code) else "")
        for ancestor in area.ancestors()
    ]


def _detail_url(area: Area) -> str:
    return reverse("areas:detail", args=[area.code])


def ancestor_at(chain: list[Area], level: Level) -> Area | None:
    return next((ancestor for ancestor in chain if ancestor.level == level), None)


def map_kind(area: Area) -> str:
    """The map colour key: the grid kind for grids, otherwise the level's name (street, community…)."""
    if area.is_grid and area.level == Level.MICROGRID:
        return "microgrid"
    if area.is_grid:
        return area.grid_kind or GridKind.COMPREHENSIVE.value
    return Level(area.level).name.lower()


def map_kind_label(area: Area) -> str:
    if area.is_grid and area.level == Level.GRID and area.grid_kind:
        return str(GridKind(area.grid_kind).label)
    return str(Level(area.level).label)


def children_features(code: str, user: Any) -> dict[str, Any] | None:
    """GeoJSON of an area and its active visible children, in the map tiles' coordinate system.

    One query: the area itself (role ``self``) and its children (role ``child``). None when the
    area is unknown or outside the user's scope.
    """
    rows = list(
        Area.objects.visible_to(user)
        .filter(Q(code=code) | (Q(parent__code=code) & _active_q()))
        .only("code", "name", "level", "grid_kind", "boundary", "ended_on", "parent_id")
        .order_by("level", "code")
    )
    if not any(row.code == code for row in rows):
        return None
    tile_system = CoordinateSystem.parse(settings.MAP_TILE_CRS)
    features = [_feature(row, "self" if row.code == code else "child", tile_system) for row in rows if row.boundary]
    return {"type": "FeatureCollection", "tile_crs": tile_system.value, "features": features}


def _feature(area: Area, role: str, tile_system: CoordinateSystem) -> dict[str, Any]:
    geometry = area.boundary or {}
    if tile_system != CoordinateSystem.WGS84:
        geometry = transform_geometry(geometry, CoordinateSystem.WGS84, tile_system)
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "code": area.code,
            "name": area.name,
            "level": area.level,
            "kind": map_kind(area),
            "kind_label": map_kind_label(area),
            "role": role,
            "url": _detail_url(area),
        },
    }
