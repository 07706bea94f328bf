"""The workbench (办件工作台): the user's queues of cases, filters, and bulk dispatch.

Which queues a user sees follows their permissions (``cases.selectors.workbench_queues``): a
dispatcher sees 待受理 and 待派遣, a handler 待签收 and 处置中, a grid worker 待核查… Without a
``queue`` the page opens on ``selectors.default_queue`` (a leader on 已超期). The shared filter
(``cases.filters.CaseFilterForm``) and the search box (``cases.search``: ``q``, or ``qe`` for a
sealed phone) narrow the counts and the list alike. Counts come from one query, each capped at
``selectors.COUNT_CAP`` ("1000+"); a page lists 50 cases sorted by the running deadline, as a
table on a desk and as cards on a phone, and the next and previous pages go by cursor (``after``
or ``before``, ``cases.paging``), so page 1,000 costs what page 1 costs.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cases import paging, queue_rows, search, selectors
from cases.filters import CaseFilterForm
from cases.forms.actions import BulkDispatchForm
from cases.models import Case
from cases.queue_markup import queue_markup
from registry import lookups
from registry.pii import mask_phone

# Keys of the workbench's own, not the shared filter's.
OWN_KEYS = ("queue", "sort", "page", "after", "before", "q", "qe")
# Keys that name a position in the list: dropped from every link that leaves it.
PAGE_KEYS = ("page", "after", "before")


def _require_case_access(request: HttpRequest) -> None:
    if not selectors.works_on_cases(request.user):
        raise PermissionDenied(_("您没有查看事件的权限。"))


def _filter_form(request: HttpRequest) -> CaseFilterForm:
    """The shared case filter, bound to the query string (without the workbench's own keys)."""
    data = request.GET.copy()
    for name in OWN_KEYS:
        data.pop(name, None)
    return CaseFilterForm(data or None, user=request.user)


def _query_string(request: HttpRequest, *drop: str) -> str:
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return query.urlencode()


def _workbench_url(query: QueryDict) -> str:
    return reverse("cases:workbench") + (f"?{query.urlencode()}" if query else "")


def _searched(request: HttpRequest, cases: QuerySet[Case]) -> tuple[QuerySet[Case], dict[str, str]]:
    """Cases narrowed by the search box, and what the box shows: the words, or a sealed phone masked."""
    token = request.GET.get("qe", "")
    if token:
        number = lookups.unseal(request.user, token)
        if not number:
            return cases, {"text": "", "note": _("这次按电话查询已过期，请重新输入电话查询。")}
        return cases.filter(search.phone_condition(number)), {"text": "", "placeholder": mask_phone(number),
                                                               "sealed": token}
    text = request.GET.get("q", "").strip()[:search.MAX_LENGTH]
    if not text:
        return cases, {"text": ""}
    return cases.filter(search.text_condition(text)), {"text": text}


def _drop_typed_phone(request: HttpRequest) -> HttpResponse | None:
    """A phone typed into the address is not searched for (nor echoed): back without it."""
    if not search.is_phone(request.GET.get("q", "")):
        return None
    query = request.GET.copy()
    query.pop("q")
    for name in PAGE_KEYS:
        query.pop(name, None)
    messages.warning(request, _("按电话查询请在查询框中输入后点击“查询”。"))
    return redirect(_workbench_url(query))


@login_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    """办件工作台: the queues the user works on, with counts, filters, search and a page of cases."""
    _require_case_access(request)
    dropped = _drop_typed_phone(request)
    if dropped is not None:
        return dropped
    now = timezone.now()
    desk = selectors.desk_of(request.user)
    filters = _filter_form(request)
    in_filter, box = _searched(request, filters.apply(Case.objects.visible_to(request.user), now))
    queues = selectors.workbench_queues(request.user, now, desk=desk, cases=in_filter, cap=selectors.COUNT_CAP)
    current = next((queue for queue in queues if queue.key == request.GET.get("queue")),
                   selectors.default_queue(queues))
    sort = request.GET.get("sort", "deadline")
    sort = sort if sort in selectors.SORTS else "deadline"
    cases = selectors.queue_cases(request.user, current, sort, cases=in_filter)
    page = paging.keyset_page(cases, selectors.SORTS[sort], selectors.PAGE_SIZE,
                              after=request.GET.get("after", ""), before=request.GET.get("before", ""),
                              rows=queue_rows.with_row_names)
    bulk = None
    if current.key == "pending_dispatch" and desk.holds("accept_case"):
        bulk = BulkDispatchForm(user=request.user)
    rows = queue_rows.queue_rows(page.rows, now)
    context = {
        "queues": queues,
        "current": current,
        "sort": sort,
        "sorts": [("deadline", _("按时限")), ("newest", _("最新上报")), ("oldest", _("最早上报"))],
        "filters": filters,
        "page": page,
        "rows": rows,
        "markup": queue_markup(rows, bulk=bulk is not None),
        "query_string": _query_string(request, *PAGE_KEYS),
        "filter_string": _query_string(request, *PAGE_KEYS, "queue", "sort"),
        "carried": [(name, value) for name, value in request.GET.items()
                    if name not in (*PAGE_KEYS, "queue", "q", "qe")],
        "box": box,
        "search_cleared": _query_string(request, *PAGE_KEYS, "q", "qe"),
        "bulk": bulk,
        "spot_checks": desk.holds("accept_case"),
    }
    return render(request, "cases/workbench/index.html", context)


@login_required
@require_GET
def spot_checks(request: HttpRequest) -> HttpResponse:
    """自办抽查: a fresh random sample of recent self-handled cases for the 网格长 to look at again
    (each opens its case page, where 抽查 records the result or flags it), and the last checks."""
    desk = selectors.desk_of(request.user)
    if not desk.holds("accept_case"):
        raise PermissionDenied(_("您没有抽查网格自办事件的权限。"))
    context = {"sample": selectors.spot_check_sample(request.user), "checked": selectors.recent_spot_checks(
        request.user), "days": selectors.SPOT_CHECK_DAYS}
    return render(request, "cases/workbench/spot_checks.html", context)


@login_required
@require_POST
def case_search(request: HttpRequest) -> HttpResponse:
    """The search box: words and numbers go to the address (``q``); a phone is looked up (limited
    and logged like the registry's lookups by number) and travels sealed (``qe``)."""
    _require_case_access(request)
    query = QueryDict(mutable=True)
    query["queue"] = "all"
    carried = [*CaseFilterForm.base_fields, "sort"]
    for name in carried:
        value = str(request.POST.get(name, ""))
        if value:
            query[name] = value
    text = str(request.POST.get("q", "")).strip()
    if len(text) > search.MAX_LENGTH:
        messages.error(request, _("查询内容最多%(limit)d个字。") % {"limit": search.MAX_LENGTH})
    elif search.is_phone(text):
        refusal = lookups.lookup_refusal(request.user)
        if refusal:
            messages.error(request, refusal)
            return redirect(_workbench_url(query))
        matches = Case.objects.visible_to(request.user).filter(search.phone_condition(text))
        found = list(matches.order_by("pk")[:search.LOGGED_MATCHES])
        search.record_phone_search(actor=request.user, number=text, found=found)
        query["qe"] = lookups.seal(request.user, text)
    elif text:
        query["q"] = text
    return redirect(_workbench_url(query))


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
    path("search/", case_search, name="search"),
    path("spot-checks/", spot_checks, name="spot_checks"),
]
