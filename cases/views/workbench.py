"""The workbench (办件工作台): the user's queues of cases, filters, and bulk dispatch.

Which queues a user sees follows their permissions (``cases.selectors.workbench_queues``): a
dispatcher sees 待受理 and 待派遣, a handler 待签收 and 处置中, a grid worker 待核查… The shared
filter (``cases.filters.CaseFilterForm``) narrows the counts and the list alike. Counts come
from one aggregate query; a page lists 25 cases sorted by the running deadline.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cases import selectors
from cases.filters import CaseFilterForm
from cases.forms.actions import BulkDispatchForm
from cases.models import Case


def _require_case_access(request: HttpRequest) -> None:
    if not selectors.works_on_cases(request.user):
        raise PermissionDenied(_("您没有查看事件的权限。"))


def _filter_form(request: HttpRequest) -> CaseFilterForm:
    """The shared case filter, bound to the query string (without the workbench's own keys)."""
    data = request.GET.copy()
    for name in ("queue", "sort", "page"):
        data.pop(name, None)
    return CaseFilterForm(data or None, user=request.user)


def _query_string(request: HttpRequest, *drop: str) -> str:
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return query.urlencode()


@login_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    """办件工作台: the queues the user works on, with counts, filters and a page of cases."""
    _require_case_access(request)
    now = timezone.now()
    desk = selectors.desk_of(request.user)
    filters = _filter_form(request)
    in_filter = filters.apply(Case.objects.visible_to(request.user), now)
    queues = selectors.workbench_queues(request.user, now, desk=desk, cases=in_filter)
    current = next((queue for queue in queues if queue.key == request.GET.get("queue")), queues[0])
    sort = request.GET.get("sort", "deadline")
    sort = sort if sort in selectors.SORTS else "deadline"
    cases = selectors.queue_cases(request.user, current, sort, cases=in_filter)
    page = Paginator(cases, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    bulk = None
    if current.key == "pending_dispatch" and desk.holds("accept_case"):
        bulk = BulkDispatchForm(user=request.user)
    context = {
        "queues": queues,
        "current": current,
        "sort": sort,
        "sorts": [("deadline", _("按时限")), ("newest", _("最新上报")), ("oldest", _("最早上报"))],
        "filters": filters,
        "page_obj": page,
        "rows": [(case, selectors.running_lamp(case, now)) for case in page.object_list],
        "query_string": _query_string(request, "page"),
        "filter_string": _query_string(request, "page", "queue", "sort"),
        "bulk": bulk,
    }
    return render(request, "cases/workbench/index.html", context)


@login_required
@require_POST
def bulk_dispatch(request: HttpRequest) -> HttpResponse:
    """批量派遣: ``case_dispatch`` per selected case; reports which were dispatched and which refused."""
    if not request.user.has_perm("cases.accept_case"):
        raise PermissionDenied(_("您没有派遣事件的权限。"))
    form = BulkDispatchForm(request.POST, user=request.user)
    back = reverse("cases:workbench") + "?queue=pending_dispatch"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    done, refused = form.dispatch_each()
    if done:
        numbers = "、".join(case.number or "" for case in done)
        text = ngettext("已派遣 %(count)d 件事件：%(numbers)s", "已派遣 %(count)d 件事件：%(numbers)s", len(done))
        messages.success(request, text % {"count": len(done), "numbers": numbers})
    for case, reason in refused:
        messages.error(request, _("事件 %(number)s 未派遣：%(reason)s") % {"number": case.number, "reason": reason})
    return redirect(back)


urlpatterns: list[URLPattern | URLResolver] = [
    path("", workbench, name="workbench"),
    path("dispatch/", bulk_dispatch, name="bulk_dispatch"),
]
