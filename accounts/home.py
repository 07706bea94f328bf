"""Where a user lands after logging in: their work list (我的待办), else their area.

The work list comes from the providers apps register in ``accounts.worklist`` (the cases app
counts its queues there). A user with work sees it with counts, each line a link to the list it
counts, and a link to their area; a user with none is sent straight to their area page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.worklist import work_for
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
    """我的待办 with counts, then the user's area; without work, straight to the area page."""
    area = home_area_for(request.user)
    if area is None:
        return render(request, "core/no_assignment.html")
    items = work_for(request.user)
    if not items:
        return redirect("areas:detail", code=area.code)
    return render(request, "accounts/home.html", {"items": items, "area": area})
