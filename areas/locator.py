"""The locator: which grid (网格) or micro-grid (微网格) a point lies in.

Case intake, patrols and the map ask "where is this?" for a GPS or map coordinate. The answer
is the innermost active area containing the point — a micro-grid when one covers it, else a
grid — with its grid, community (社区) and street (街道).

Rules:

* A polygon contains its own border and not its holes: a point in a hole is outside that area.
* A point covered by several areas of the innermost level (on a shared border, or where data
  overlaps) goes to the one with the **lowest code**. The choice is deterministic, so the same
  point always lands in the same grid.
* Retired areas (``ended_on`` today or earlier) are ignored.

The polygons sit in an in-memory bucket index, one per process (``_Buckets``): a uniform grid
of cells over the areas' extent, each cell listing the areas whose bounding box touches it in the
order of the rule above, so a lookup tests the few areas of one cell, best first, and stops at the
first that covers the point. The test is exact: a bounding box for rectangles, a crossing count
in Python for small simple polygons (a point within a hair of an edge goes to GEOS's robust
predicate), ``shapely.intersects_xy`` on the prepared polygon otherwise. About 10,000 grids give
well over 100,000 lookups per second on one core (``benchmarks/test_locator_bench.py``). Each call checks cheaply
whether the boundaries changed — a save in this process marks the index stale at once; other
processes' changes are seen through a signature (count and latest ``updated_at`` of grid-level
areas) read at most once every ``LOCATOR_CHECK_SECONDS`` seconds (default 5). Rebuilds happen
under a lock, so concurrent requests never see a half-built index.
"""

from __future__ import annotations

import datetime
import math
import threading
import time
from dataclasses import dataclass
from typing import Any

import shapely
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import shape

from areas.geo import CoordinateSystem, to_wgs84
from areas.models import Area, Level
from core.scope import covers

GRID_LEVELS = (Level.GRID, Level.MICROGRID)
_CHAIN_LEVELS = (Level.STREET, Level.COMMUNITY, Level.GRID, Level.MICROGRID)
Signature = tuple[datetime.date, int, datetime.datetime | None]


@dataclass(frozen=True)
class PlaceSummary:
    """An area as the locator reports it: code, name and level."""

    code: str
    name: str
    level: int

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "level": self.level, "level_name": self.level_label}


@dataclass(frozen=True)
class LocateResult:
    """Where a point lies: ``area`` is the innermost area (None outside every grid)."""

    lat: float
    lng: float
    area: PlaceSummary | None
    microgrid: PlaceSummary | None = None
    grid: PlaceSummary | None = None
    community: PlaceSummary | None = None
    street: PlaceSummary | None = None
    message: str = ""

    @property
    def found(self) -> bool:
        return self.area is not None

    @property
    def parents(self) -> list[PlaceSummary]:
        """The areas above ``area``, from the street down."""
        chain = [self.street, self.community, self.grid, self.microgrid]
        return [place for place in chain if place is not None and place != self.area]


SMALL_RING = 32  # rings of up to this many corners are tested in Python, larger ones by GEOS
EDGE_TOLERANCE = 1e-9  # degrees (~0.1 mm): closer to an edge than this, GEOS decides


@dataclass(frozen=True, slots=True)
class _Shape:
    """One polygon of the index, with what its test needs."""

    place: PlaceSummary
    west: float
    south: float
    east: float
    north: float
    rectangle: bool  # an axis-parallel rectangle: the bounding box is the polygon
    ring: tuple[tuple[float, float], ...] | None  # the exterior of a small polygon without holes
    polygon: Any  # the prepared shapely geometry

    def covers(self, x: float, y: float) -> bool:
        """Whether the point lies in the polygon or on its border (GEOS's ``intersects``)."""
        if not (self.west <= x <= self.east and self.south <= y <= self.north):
            return False
        if self.rectangle:
            return True
        if self.ring is None:
            return bool(shapely.intersects_xy(self.polygon, x, y))
        inside = False
        x1, y1 = self.ring[-1]
        for x2, y2 in self.ring:
            dx, dy = x2 - x1, y2 - y1
            if (abs(dx * (y - y1) - dy * (x - x1)) <= EDGE_TOLERANCE * (abs(dx) + abs(dy))
                    and min(x1, x2) - EDGE_TOLERANCE <= x <= max(x1, x2) + EDGE_TOLERANCE
                    and min(y1, y2) - EDGE_TOLERANCE <= y <= max(y1, y2) + EDGE_TOLERANCE):
                return bool(shapely.intersects_xy(self.polygon, x, y))  # on or next to this edge
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * dx / dy:
                inside = not inside
            x1, y1 = x2, y2
        return inside


def _shape(place: PlaceSummary, polygon: Any) -> _Shape:
    west, south, east, north = (float(value) for value in polygon.bounds)
    ring = None
    rectangle = False
    if isinstance(polygon, shapely.Polygon) and not polygon.interiors:
        corners = [(float(x), float(y)) for x, y in polygon.exterior.coords[:-1]]
        rectangle = (len(set(corners)) == 4 and west < east and south < north
                     and all(x in (west, east) and y in (south, north) for x, y in corners))
        if len(corners) <= SMALL_RING:
            ring = tuple(corners)
    return _Shape(place, west, south, east, north, rectangle, ring, polygon)


class _Buckets:
    """A uniform grid of about two cells per polygon over their extent; each cell holds the
    shapes whose bounding box touches it, innermost level first, then by code."""

    def __init__(self, shapes: list[_Shape]) -> None:
        self.cells: dict[tuple[int, int], tuple[_Shape, ...]] = {}
        self.west = min((shape.west for shape in shapes), default=0.0)
        self.south = min((shape.south for shape in shapes), default=0.0)
        self.east = max((shape.east for shape in shapes), default=0.0)
        self.north = max((shape.north for shape in shapes), default=0.0)
        width, height = max(self.east - self.west, 1e-9), max(self.north - self.south, 1e-9)
        cells = max(1, 2 * len(shapes))
        self.columns = max(1, min(4096, round(math.sqrt(cells * width / height))))
        self.rows = max(1, min(4096, round(cells / self.columns)))
        self.cell_width, self.cell_height = width / self.columns, height / self.rows
        lists: dict[tuple[int, int], list[_Shape]] = {}
        for shape_ in sorted(shapes, key=lambda item: (-item.place.level, item.place.code)):
            first_column, first_row = self._cell(shape_.west, shape_.south)
            last_column, last_row = self._cell(shape_.east, shape_.north)
            for column in range(first_column, last_column + 1):
                for row in range(first_row, last_row + 1):
                    lists.setdefault((column, row), []).append(shape_)
        self.cells = {key: tuple(value) for key, value in lists.items()}

    def _cell(self, x: float, y: float) -> tuple[int, int]:
        column = min(self.columns - 1, max(0, int((x - self.west) / self.cell_width)))
        row = min(self.rows - 1, max(0, int((y - self.south) / self.cell_height)))
        return column, row

    def candidates(self, x: float, y: float) -> tuple[_Shape, ...]:
        """The shapes that may cover the point, best first (none outside the extent)."""
        if not (self.west <= x <= self.east and self.south <= y <= self.north):
            return ()
        return self.cells.get(self._cell(x, y), ())


@dataclass(frozen=True)
class _Index:
    signature: Signature
    buckets: _Buckets
    places: list[PlaceSummary]  # one per polygon of the index
    chains: dict[str, dict[int, PlaceSummary]]  # code -> {level: ancestor or itself}


def _signature() -> Signature:
    """Changes whenever a grid or micro-grid is created, saved, deleted or retires (by date)."""
    figures = Area.objects.filter(level__in=GRID_LEVELS).aggregate(count=Count("id"), latest=Max("updated_at"))
    return (timezone.localdate(), figures["count"], figures["latest"])


def _chains(rows: list[Any]) -> dict[str, dict[int, PlaceSummary]]:
    """For each area, itself and its ancestors by level (street and below)."""
    by_id = {row["id"]: row for row in rows}
    chains: dict[str, dict[int, PlaceSummary]] = {}
    for row in rows:
        chain: dict[int, PlaceSummary] = {}
        current: dict[str, Any] | None = row
        while current is not None:
            chain[current["level"]] = PlaceSummary(current["code"], current["name"], current["level"])
            current = by_id.get(current["parent_id"])
        chains[row["code"]] = chain
    return chains


def _build(signature: Signature) -> _Index:
    grids = Area.objects.active().filter(level__in=GRID_LEVELS, boundary__isnull=False)
    shapes, places = [], []
    for code, name, level, boundary in grids.values_list("code", "name", "level", "boundary"):
        if not boundary:
            continue
        try:
            polygon = shape(boundary)
        except (ValueError, TypeError, KeyError, AttributeError, shapely.errors.GEOSException):
            continue  # unreadable boundaries cannot be imported; skip anything else stored by hand
        if not polygon.is_empty:
            shapely.prepare(polygon)
            place = PlaceSummary(code, name, level)
            shapes.append(_shape(place, polygon))
            places.append(place)
    rows = list(Area.objects.filter(level__in=_CHAIN_LEVELS).values("id", "code", "name", "level", "parent_id"))
    return _Index(signature, _Buckets(shapes), places, _chains(rows))


class Locator:
    """An in-memory spatial index of active grids and micro-grids, rebuilt when they change."""

    def __init__(self, check_seconds: float | None = None) -> None:
        self.check_seconds = (
            float(getattr(settings, "LOCATOR_CHECK_SECONDS", 5.0)) if check_seconds is None else check_seconds
        )
        self._lock = threading.Lock()
        self._index: _Index | None = None
        self._checked_at = -math.inf
        self._stale = True

    def invalidate(self) -> None:
        """Make the next call compare the signature (called when an area is saved or deleted)."""
        self._stale = True

    def _fresh(self) -> bool:
        return (
            self._index is not None
            and not self._stale
            and time.monotonic() - self._checked_at < self.check_seconds
        )

    def index(self) -> _Index:
        """The current index, rebuilt first when the boundaries have changed."""
        if self._fresh():
            assert self._index is not None
            return self._index
        with self._lock:
            if not self._fresh():
                self._stale = False  # a save during the rebuild marks it stale again
                signature = _signature()
                if self._index is None or self._index.signature != signature:
                    self._index = _build(signature)
                self._checked_at = time.monotonic()
            assert self._index is not None
            return self._index

    def locate(self, lat: float, lng: float, system: str = CoordinateSystem.WGS84, *, user: Any = None) -> LocateResult:
        """The innermost active area covering the point; with ``user``, only areas they may see.

        ``lat``/``lng`` are in ``system`` (WGS84, GCJ02 or BD09). Raises ValueError with a
        Chinese message for coordinates that are not a place on Earth or an unknown system.
        """
        wgs_lng, wgs_lat = _wgs84_point(lat, lng, system)
        index = self.index()
        chosen = None
        for candidate in index.buckets.candidates(wgs_lng, wgs_lat):  # best first: the first hit wins
            if candidate.covers(wgs_lng, wgs_lat) and (user is None or covers(user, candidate.place.code)):
                chosen = candidate.place
                break
        if chosen is None:
            return LocateResult(wgs_lat, wgs_lng, None, message=_("该位置不在任何网格内。"))
        chain = index.chains.get(chosen.code, {chosen.level: chosen})
        return LocateResult(
            wgs_lat, wgs_lng, chosen,
            microgrid=chain.get(Level.MICROGRID), grid=chain.get(Level.GRID),
            community=chain.get(Level.COMMUNITY), street=chain.get(Level.STREET),
        )


def _wgs84_point(lat: float, lng: float, system: str) -> tuple[float, float]:
    if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValueError(_("坐标超出范围：纬度应在 -90 到 90 之间，经度应在 -180 到 180 之间。"))
    if system is CoordinateSystem.WGS84:  # the default: nothing to convert or parse
        return float(lng), float(lat)
    return to_wgs84(lng, lat, CoordinateSystem.parse(str(system)))


default_locator = Locator()


def locate(lat: float, lng: float, system: str = CoordinateSystem.WGS84, *, user: Any = None) -> LocateResult:
    """Locate a point with the process-wide index (see ``Locator.locate``)."""
    return default_locator.locate(lat, lng, system, user=user)


def _on_area_change(sender: type[Area], instance: Area, **kwargs: Any) -> None:
    """Mark the index stale now and again at commit, when other threads can see the change."""
    default_locator.invalidate()
    transaction.on_commit(default_locator.invalidate)


post_save.connect(_on_area_change, sender=Area, dispatch_uid="areas-locator-save")
post_delete.connect(_on_area_change, sender=Area, dispatch_uid="areas-locator-delete")
