"""The cases card of an area page (事件办理情况): an htmx fragment the area page loads, as it loads
the registry's coverage card, so ``areas`` imports nothing of ``cases``.

Figures, over the cases under the area that the user may see (``Case.objects.visible_to``):

* 在办 — open cases (not closed, rejected, cancelled, merged or split), 挂账 included;
* 已超期 — open cases whose running stage is past its deadline now (not on hold), as the
  workbench's 已超期 and the lamps count it;
* 本月办结率, 本月满意率 — ``cases.statistics`` over the cases reported this month (local time),
  with the denominators spelled out as on the statistics page.

Two queries: the open and overdue counts on the status index, the month's figures on the
reporting time. A user without ``cases.view_case`` on the area gets an empty fragment.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from areas.models import Area
from cases import statistics
from cases.models import OPEN_STATUSES, Case, Status
from cases.views.stats import STATISTICS_PERMISSIONS, percent


def month_start(now: datetime.datetime) -> datetime.datetime:
    """Midnight (local time) on the first day of ``now``'s month."""
    return timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@login_required
@require_GET
def area_panel(request: HttpRequest, code: str) -> HttpResponse:
    """事件办理情况 of one area, for its page."""
    area = get_object_or_404(Area.objects.visible_to(request.user), code=code)
    if not request.user.has_perm("cases.view_case", area):
        return HttpResponse("")
    now = timezone.now()
    cases = Case.objects.visible_to(request.user).filter(grid_code__startswith=area.prefix)
    running_late = Q(stage_due_at__lt=now) & ~Q(status=Status.ON_HOLD)
    current = cases.filter(status__in=OPEN_STATUSES).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=running_late))
    month = statistics.figures(cases.filter(reported_at__gte=month_start(now)), now)
    context = {
        "area": area,
        "open": current["open"],
        "overdue": current["overdue"],
        "completion": percent(month.completion_rate),
        "completion_detail": _("办结 %(closed)d ÷ 受理 %(accepted)d") % {
            "closed": month.closed, "accepted": month.accepted},
        "satisfaction": percent(month.satisfaction_rate),
        "satisfaction_detail": _("满意与基本满意 %(good)d ÷ 已评价 %(rated)d；未评价 %(unrated)d 件不计入") % {
            "good": month.satisfied, "rated": month.rated, "unrated": month.unrated},
        "may_see_statistics": any(request.user.has_perm(perm) for perm in STATISTICS_PERMISSIONS),
    }
    return render(request, "cases/area/panel.html", context)


urlpatterns: list[URLPattern | URLResolver] = [
    path("areas/<str:code>/panel/", area_panel, name="area_panel"),
]
