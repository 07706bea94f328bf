"""Query parameters several endpoints share, with their OpenAPI description."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

from api.errors import invalid
from areas.geo import CoordinateSystem

CRS = OpenApiParameter(
    "crs", str, enum=["WGS84", "GCJ02", "BD09"],
    description="Coordinate system of the positions in the answer (default WGS84; GCJ02 for AMap/Tencent, "
                "BD09 for Baidu).",
)
CURSOR = OpenApiParameter("cursor", str, description="The `next` link's cursor (opaque).")
PAGE_SIZE = OpenApiParameter("page_size", int, description="Rows per page, 1 to 200 (default 50).")


def crs_of(request: Request) -> str:
    """The requested coordinate system, or a 400 naming ``crs``."""
    try:
        return str(CoordinateSystem.parse(request.query_params.get("crs", "")))
    except ValueError as error:
        raise invalid({"crs": [str(error)]}) from None
