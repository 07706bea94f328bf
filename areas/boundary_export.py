"""Export of area boundaries (边界) as a GeoJSON FeatureCollection.

The file is the import's own format (``areas.boundaries``): one feature per area with
``code``, ``name``, ``level``, ``parent`` and the optional grid attributes, so an export
imports back unchanged. Coordinates are stored in WGS-84 and shifted on the way out when an
administrator's map tool expects GCJ-02 or BD-09; the file declares which.
"""

from __future__ import annotations

from typing import Any

from areas.boundaries import LEVEL_KEYWORDS
from areas.geo import CoordinateSystem, transform_geometry
from areas.models import Area, Level


def export_boundaries(
    area: Area, *, level: Level | None = None, coordinate_system: str = CoordinateSystem.WGS84
) -> dict[str, Any]:
    """The active areas of ``area``'s subtree (or of one level of it) that have a boundary.

    The result imports back unchanged; ``coordinate_system`` shifts the coordinates (and is
    declared in the file) for GCJ-02 or BD-09 map tools.
    """
    system = CoordinateSystem.parse(coordinate_system)
    areas = Area.objects.subtree_of(area).active().select_related("parent").prefetch_related("tags")
    if level is not None:
        areas = areas.filter(level=level)
    features = [
        _feature_of(item, system) for item in areas.order_by("level", "code") if item.boundary
    ]
    return {"type": "FeatureCollection", "coordinate_system": system.value, "features": features}


def _feature_of(area: Area, system: CoordinateSystem) -> dict[str, Any]:
    assert area.boundary is not None
    return {
        "type": "Feature",
        "properties": {
            "code": area.code,
            "name": area.name,
            "level": LEVEL_KEYWORDS[Level(area.level)],
            "parent": area.parent.code if area.parent else None,
            "grid_kind": area.grid_kind,
            "served_unit": area.served_unit,
            "household_target": area.household_target,
            "tags": sorted(tag.code for tag in area.tags.all()),
        },
        "geometry": transform_geometry(area.boundary, CoordinateSystem.WGS84, system),
    }
