"""Patrol routes (巡查轨迹) on the grid's map, and their retention.

Points exist only for patrols whose worker consented, while the deployment records them
(``patrols.patrol_record_location``). They are shown only to holders of ``fieldwork.view_route``
over the grid (网格长, 督导员) — the views answer 404 to everyone else — and deleted
``FIELDWORK_ROUTE_RETENTION_DAYS`` after they were recorded (``purge_route_points``, daily).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch

from areas.geo import from_wgs84
from areas.models import Area
from areas.outlines import grid_surroundings, outline_collection, tile_system
from fieldwork.models import Patrol, RoutePoint


def day_routes(user: Any, grid: Area, day: datetime.date) -> list[Patrol]:
    """The patrols of ``grid`` on ``day`` the user may see, each with its points (two queries)."""
    points = Prefetch("route", queryset=RoutePoint.objects.order_by("at", "pk"))
    return list(
        Patrol.objects.visible_to(user)
        .filter(grid=grid, day=day)
        .select_related("plan", "window", "worker")
        .prefetch_related(points)
        .order_by("started_at", "pk")
    )


def route_map_data(user: Any, grid: Area, patrols: list[Patrol]) -> dict[str, Any]:
    """What patrol-routes.js draws: the grid's outlines and one line per patrol, in the tiles' system."""
    system = tile_system()
    lines = []
    for patrol in patrols:
        coordinates = [list(from_wgs84(point.lng, point.lat, system)) for point in patrol.route.all()]
        if coordinates:
            lines.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "LineString", "coordinates": coordinates},
                    "properties": {"patrol": patrol.pk, "label": _label(patrol)},
                }
            )
    return {
        "outlines": outline_collection(grid_surroundings(grid, Area.objects.visible_to(user))),
        "routes": {"type": "FeatureCollection", "features": lines},
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "tileSubdomains": settings.MAP_TILE_SUBDOMAINS,
    }


def _label(patrol: Patrol) -> str:
    worker = patrol.worker.full_name or patrol.worker.username
    window = f" · {patrol.window.name}" if patrol.window else ""
    return f"{worker} · {patrol.plan}{window}"


def purge_route_points(now: datetime.datetime, *, days: int | None = None) -> int:
    """Delete the points recorded more than ``days`` (``FIELDWORK_ROUTE_RETENTION_DAYS``) ago."""
    keep = days if days is not None else int(settings.FIELDWORK_ROUTE_RETENTION_DAYS)
    deleted, _counts = RoutePoint.objects.filter(at__lt=now - datetime.timedelta(days=keep)).delete()
    return deleted
