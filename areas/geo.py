"""Coordinate systems at the edges: WGS-84 inside, GCJ-02 and BD-09 converted on the way in/out.

Chinese map providers shift coordinates: AMap and Tencent use GCJ-02, Baidu BD-09; GPS and
天地图 use WGS-84 (CGCS2000 differs by centimetres). Wangge stores WGS-84 only.
Inverse conversions use prcoords' precise ("bored") iterative solutions.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

import prcoords
from django.utils.translation import gettext_lazy as _


class CoordinateSystem(StrEnum):
    WGS84 = "WGS84"
    GCJ02 = "GCJ02"
    BD09 = "BD09"

    @classmethod
    def parse(cls, value: str | None) -> CoordinateSystem:
        """Accept the usual spellings: 'wgs-84', 'EPSG:4326', 'gcj02', 'GCJ-02', 'bd-09', 'BD09LL'…"""
        if not value:
            return cls.WGS84
        key = value.upper().replace("-", "").replace("_", "").replace(" ", "").replace(":", "")
        aliases = {
            "WGS84": cls.WGS84, "EPSG4326": cls.WGS84, "CRS84": cls.WGS84, "CGCS2000": cls.WGS84,
            "URNOGCDEFCRSOGC1.3CRS84": cls.WGS84, "URNOGCDEFCRSEPSG4326": cls.WGS84,
            "GCJ02": cls.GCJ02, "GCJ": cls.GCJ02, "MARS": cls.GCJ02,
            "BD09": cls.BD09, "BD09LL": cls.BD09, "BAIDU": cls.BD09,
        }
        if key not in aliases:
            raise ValueError(_("不认识的坐标系：%(name)s（可用 WGS-84、GCJ-02、BD-09）") % {"name": value})
        return aliases[key]


Point = tuple[float, float]  # (lng, lat), GeoJSON order
_Converter = Callable[[prcoords.Coords], prcoords.Coords]

_TO_WGS84: dict[CoordinateSystem, _Converter] = {
    CoordinateSystem.GCJ02: prcoords.gcj_wgs_bored,
    CoordinateSystem.BD09: prcoords.bd_wgs_bored,
}
_FROM_WGS84: dict[CoordinateSystem, _Converter] = {
    CoordinateSystem.GCJ02: prcoords.wgs_gcj,
    CoordinateSystem.BD09: prcoords.wgs_bd,
}


def _apply(converter: _Converter | None, lng: float, lat: float) -> Point:
    if converter is None:
        return (lng, lat)
    result = converter(prcoords.Coords(lat, lng))
    return (round(result.lon, 8), round(result.lat, 8))


def to_wgs84(lng: float, lat: float, system: CoordinateSystem | str) -> Point:
    return _apply(_TO_WGS84.get(CoordinateSystem.parse(str(system))), lng, lat)


def from_wgs84(lng: float, lat: float, system: CoordinateSystem | str) -> Point:
    return _apply(_FROM_WGS84.get(CoordinateSystem.parse(str(system))), lng, lat)


def _map_coordinates(coordinates: Any, point: Callable[[float, float], Point]) -> Any:
    if coordinates and isinstance(coordinates[0], int | float):
        return list(point(float(coordinates[0]), float(coordinates[1])))
    return [_map_coordinates(part, point) for part in coordinates]


def transform_geometry(geometry: dict[str, Any], source: str, target: str) -> dict[str, Any]:
    """A copy of a GeoJSON geometry with every position moved from ``source`` to ``target``."""
    source_system, target_system = CoordinateSystem.parse(source), CoordinateSystem.parse(target)
    if source_system == target_system:
        return geometry

    def point(lng: float, lat: float) -> Point:
        wgs_lng, wgs_lat = to_wgs84(lng, lat, source_system)
        return from_wgs84(wgs_lng, wgs_lat, target_system)

    if geometry.get("type") == "GeometryCollection":
        parts = [transform_geometry(part, source, target) for part in geometry.get("geometries", [])]
        return {"type": "GeometryCollection", "geometries": parts}
    return {"type": geometry["type"], "coordinates": _map_coordinates(geometry["coordinates"], point)}
