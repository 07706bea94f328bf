"""Area outlines for the maps of other apps (report forms, case pages), with or without tiles.

Without a tile server a map is a plain background; the outlines of the areas are then the only
thing to orient by, so every map draws them. An outline carries only what the public 网格
pages show anyway: the code, the name and the level, never a team or a figure.

* ``outline_collection`` — a GeoJSON FeatureCollection in the tiles' coordinate system
  (``MAP_TILE_CRS``), each feature with a ``role`` for its style: ``self`` (the grid the page
  is about), ``neighbour`` (the other grids around it), ``context`` (its community), ``area``
  (anything shown while the user pans).
* ``grid_surroundings`` — a grid, its sibling grids and its parent: what a report form opened
  from a grid's QR code or a case page draws first.
* ``outlines_in_box`` — the areas of the finest level that still fits ``OUTLINE_LIMIT``
  outlines in a bounding box, for a map that follows the user's panning.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from areas.geo import CoordinateSystem, to_wgs84, transform_geometry
from areas.models import Area, Level

# More outlines than this in one view are a blur; the view then shows the next level up.
OUTLINE_LIMIT = 150
OUTLINE_FIELDS = ("code", "name", "level", "boundary", "parent_id")
# Finest first: grids when they fit, else communities, else streets, else districts.
OUTLINE_LEVELS = (Level.GRID, Level.COMMUNITY, Level.STREET, Level.DISTRICT)

Box = tuple[float, float, float, float]  # west, south, east, north (WGS-84)


def tile_system() -> CoordinateSystem:
    return CoordinateSystem.parse(settings.MAP_TILE_CRS)


def outline_feature(area: Area, role: str, system: CoordinateSystem) -> dict[str, Any]:
    geometry = area.boundary or {}
    if system != CoordinateSystem.WGS84:
        geometry = transform_geometry(geometry, CoordinateSystem.WGS84, system)
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"code": area.code, "name": area.name, "level": area.level, "role": role},
    }


def outline_collection(outlines: list[tuple[Area, str]]) -> dict[str, Any]:
    """The outlines (area, role) that have a boundary, in the tiles' coordinate system."""
    system = tile_system()
    features = [outline_feature(area, role, system) for area, role in outlines if area.boundary]
    return {"type": "FeatureCollection", "tile_crs": system.value, "features": features}


def grid_surroundings(grid: Area, areas: QuerySet[Area]) -> list[tuple[Area, str]]:
    """The grid (``self``), the active grids beside it (``neighbour``) and its parent (``context``).

    ``areas`` limits what is drawn (the caller's scope); the grid itself is always drawn. One query.
    """
    rows = list(
        areas.active()  # type: ignore[attr-defined]
        .filter(parent_id=grid.parent_id, level=grid.level)
        .exclude(pk=grid.pk)
        .only(*OUTLINE_FIELDS)
        .order_by("code")[:OUTLINE_LIMIT]
    )
    outlines: list[tuple[Area, str]] = [(grid, "self"), *((row, "neighbour") for row in rows)]
    parent = areas.filter(pk=grid.parent_id).only(*OUTLINE_FIELDS).first() if grid.parent_id else None
    if parent is not None:
        outlines.append((parent, "context"))
    return outlines


def box_from_tiles(west: float, south: float, east: float, north: float) -> Box:
    """A bounding box in the tiles' system as WGS-84 (the shift is small; corners suffice)."""
    system = tile_system()
    west_wgs, south_wgs = to_wgs84(west, south, system)
    east_wgs, north_wgs = to_wgs84(east, north, system)
    return (min(west_wgs, east_wgs), min(south_wgs, north_wgs), max(west_wgs, east_wgs), max(south_wgs, north_wgs))


def outlines_in_box(areas: QuerySet[Area], box: Box) -> list[Area]:
    """Active areas whose bounding box meets ``box``, of the finest level with at most OUTLINE_LIMIT.

    At most one count query per level tried and one query for the outlines.
    """
    west, south, east, north = box
    meeting = areas.active().filter(  # type: ignore[attr-defined]
        boundary__isnull=False, min_lng__lte=east, max_lng__gte=west, min_lat__lte=north, max_lat__gte=south,
    )
    for level in OUTLINE_LEVELS:
        at_level = meeting.filter(level=level)
        count = at_level.count()
        if count == 0 or count > OUTLINE_LIMIT:
            continue
        return list(at_level.only(*OUTLINE_FIELDS).order_by("code"))
    return []
