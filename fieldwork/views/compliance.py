"""巡查考核: planned vs done patrols per grid (and per day and worker for one grid)."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from accounts.models import User
from areas.models import Area, Level, code_prefix
from fieldwork.compliance import campaign_progress, grid_figures, worker_counts
from fieldwork.coverage import visit_coverage

MAX_DAYS = 92


def _period(request: HttpRequest, today: datetime.date) -> tuple[datetime.date, datetime.date, str]:
    """The period asked for (default: this month up to today), at most ``MAX_DAYS`` long."""
    start = _date(request.GET.get("start"), today.replace(day=1))
    end = _date(request.GET.get("end"), today)
    if start is None or end is None or end < start:
        return today.replace(day=1), today, _("日期无效，已显示本月。")
    if (end - start).days >= MAX_DAYS:
        return end - datetime.timedelta(days=MAX_DAYS - 1), end, _("最多显示%(days)d天。") % {"days": MAX_DAYS}
    return start, end, ""


def _date(text: str | None, default: datetime.date) -> datetime.date | None:
    if not text:
        return default
    try:
        return parse_date(text)
    except ValueError:  # well formed but no such day
        return None


@login_required
def compliance(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    area = get_object_or_404(Area.objects.visible_to(user), code=code)
    if not user.has_perm("fieldwork.view_compliance", area):
        raise PermissionDenied(_("您没有查看巡查考核的权限。"))
    today = timezone.localdate()
    start, end, notice = _period(request, today)
    grids = list(Area.objects.visible_to(user).active().filter(
        level=Level.GRID, code__startswith=code_prefix(area.code, area.level)).order_by("code")[:500])
    figures = grid_figures(grids, start, end, timezone.now())
    single = len(grids) == 1
    return render(request, "fieldwork/compliance.html", {
        "area": area, "figures": figures, "start": start, "end": end, "notice": notice, "single": single,
        "workers": worker_counts(grids, start, end),
        "campaigns": campaign_progress(user, code_prefix(area.code, area.level), today),
        "may_rectify": user.has_perm("fieldwork.add_rectificationlist", area),
        "coverage": visit_coverage(grids, code_prefix(area.code, area.level), end.year, min(end, today)),
    })


urlpatterns: list[URLPattern] = [
    path("compliance/<str:code>/", compliance, name="compliance"),
]
