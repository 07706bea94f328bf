"""Where a user lands after logging in: the home page sends each user to their area."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from areas.models import Area


def home_area_for(user: Any) -> Area | None:
    """The widest area among the user's active assignments (a 网格员 gets their grid)."""
    if user.is_superuser:
        return Area.objects.active().order_by("level", "code").first()
    assignment = (
        user.active_assignments().order_by("area__level", "area__code").select_related("area").first()
    )
    return assignment.area if assignment else None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page that fits their role: their grid, community or street."""
    area = home_area_for(request.user)
    if area is not None:
        return redirect("areas:detail", code=area.code)
    return render(request, "core/no_assignment.html")
