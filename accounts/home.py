"""Where a user lands after logging in."""

from __future__ import annotations

from typing import Any

from areas.models import Area


def home_area_for(user: Any) -> Area | None:
    """The widest area among the user's active assignments (a 网格员 gets their grid)."""
    if user.is_superuser:
        return Area.objects.active().order_by("level", "code").first()
    assignment = (
        user.active_assignments().order_by("area__level", "area__code").select_related("area").first()
    )
    return assignment.area if assignment else None
