"""Pure geometry for boundaries (边界): checking GeoJSON polygons and measuring them in metres.

No database here. The boundary import uses these helpers to explain, in the administrator's
language, why a polygon is unusable (bad positions, too few corners, an open ring, a
self-intersection…) and to measure, in metres, how far a grid reaches outside its community or
how much two sibling grids overlap. Geometries are GeoJSON dicts in (longitude, latitude) order
or shapely shapes made from them; stored boundaries are WGS-84.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import shapely
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from areas.geo import CoordinateSystem, transform_geometry

# GEOS's explanation of an invalid polygon, in the administrator's language.
VALIDITY_REASONS = {
    "Self-intersection": gettext_lazy("边界自相交"),
    "Ring Self-intersection": gettext_lazy("边界线自身相交"),
    "Too few points in geometry component": gettext_lazy("点数太少"),
    "Hole lies outside shell": gettext_lazy("内环（洞）不在外环之内"),
    "Nested holes": gettext_lazy("内环相互嵌套"),
    "Interior is disconnected": gettext_lazy("内部被分割成不相连的部分"),
    "Nested shells": gettext_lazy("多个外环相互嵌套"),
    "Duplicate Rings": gettext_lazy("存在重复的环"),
    "Invalid Coordinate": gettext_lazy("坐标无效"),
    "Ring is not closed": gettext_lazy("环没有闭合"),
}
METRES_PER_DEGREE = 111_320.0
SAME_GEOMETRY_DEGREES = 1e-7  # about one centimetre: coordinate-conversion noise, not an edit


# ---------------------------------------------------------------- is the GeoJSON usable?


def position_problem(position: Any) -> str | None:
    """Why a GeoJSON position is not a usable [longitude, latitude] pair; None when it is."""
    if not isinstance(position, list) or len(position) < 2:
        return _("坐标点格式不对，应为 [经度, 纬度]。")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in position[:2]):
        return _("坐标必须是数字。")
    if not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90):
        return _("坐标超出范围：%(lng)s, %(lat)s（经度在前，纬度在后）。") % {"lng": position[0], "lat": position[1]}
    return None


def ring_problem(ring: Any) -> str | None:
    """Why a linear ring is unusable: bad positions, fewer than 3 corners, or not closed."""
    if not isinstance(ring, list):
        return _("边界环格式不对。")
    for position in ring:
        if problem := position_problem(position):
            return problem
    corners = {(p[0], p[1]) for p in ring}
    if len(ring) < 4 or len(corners) < 3:
        return _("点数太少：每个边界环至少要有 3 个不同的顶点，并以起点收尾（共 4 个点以上）。")
    if ring[0][:2] != ring[-1][:2]:
        return _("边界环没有闭合：最后一个点必须与第一个点相同。")
    return None


def structure_problem(geometry: Any) -> str | None:
    """Why a GeoJSON geometry is not a well-formed Polygon or MultiPolygon; None when it is.

    Only the shape of the data is checked here (types, nesting, rings); whether the polygon is
    geometrically valid is ``validity_problem``'s question.
    """
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return _("缺少边界，或边界不是 Polygon / MultiPolygon。")
    polygons = geometry.get("coordinates")
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    if not isinstance(polygons, list) or not polygons:
        return _("边界没有坐标。")
    for rings in polygons:
        if not isinstance(rings, list) or not rings:
            return _("边界没有坐标。")
        for ring in rings:
            if problem := ring_problem(ring):
                return problem
    return None


def validity_problem(polygon: BaseGeometry) -> str | None:
    """GEOS's reason a polygon is invalid (e.g. self-intersection), translated, with where; None if valid."""
    if polygon.is_valid:
        return None
    explanation = explain_validity(polygon)
    match = re.fullmatch(r"(.*?)\[(\S+) (\S+)\]", explanation)
    reason, where = (match.group(1), f"{match.group(2)}, {match.group(3)}") if match else (explanation, "")
    text = str(VALIDITY_REASONS.get(reason, reason))
    if where:
        return _("多边形无效：%(reason)s，位置约在 %(where)s。") % {"reason": text, "where": where}
    return _("多边形无效：%(reason)s。") % {"reason": text}


def flat_positions(coordinates: Any) -> Any:
    """GeoJSON coordinates with every position as a 2-D float pair (drops altitudes and stray members)."""
    if coordinates and isinstance(coordinates[0], int | float):
        return [float(coordinates[0]), float(coordinates[1])]
    return [flat_positions(part) for part in coordinates]


def read_geometry(raw: Any, system: CoordinateSystem) -> tuple[dict[str, Any] | None, BaseGeometry | None, str]:
    """A file's polygon in ``system`` as (WGS-84 geometry, its shape, '') or (None, None, why it is unusable).

    The polygon must be valid both as drawn and after conversion to WGS-84.
    """
    if problem := structure_problem(raw):
        return None, None, problem
    source = {"type": raw["type"], "coordinates": flat_positions(raw["coordinates"])}
    if problem := validity_problem(shape(source)):
        return None, None, problem
    geometry = transform_geometry(source, system, CoordinateSystem.WGS84)
    converted = shape(geometry)
    if problem := validity_problem(converted):
        return None, None, problem
    return geometry, converted, ""


def shape_of(geometry: Any) -> BaseGeometry | None:
    """A stored GeoJSON geometry as a valid, non-empty shape, or None (missing or unreadable)."""
    if not geometry:
        return None
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, KeyError, AttributeError, shapely.errors.GEOSException):
        return None
    return polygon if polygon.is_valid and not polygon.is_empty else None


def same_geometry(stored: Any, geometry: dict[str, Any]) -> bool:
    """Whether a stored boundary and a new one are the same polygon, up to about a centimetre.

    Round trips through GCJ-02 or BD-09 move points by conversion noise; that is not an edit.
    """
    if stored == geometry:
        return True
    stored_shape = shape_of(stored)
    return stored_shape is not None and stored_shape.equals_exact(shape(geometry), SAME_GEOMETRY_DEGREES)


# ---------------------------------------------------------------- measuring in metres


def to_metres(geometry: BaseGeometry, latitude: float) -> BaseGeometry:
    """An equirectangular projection around ``latitude``: good to centimetres over a district."""
    scale = np.array([METRES_PER_DEGREE * math.cos(math.radians(latitude)), METRES_PER_DEGREE])
    return shapely.transform(geometry, lambda coordinates: coordinates * scale)


def reach_outside(child: BaseGeometry, parent: BaseGeometry, tolerance: float) -> float | None:
    """How far (metres) ``child`` reaches beyond ``parent``; None when within the tolerance."""
    latitude = parent.centroid.y
    child_m, parent_m = to_metres(child, latitude), to_metres(parent, latitude)
    if parent_m.buffer(tolerance).covers(child_m):
        return None
    corners = shapely.get_coordinates(child_m.difference(parent_m))
    if not len(corners):
        return tolerance
    return float(np.max(shapely.distance(parent_m, shapely.points(corners))))


def overlap_square_metres(a: BaseGeometry, b: BaseGeometry, tolerance: float) -> float:
    """Area shared by two siblings; slivers no wider than the tolerance (metres) do not count."""
    latitude = (a.centroid.y + b.centroid.y) / 2
    shared = to_metres(a, latitude).intersection(to_metres(b, latitude))
    if shared.is_empty or shared.area <= 0 or shared.buffer(-tolerance / 2).is_empty:
        return 0.0
    return float(shared.area)
